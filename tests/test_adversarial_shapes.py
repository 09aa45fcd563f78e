"""Completions built to make their own scoring fail, through the real server with its default limits: each
comes back ``ok`` with the reward its content earns, never ``error`` or ``timeout`` (a failure would be a
shelter: see issue 28). A rebuilt reader is checked against the same shapes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.adversarial import MAX_COMPLETION, MAX_REFERENCE, SHAPES
from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings
from service.rewards.answers import AnswerJudge, clean_answer, parse_quantity
from service.rewards.growth import unbounded_growth
from service.rewards.numeric import numeric_value
from service.rewards.phrase import phrase_verdict
from service.rewards.statement import is_prose, read_statement
from service.rewards.text import tokens

from .conftest import ROOT, start_server

HEADERS = (
    "### Image Description:\nA right triangle ABC.\n### Rationales:\nUse the Pythagorean theorem.\n"
    "### Let's think step by step.\n### Step 1:\n{step}\n### The final answer is:\n{answer}"
)
REFERENCE = {"answer": "5", "key_steps": [["AB = 3"], ["AC = 5"]]}
HUGE = "9" * 3400 + "e999"
"""A number Python will not write out (its value has 4,399 digits, past the 4,300-digit limit)."""


def completion(step: str = "AB = 3 and BC = 4, so AC = 5.", answer: str = "5") -> str:
    return HEADERS.format(step=step, answer=answer)


CONTENT_TWINS = {
    "placeholders around the answer": (completion(answer="\x015\x02"), completion(answer=" 5 ")),
    "placeholders in a sentence": (
        completion(answer="The answer is \x010\x02 \x015\x02."),
        completion(answer="The answer is 0 5."),
    ),
    "a forged placeholder index": (completion(answer="\x0199\x02 is it: 5"), completion(answer=" 99  is it: 5")),
    "a step break in a step": (completion(step="AB = 3 \x00 AC = 5"), completion(step="AB = 3   AC = 5")),
    "a huge number in a step": (
        completion(step=f"AB = 3, so AC = 5 and y = {HUGE}."),
        completion(step="AB = 3, so AC = 5 and y = 7."),
    ),
    "a huge number as the answer": (completion(answer=HUGE), completion(answer="7")),
    "a huge number in the answer's sentence": (
        completion(answer=f"The answer is {HUGE}."),
        completion(answer="The answer is 7."),
    ),
}


@pytest.fixture(scope="module")
def default_client():
    server = start_server("--workers", "2")
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            yield client
    finally:
        server.stop()


def scored(client: httpx.Client, profile: str, completions: list[str], reference: dict = REFERENCE) -> list[dict]:
    body = {"profile": profile, "groups": [{"reference": reference, "completions": completions}]}
    response = client.post("/v1/score", json=body)
    assert response.status_code == 200, response.text[:2000]
    return response.json()["groups"][0]["results"]


@pytest.mark.parametrize("profile", ["stepgrpo", "r1vl-reference"])
@pytest.mark.parametrize("reference_answer", ["5", "yes", "red"])
def test_crafted_completions_earn_what_their_content_earns(default_client, profile, reference_answer):
    """Each completion scores ``ok``; under ``stepgrpo`` exactly as its twin without the crafted part
    (placeholders blanked, the huge number replaced by a small one). ``r1vl-reference`` reads the raw text
    as R1-VL's code does (math-verify over the whole completion), so only its status is compared there."""
    reference = {**REFERENCE, "answer": reference_answer}
    names = list(CONTENT_TWINS)
    crafted = scored(default_client, profile, [CONTENT_TWINS[n][0] for n in names], reference)
    twins = scored(default_client, profile, [CONTENT_TWINS[n][1] for n in names], reference)
    for name, got, twin in zip(names, crafted, twins, strict=True):
        assert got["status"] == twin["status"] == "ok", (name, got)
        if profile == "stepgrpo":
            assert (got["reward"], got["answer_correct"]) == (twin["reward"], twin["answer_correct"]), name


def test_placeholder_answer_is_read(default_client):
    """The placeholders do not hide the answer: ``\\x015\\x02`` states 5, and is paid as 5."""
    results = scored(default_client, "stepgrpo", [completion(answer="\x015\x02"), completion(answer="\x016\x02")])
    assert [r["answer_correct"] for r in results] == [True, False]


# ---------------------------------------------------------------- unicode: one spelling before numbers are read

DASHES = sorted(
    chr(c) for c in range(0x80, 0x20000) if unicodedata.category(chr(c)) == "Pd" and chr(c) not in "\u301c\u3030"
)
MARKS = [chr(c) for c in range(0x300, 0x20000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(MARKS), st.sampled_from(["{} ", "The answer is {}.", "${}$", "x = {}"]))
def test_a_marked_digit_is_never_the_plain_number(mark, frame):
    """``10`` with a combining mark (U+0338 reads "not 10") is not 10, wherever the mark sits on its digits."""
    for marked in ("10" + mark, "1" + mark + "0"):
        assert not AnswerJudge("10").judge(frame.format(marked)).correct, (mark, frame)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([*DASHES, "\u2212", "\u2796", "\ufe63", "\uff0d"]))
def test_every_dash_reads_as_minus(dash):
    assert AnswerJudge("-5").judge(f"{dash}5").correct, hex(ord(dash))
    assert not AnswerJudge("5").judge(f"{dash}5").correct, hex(ord(dash))


@pytest.mark.parametrize(
    ("reference", "stated"),
    [
        ("10", "1\u200b0"),
        ("10", "1\u200d0"),
        ("10", "\ufeff10"),
        ("1000", "1\u066c000"),
        ("3.5", "\u0663\u066b\u0665"),
        ("-5", "\u20105"),
        ("-5", "\u20125"),
        ("-5", "The answer is \u20115."),
    ],
)
def test_format_characters_arabic_separators_and_dashes_read_as_written(reference, stated):
    assert AnswerJudge(reference).judge(stated).correct, stated


def test_unicode_through_the_server(default_client):
    """The same readings over the wire, under the default profile: the marked 10 is wrong, the others right."""
    answers = ["10\u0338", "1\u200b0", "1\u066c000", "\u201210"]
    references = ["10", "10", "1000", "-10"]
    got = [
        scored(default_client, "stepgrpo", [completion(answer=a)], {**REFERENCE, "answer": r})[0]
        for a, r in zip(answers, references, strict=True)
    ]
    assert [r["status"] for r in got] == ["ok"] * 4
    assert [r["answer_correct"] for r in got] == [False, True, True, True]


# ---------------------------------------------------------------- every shape of bench.adversarial, at its largest


@pytest.mark.parametrize("profile", ["stepgrpo", "r1vl-reference"])
def test_every_shape_at_the_request_limits_comes_back_ok(default_client, profile):
    """Issue 28's table (and more, see ``bench.adversarial``) at the size that fills the default limits, all in one
    request: every completion ``ok`` (none reached the deadline); a reference the growth guard refuses makes its
    group unusable at once, with the reason."""
    shapes = [shape for shape in SHAPES if profile in shape.profiles]
    groups = []
    for shape in shapes:
        reference, text = shape.build(shape.largest)
        assert len(text.encode()) <= MAX_COMPLETION and len(json.dumps(reference).encode()) <= MAX_REFERENCE
        groups.append({"group_id": shape.name, "reference": reference, "completions": [text]})
    response = default_client.post("/v1/score", json={"profile": profile, "groups": groups})
    assert response.status_code == 200, response.text[:2000]
    for shape, group in zip(shapes, response.json()["groups"], strict=True):
        result = group["results"][0]
        if shape.expect_unusable:
            assert group["status"] == "error" and "reference unusable" in result["detail"], (shape.name, group)
        else:
            assert result["status"] == "ok", (shape.name, result)


# ---------------------------------------------------------------- fuzz: the readers on long, repetitive text

UNITS = [
    " ",
    "\u00a0",
    "\n",
    "!",
    ".",
    ",",
    ")",
    "(",
    "{",
    "}",
    "$",
    "$$ ",
    "\\( ",
    "\\[ ",
    "\\, ",
    "\\quad ",
    "\\boxed{",
    "\\boxed{1} ",
    "\\text{ and } ",
    "\\frac{1}{",
    "\\sqrt{",
    "1",
    "1 ",
    "1,",
    "1.",
    "1 = ",
    "x = 1, ",
    "law ",
    "the answer is ",
    "yes ",
    "no ",
    "or ",
    "(ab) ",
    "i.e. ",
    ", which ",
    "twenty-",
    "pythagorean theorem ",
    "AB = 3 ",
    "\u0338",
    "\u200b",
    "\u2010",
    "\x01",
    "\x010\x02",
]
LONG_TEXT = st.builds(
    lambda prefix, unit, count, suffix: (prefix + unit * count + suffix)[:60000],
    st.sampled_from(["", "5", "yes", "The answer is ", "We think about this carefully. ", "\\boxed{"]),
    st.one_of(st.sampled_from(UNITS), st.text(st.characters(exclude_characters="^*!"), min_size=1, max_size=6)),
    st.integers(100, 6000),
    st.sampled_from(["", ")", "x no", "5", " 5.", "}", "\\", "$"]),
)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=LONG_TEXT)
def test_the_readers_take_any_long_repetitive_text(text):
    """Every reading function of the core returns on long runs of one unit (the shapes a degenerate rollout
    produces), without raising, and the same twice; a completion built of it scores ``ok``."""
    for expect in ("value", "letter", "yes_no"):
        read_statement(text, expect)
    clean = clean_answer(text)
    parse_quantity(clean)
    numeric_value(clean)
    unbounded_growth(clean)
    is_prose(text)
    phrase_verdict(text, "red")
    assert tokens(text) == tokens(text)
    group = PreparedGroup(
        CoreReference("5", [["AB = 3"], ["pythagorean theorem"]]), PROFILES["stepgrpo"], Settings(stuffing_guard=True)
    )
    for completion_text in (completion(step=text), completion(answer=text)):
        result = group.score(completion_text)
        assert result["status"] == "ok" and group.score(completion_text) == result


def test_the_adversarial_bench_runs():
    """``python -m bench.adversarial`` on three shapes: a row each (three sizes), and exit 0 (all ``ok``)."""
    run = subprocess.run(
        [sys.executable, "-m", "bench.adversarial", "--profile", "stepgrpo", "--shapes", "spaces", "x no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("answer:")]
    assert len(rows) == 3 and all(row.split()[-1] == "ok" for row in rows), run.stdout
    assert "shapes not ok (or a reference not refused): 0" in run.stdout
