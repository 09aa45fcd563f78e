"""One row, five readers. The server (:mod:`service.scoring.scorer`, and :mod:`service.scoring.openrlhf` for
OpenRLHF's labels), the TRL/verl adapters (:mod:`stepgrpo_reward._service`), the data tools
(:mod:`service.data.layouts` / ``score``) and the trainer's loader (:mod:`trainer_client.data`) all read
a reference with :mod:`stepgrpo_references`: each row below goes through every path, and each path must
give the server the same reference and get the same results back from the real server, under either
profile. A label no path can read (a list such as ``["5"]``, a bool) is never scored as text.
"""

from __future__ import annotations

import json
import logging

import pytest

pytest.importorskip("PIL")

from PIL import Image  # noqa: E402

from service.data.rows import read_rows  # noqa: E402
from service.data.score import row_group  # noqa: E402
from service.ops.config import Config  # noqa: E402
from service.rewards import CoreReference, reference_key_steps  # noqa: E402
from service.scoring.contract import FieldError, OpenRLHFRequest  # noqa: E402
from service.scoring.contract import Reference as WireReference  # noqa: E402
from service.scoring.openrlhf import score_request  # noqa: E402
from service.scoring.scorer import _scored_fields  # noqa: E402
from stepgrpo_references import KeyStepError, key_step_groups  # noqa: E402
from stepgrpo_reward._service import make_reference, reference_from_label  # noqa: E402
from stepgrpo_reward.rates import RATES  # noqa: E402
from stepgrpo_reward.trl import StepGRPOReward  # noqa: E402
from stepgrpo_reward.verl import compute_score, compute_score_batch  # noqa: E402
from trainer_client.data import load_jsonl  # noqa: E402

from .samples import GENUINE  # noqa: E402
from .test_integration_verl import expected  # noqa: E402  (verl's dict for a /v1/score result)


def completion(steps: str, final: str) -> str:
    return (
        "### Image Description:\nA figure.\n### Rationales:\nRead it.\n### Let's think step by step.\n"
        f"### Step 1:\n{steps}\n### The final answer is: {final}"
    )


def row(problem: str, finals: tuple[str, ...], steps: str = "AB = 3 and AC = 5.", **reference) -> dict:
    return {
        "image_path": "img.png",
        "problem": problem,
        **reference,
        "completions": [completion(steps, final) for final in finals],
    }


ROWS = [
    row("Find AC.", ("5", "6"), answer="5", key_steps=[["AB = 3"], ["AC = 5", "AC=5"]]),
    row(
        "Find the area.",
        ("24", "12"),
        steps="The area is \\frac{1}{2} \\times 8 \\times 6 = 24.",
        solution="### Step 1:\nThe area is \\frac{1}{2} \\times 8 \\times 6 = 24.\n### The final answer is: 24",
        key_steps='Image Description: ["d"]; Step 1: ["\\frac{1}{2} \\times 8 \\times 6 = 24", "[area] = 24"]',
    ),
    row("Find y.", ("B", "45", "A"), solution="Answer:B", choices=["30", "45", "60"], key_steps={"Steps": [["y"]]}),
    row("Which?", ("B", "45", "(B) 45", "30"), answer="B: 45"),
    row("Which?", ("B", "45", "A"), answer="B: 45", choices={"A": "30", "B": "45"}),
    row("How many?", ("7", "B", "3"), answer=7, choices={"A": 3, "B": 7}),
    row("Pick.", ("B", "7", "3"), solution="  B  ", key_steps='[["AB = 3", " "], []]', choices='["3", "7"]'),
    row("Export share?", ("76.06", "76.1"), solution="76.06.", key_steps='{"Steps": [["\\frac{1}{2} = 0.5"]]}'),
    row(
        "Blank answer.", ("C", "3", "A"), answer="", solution="Work.\nAnswer: C", choices={"A": "1", "B": "2", "C": "3"}
    ),
    row("Is it?", ("Yes", "No"), answer="yes", key_steps={"Step 2": ["AC = 5"], "Step 1": ["AB = 3"]}),
    row("Numbered.", ("2",), answer="2", key_steps=[" AB = 3 ", ["AC = 5", ""]]),
    row("Count.", ("7", "7.0", "8"), answer=7),
]
REFERENCE_FIELDS = ("answer", "key_steps", "choices", "solution")
PROFILES = ("stepgrpo", "r1vl-reference")
BATCH_ROWS = 4


def write(tmp_path, rows: list[dict]):
    Image.new("RGB", (8, 8), (200, 10, 10)).save(tmp_path / "img.png")
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def scored(reference: dict) -> tuple:
    """What the core scores for a reference the server is sent (:func:`service.scoring.scorer._scored_fields`)."""
    answer, key_steps, choices, solution = _scored_fields(WireReference.model_validate(reference), "stepgrpo")
    return answer, choices, reference_key_steps(CoreReference(answer, key_steps, choices, solution))


def by_data_tools(path) -> list[dict]:
    """References as ``python -m service.data score`` sends them."""
    return [row_group(r, "rows", "stepgrpo", Config()).reference.model_dump(exclude_none=True) for r in read_rows(path)]


def by_trainer(path) -> list[dict]:
    return [item.reference() for item in load_jsonl(path)]


def by_trl(rows: list[dict]) -> list[dict]:
    return [make_reference(*(r.get(f) for f in REFERENCE_FIELDS)) for r in rows]


def by_verl_label(rows: list[dict]) -> list[dict]:
    """A verl / OpenRLHF label: the row's reference fields as one JSON string."""
    return [reference_from_label(json.dumps({f: r[f] for f in REFERENCE_FIELDS if f in r})) for r in rows]


def label(r: dict, as_json: bool = True):
    """The row's label as a data set's label column holds it: the bare answer (a string or a number) when
    the row has nothing else, else an object of its reference fields (or that object's JSON)."""
    fields = {f: r[f] for f in REFERENCE_FIELDS if f in r}
    if list(fields) == ["answer"]:
        return fields["answer"]
    return json.dumps(fields) if as_json else fields


def by_openrlhf(rows: list[dict]) -> list[dict]:
    """References as the server reads ``POST /v1/openrlhf``'s labels
    (:func:`service.scoring.openrlhf.score_request`)."""
    body = OpenRLHFRequest(
        query=[f"{i}: x" for i in range(len(rows))],
        prompts=[f"{i}: " for i in range(len(rows))],
        labels=[label(r) for r in rows],
    )
    return [g.reference.model_dump(exclude_none=True) for g in score_request(body, "stepgrpo").groups]


def paths(tmp_path, rows: list[dict]) -> dict[str, list[dict]]:
    path = write(tmp_path, rows)
    return {
        "data tools": by_data_tools(path),
        "trainer": by_trainer(path),
        "trl": by_trl(rows),
        "verl label": by_verl_label(rows),
        "openrlhf label": by_openrlhf(rows),
    }


def test_every_path_gives_the_server_the_same_reference(tmp_path):
    readings = {name: [scored(ref) for ref in refs] for name, refs in paths(tmp_path, ROWS).items()}
    first = readings.pop("data tools")
    for name, reading in readings.items():
        assert reading == first, name
    assert [answer for answer, _, _ in first] == ["5", "24", "B", "B", "B", "7", "B", "76.06", "C", "yes", "2", "7"]
    assert first[2][1] == {"A": "30", "B": "45", "C": "60"} and first[3][1] == {"B": "45"}
    assert first[5][1] == {"A": "3", "B": "7"} and first[6][1] == {"A": "3", "B": "7"}
    assert first[1][2] == [["\\frac{1}{2} \\times 8 \\times 6 = 24"], ["[area] = 24"]]
    assert first[6][2] == [["AB = 3", " "], []] and first[7][2] == [["\\frac{1}{2} = 0.5"]]
    assert first[9][2] == [["AB = 3"], ["AC = 5"]] and first[10][2] == [[" AB = 3 "], ["AC = 5", ""]]


def test_every_path_sends_the_same_reference(tmp_path):
    """Not only what ``stepgrpo`` scores: ``r1vl-reference`` scores the reference as sent (``B: 45`` as
    written, the solution when there is one), so every path sends the same answer, choices and solution."""
    sent = {}
    for name, refs in paths(tmp_path, ROWS).items():
        sent[name] = [(ref["answer"], ref.get("choices"), ref.get("solution") or None) for ref in refs]
    first = sent.pop("data tools")
    for name, references in sent.items():
        assert references == first, name
    assert first[3] == ("B", {"B": "45"}, None) and first[2][2] == "Answer:B"


def scored_by_data_tools(tmp_path, client, profile: str) -> list[list[dict]]:
    """Each row's results from ``POST /v1/score`` with the reference the data tools send."""
    results = []
    for reference, r in zip(by_data_tools(write(tmp_path, ROWS)), ROWS, strict=True):
        group = {"reference": reference, "completions": r["completions"]}
        response = client.post("/v1/score", json={"profile": profile, "groups": [group]})
        assert response.status_code == 200, response.text
        results.append(response.json()["groups"][0]["results"])
    return results


@pytest.mark.parametrize("profile", PROFILES)
def test_every_path_gets_the_same_results_from_the_server(tmp_path, client, profile):
    """Over the wire, with explanations: a reference read differently anywhere would change a result."""
    answers = {}
    for name, refs in paths(tmp_path, ROWS).items():
        answers[name] = []
        for reference, r in zip(refs, ROWS, strict=True):
            group = {"reference": reference, "completions": r["completions"]}
            body = {"profile": profile, "groups": [group], "options": {"explain": True}}
            response = client.post("/v1/score", json=body)
            assert response.status_code == 200, (name, response.text)
            answers[name].append(response.json()["groups"][0]["results"])
    first = answers.pop("data tools")
    for name, results in answers.items():
        assert results == first, name
    correct = [[r["answer_correct"] for r in results] for results in first]
    if profile == "stepgrpo":
        assert correct[3] == [True, True, True, False] and correct[5] == [True, True, False]
        assert correct[6] == [True, True, False] and correct[8] == [True, True, False]
        assert first[6][0]["key_step_ratio"] == 0.5  # a blank group counts, as the server has always scored it
    else:  # R1-VL's comparison: the letter, not the option's text; "B" against the solution "Answer:B" fails
        assert correct[3] == [True, False, False, False] and correct[2] == [False, False, False]


def batch(rows: list[dict], first: int) -> dict[str, list]:
    """The rows' completions as one trainer batch: prompts, completions, labels (OpenRLHF's JSON, verl's
    objects), verl's extra infos and TRL's reference columns, one entry per completion."""
    out: dict[str, list] = {"prompts": [], "completions": [], "labels": [], "objects": [], "extra": []}
    for i, r in enumerate(rows, start=first):
        for c in r["completions"]:
            out["prompts"].append(f"{i}: {r['problem']}\n")
            out["completions"].append(c)
            out["labels"].append(label(r))
            out["objects"].append(label(r, as_json=False))
            out["extra"].append({"index": i})
    return out


@pytest.mark.parametrize("profile", PROFILES)
def test_the_adapters_and_openrlhf_get_the_data_tools_results_over_the_wire(tmp_path, server, client, profile):
    """Labels as verl (objects and bare answers) and OpenRLHF (JSON and bare answers) send them, TRL's columns:
    each path's rewards equal /v1/score's for the data tools' reference."""
    want = [[expected(r) for r in results] for results in scored_by_data_tools(tmp_path, client, profile)]
    for first in range(0, len(ROWS), BATCH_ROWS):  # batches within the test server's limits
        rows = ROWS[first : first + BATCH_ROWS]
        flat = [item for items in want[first : first + BATCH_ROWS] for item in items]
        b = batch(rows, first)
        n = len(b["completions"])
        verl = compute_score_batch(
            ["d"] * n, b["completions"], b["objects"], b["extra"], url=server.url, profile=profile
        )
        assert [without_rates(item) for item in verl] == flat, first
        query = [p + c for p, c in zip(b["prompts"], b["completions"], strict=True)]
        body = {"query": query, "prompts": b["prompts"], "labels": b["labels"]}
        openrlhf = client.post(f"/v1/openrlhf?profile={profile}", json=body)
        assert openrlhf.status_code == 200, openrlhf.text
        assert openrlhf.json()["rewards"] == [item["score"] for item in flat], first
        assert openrlhf.json()["extra_logs"]["scored"] == [item["scored"] for item in flat], first
        columns = {f: [r.get(f) for r in rows for _ in r["completions"]] for f in REFERENCE_FIELDS}
        trl = StepGRPOReward(server.url, profile=profile)(b["prompts"], b["completions"], **columns)
        assert trl == [item["score"] if item["scored"] else None for item in flat], first


def without_rates(item: dict) -> dict:
    """verl's result without the batch's rates, which every dict carries, all of them (tests/test_integration_verl.py
    checks their values)."""
    assert set(RATES) <= set(item), sorted(set(RATES) - set(item))
    return {key: value for key, value in item.items() if key not in RATES}


DEEP = '{"a": ' * 5000 + "1" + "}" * 5000
UNREADABLE = [
    (["5"], "not list"),
    (True, "not bool"),
    ({"answer": ["5"]}, "'answer' must be a string or a number, not list"),
    (json.dumps({"answer": False}), "'answer' must be a string or a number, not bool"),
    (DEEP, "label JSON is nested too deeply"),
]
UNSCORED = {"score": 0.0, "step_rar": 0.0, "step_rvr": 0.0, "answer_correct": 0.0, "scored": 0.0}


@pytest.mark.parametrize(("bad", "problem"), UNREADABLE)
def test_an_unreadable_label_is_never_scored_as_text(server, client, caplog, bad, problem):
    """The server refuses it with a 422 naming ``labels[i]``; verl's adapter leaves that response
    unscored (not sent, a warning naming the problem), and scores the rest of its batch."""
    prompts, completions = ["Q1\n", "Q2\n"], [GENUINE, GENUINE]
    body = {
        "query": [p + c for p, c in zip(prompts, completions, strict=True)],
        "prompts": prompts,
        "labels": ["5", bad],
    }
    refused = client.post("/v1/openrlhf", json=body)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "labels[1]"], refused.text
    assert problem in refused.json()["detail"][0]["msg"]
    good = client.post("/v1/score", json={"groups": [{"reference": {"answer": "5"}, "completions": [GENUINE]}]})
    with caplog.at_level(logging.WARNING, logger="stepgrpo_reward"):
        batch = compute_score_batch(["d", "d"], completions, ["5", bad], [{"index": 0}, {"index": 1}], url=server.url)
    assert [without_rates(item) for item in batch] == [expected(good.json()["groups"][0]["results"][0]), UNSCORED]
    assert "1 of 2 references cannot be read (first, item 1" in caplog.text and problem in caplog.text
    assert without_rates(compute_score("d", GENUINE, bad, {"index": 0}, url=server.url)) == UNSCORED  # nothing sent


@pytest.mark.parametrize("bad", [["5"], True])
def test_a_list_or_bool_answer_is_never_scored_as_text_on_any_path(tmp_path, server, caplog, bad):
    """TRL's answer column: that completion is unscored (None, a warning), the batch scored; the data
    tools and the trainer refuse the row naming ``answer``."""
    with caplog.at_level(logging.WARNING, logger="stepgrpo_reward"):
        rewards = StepGRPOReward(server.url)(["Q1", "Q2"], [GENUINE, GENUINE], answer=["5", bad])
    assert rewards[0] > 1 and rewards[1] is None
    assert f"'answer' must be a string or a number, not {type(bad).__name__}" in caplog.text
    path = write(tmp_path, [row("Bad.", ("5",), answer=bad)])
    with pytest.raises(ValueError, match="'answer' must be a string"):
        by_data_tools(path)
    with pytest.raises(ValueError, match="'answer' must be a string"):
        by_trainer(path)


def test_a_list_of_27_options_is_refused_on_every_path(tmp_path, client):
    bad = row("Too many.", ("A",), answer="A", choices=[str(i) for i in range(27)])
    path = write(tmp_path, [bad])
    with pytest.raises(ValueError, match="'choices' has 27 options, more than 26"):
        by_data_tools(path)
    with pytest.raises(ValueError, match="line 1: 'choices' has 27 options"):
        by_trainer(path)
    with pytest.raises(FieldError, match="choices"):
        by_openrlhf([bad])
    for reference in (*by_trl([bad]), *by_verl_label([bad])):
        response = client.post("/v1/score", json={"groups": [{"reference": reference, "completions": ["x"]}]})
        assert response.status_code == 422 and "choices" in response.text


@pytest.mark.parametrize(
    ("fields", "trainer_error", "server_error"),
    [
        ({"answer": "5", "key_steps": "just words"}, "no 'Step N: \\[...\\]' lists", "reference.key_steps"),
        ({"solution": "A long explanation\nthat states no answer"}, "the answer is empty", "reference.answer is empty"),
    ],
)
def test_an_unusable_reference_fails_its_row_on_every_path(tmp_path, client, fields, trainer_error, server_error):
    """The trainer refuses the row when loading; the server fails the group alone, naming the field."""
    bad = row("Bad.", ("5",), **fields)
    with pytest.raises(ValueError, match=trainer_error):
        by_trainer(write(tmp_path, [bad]))
    references = [*by_trl([bad]), *by_verl_label([bad]), *by_openrlhf([bad])]
    if "answer" in fields:
        references += by_data_tools(write(tmp_path, [bad]))
    else:  # the data tools refuse a row without an answer before sending it
        with pytest.raises(ValueError, match="reference.answer: no 'answer', and the solution states none"):
            by_data_tools(write(tmp_path, [bad]))
    for reference in references:
        groups = [{"reference": reference, "completions": ["x"]}, {"reference": {"answer": "5"}, "completions": ["x"]}]
        body = client.post("/v1/score", json={"groups": groups}).json()
        assert [g["status"] for g in body["groups"]] == ["error", "ok"]
        assert server_error in body["groups"][0]["detail"]


def test_key_step_forms():
    """Every form the contract accepts, read by the one reader; absent key steps give no groups."""
    assert key_step_groups(None) == key_step_groups("") == key_step_groups({}) == key_step_groups([]) == []
    assert key_step_groups(["a", ["b", "c"]]) == [["a"], ["b", "c"]]
    assert key_step_groups({"steps": [["a"]]}) == [["a"]]
    assert key_step_groups('{"Steps": ["a"]}') == [["a"]]
    with pytest.raises(KeyStepError):
        key_step_groups("just words")
