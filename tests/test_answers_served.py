"""Final answers judged through the real server: a hand-labelled corpus of model-style final-answer
lines (every one right) and Math-Verify's own test cases (at least 97% agreement)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.answer_corpus import CASES
from tests.conftest import start_server
from tests.corpus_correct import CORRECT
from tests.hedge_corpus import HEDGES

HEAD = (
    "### Image Description:\nA figure.\n### Rationales:\nRead the figure.\n### Let's think step by step.\n"
    "### Step 1:\nWork it out.\n### The final answer is: "
)
MATH_VERIFY = json.loads((Path(__file__).parent / "data" / "math_verify_cases.json").read_text())
DELIBERATE = {
    ("1000.99", "not it's not 10 it's 1,000.99m²"): "a negation hedges: the line denies a value before it states one",
    ("$1 - \\frac{1}{\\mathrm{e}}$", "$1 + \\frac{1}{\\mathrm{e}}$"): "1 + 1/e is not 1 - 1/e (the label is a bug)",
    ("$9$", "Answer $ \n 9 \n $"): "the block states 9; math-verify refuses inline maths across lines",
    ("$9$", "Answer \\( \n 9 \n \\)"): "the block states 9; math-verify refuses inline maths across lines",
    ("\\boxed{1} no no no no no \\boxed{2}", "$\\boxed{1,2}$"): "two boxes in the reference are a set, as elsewhere",
}
"""Where the service deliberately differs from Math-Verify's expected label, and why."""


@pytest.fixture(scope="module")
def url():
    server = start_server(
        "--workers",
        "2",
        "--deadline",
        "20",
        "--max-groups",
        "300",
        "--max-trajectories",
        "300",
        "--max-request-bytes",
        "2000000",
    )
    yield server.url
    server.stop()


def served_verdicts(url: str, cases: list[tuple[str, str, dict | None]]) -> list[dict]:
    """One group per case (its own reference), the stated answer as the final answer of a structured completion."""
    groups = []
    for reference, stated, choices in cases:
        ref = {"answer": reference, "key_steps": [["work"]]}
        if choices:
            ref["choices"] = choices
        groups.append({"reference": ref, "completions": [HEAD + stated]})
    verdicts = []
    for start in range(0, len(groups), 100):
        body = {"groups": groups[start : start + 100], "options": {"explain": True}}
        response = httpx.post(url + "/v1/score", json=body, timeout=300)
        assert response.status_code == 200, response.text
        for group in response.json()["groups"]:
            result = group["results"][0]
            assert result["status"] == "ok", result
            verdicts.append(result["explanation"]["answer"])
    return verdicts


def test_every_hand_labelled_final_answer_line_is_judged_right(url):
    verdicts = served_verdicts(url, [(r, s, c) for r, s, _, c in CASES])
    wrong = [
        (case, v["rule"], v["method"], v["detail"])
        for case, v in zip(CASES, verdicts, strict=True)
        if v["correct"] != case[2]
    ]
    assert len(CASES) >= 150
    assert not wrong, "\n".join(map(repr, wrong))


def test_every_hedge_is_wrong_and_every_correct_answer_right_over_http(url):
    hedges = served_verdicts(url, [(reference, section, choices) for reference, section, choices, _ in HEDGES])
    paid = [(case, v["rule"]) for case, v in zip(HEDGES, hedges, strict=True) if v["correct"]]
    assert not paid, "\n".join(map(repr, paid))
    correct = served_verdicts(url, CORRECT)
    refused = [(case, v["rule"], v["detail"]) for case, v in zip(CORRECT, correct, strict=True) if not v["correct"]]
    assert not refused, "\n".join(map(repr, refused))


def test_math_verify_own_cases_agree_at_least_97_percent(url):
    cases = MATH_VERIFY["cases"]
    verdicts = served_verdicts(url, [(c["gold"], c["pred"], None) for c in cases])
    disagree = [
        (c["source"], c["gold"][:60], c["pred"][:60], v["rule"][:60])
        for c, v in zip(cases, verdicts, strict=True)
        if v["correct"] != bool(c["expected"])
    ]
    agreement = 1 - len(disagree) / len(cases)
    print(f"math-verify agreement {agreement:.1%} over {len(cases)} cases; disagreements:", *disagree, sep="\n")
    assert agreement >= 0.97, "\n".join(map(repr, disagree))
    deliberate = [(c, v) for c, v in zip(cases, verdicts, strict=True) if (c["gold"], c["pred"]) in DELIBERATE]
    assert len(deliberate) == len(DELIBERATE)
    assert all(v["correct"] != bool(c["expected"]) for c, v in deliberate)


@pytest.mark.parametrize(
    ("reference", "stated", "rule"),
    [
        ("34", "The largest $n$ is 34.", "prose → 34"),
        ("5", "The answer is 5 or 6.", "hedge: two values 5, 6"),
        ("3", "\\boxed{3} \\boxed{4}", "hedge: another value offered: 4"),
        ("no", "No, the lines do not meet.", "yes_no → no"),
        ("C", "The right choice is C.", "option → C"),
        ("red", "The ball is red.", "phrase → red"),
        ("Ben", "Ben won the election with 12 votes.", "phrase → Ben"),
    ],
)
def test_the_explanation_shows_the_value_read_and_the_rule(url, reference, stated, rule):
    choices = {"A": "1", "B": "2", "C": "3"} if reference == "C" else None
    verdict = served_verdicts(url, [(reference, stated, choices)])[0]
    assert verdict["rule"] == rule
    assert verdict["read"] == (None if rule.startswith("hedge") else rule.split(" → ")[1])


@pytest.mark.parametrize(
    ("reference", "stated"),
    [
        ("5", "6 or 5"),
        ("5", "not 5"),
        ("3", "\\boxed{3} or \\boxed{4}"),
        ("yes", "Yes / No"),
    ],
)
def test_where_math_verify_pays_a_hedge_the_service_does_not(url, reference, stated):
    from math_verify import parse, verify

    gold, pred = parse(f"${reference}$", parsing_timeout=None), parse(stated, parsing_timeout=None)
    pays = verify(gold, pred, timeout_seconds=None)
    verdict = served_verdicts(url, [(reference, stated, None)])[0]
    assert not verdict["correct"] and verdict["rule"].startswith(("hedge", "boxes"))
    if reference == "5":
        assert pays, "math-verify reads a number out of the hedge"


@pytest.mark.parametrize(
    ("reference", "stated", "decided_by", "claims"),
    [
        ("7", "\\boxed{7} (perhaps 8)", "open claim", [("7", "uncertain", "box"), ("8", "uncertain", "sentence")]),
        ("7", "7\n\n8", "second value", [("7", "asserted", "line"), ("8", "asserted", "line")]),
        ("24", "24, since 4 × 6 = 24", "committed", [("4", "justification", "sentence")]),
        ("5", "The answer is 5 or 6.", "open claim", [("5", "alternative", "sentence")]),
        ("5", "It is between 4 and 6.", "hedged sentence", []),
    ],
)
def test_the_explanation_lists_the_claims_and_the_rule_that_decided(url, reference, stated, decided_by, claims):
    verdict = served_verdicts(url, [(reference, stated, None)])[0]
    assert verdict["decided_by"] == decided_by
    read = [(c["value"], c["stance"], c["where"]) for c in verdict["claims"]]
    assert all(claim in read for claim in claims), read
