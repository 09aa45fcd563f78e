"""One row, four readers. The server (:mod:`service.scoring`), the TRL/verl adapters
(:mod:`stepgrpo_reward._service`), the data tools (:mod:`service.data.layouts` / ``score``) and the
trainer's loader (:mod:`trainer_client.data`) all read a reference with :mod:`stepgrpo_reward.rows`:
each row below goes through every path, and each path must give the server the same answer, choices
and key-step groups, and get the same results back from the real server.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PIL")

from PIL import Image  # noqa: E402

from service.config import Config  # noqa: E402
from service.contract import Reference as WireReference  # noqa: E402
from service.data.rows import read_rows  # noqa: E402
from service.data.score import row_group  # noqa: E402
from service.rewards import CoreReference, reference_key_steps  # noqa: E402
from service.scoring import _scored_fields  # noqa: E402
from stepgrpo_reward._service import make_reference, reference_from_label  # noqa: E402
from stepgrpo_reward.rows import KeyStepError, key_step_groups  # noqa: E402
from trainer_client.data import load_jsonl  # noqa: E402


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
]
REFERENCE_FIELDS = ("answer", "key_steps", "choices", "solution")


def write(tmp_path, rows: list[dict]):
    Image.new("RGB", (8, 8), (200, 10, 10)).save(tmp_path / "img.png")
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def scored(reference: dict) -> tuple:
    """What the core scores for a reference the server is sent (:func:`service.scoring._scored_fields`)."""
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


def paths(tmp_path, rows: list[dict]) -> dict[str, list[dict]]:
    path = write(tmp_path, rows)
    return {
        "data tools": by_data_tools(path),
        "trainer": by_trainer(path),
        "trl": by_trl(rows),
        "verl label": by_verl_label(rows),
    }


def test_every_path_gives_the_server_the_same_reference(tmp_path):
    readings = {name: [scored(ref) for ref in refs] for name, refs in paths(tmp_path, ROWS).items()}
    first = readings.pop("data tools")
    for name, reading in readings.items():
        assert reading == first, name
    assert [answer for answer, _, _ in first] == ["5", "24", "B", "B", "B", "7", "B", "76.06", "C", "yes", "2"]
    assert first[2][1] == {"A": "30", "B": "45", "C": "60"} and first[3][1] == {"B": "45"}
    assert first[5][1] == {"A": "3", "B": "7"} and first[6][1] == {"A": "3", "B": "7"}
    assert first[1][2] == [["\\frac{1}{2} \\times 8 \\times 6 = 24"], ["[area] = 24"]]
    assert first[6][2] == [["AB = 3", " "], []] and first[7][2] == [["\\frac{1}{2} = 0.5"]]
    assert first[9][2] == [["AB = 3"], ["AC = 5"]] and first[10][2] == [[" AB = 3 "], ["AC = 5", ""]]


def test_every_path_gets_the_same_results_from_the_server(tmp_path, client):
    """Over the wire, with explanations: a reference read differently anywhere would change a result."""
    answers = {}
    for name, refs in paths(tmp_path, ROWS).items():
        answers[name] = []
        for reference, r in zip(refs, ROWS, strict=True):
            group = {"reference": reference, "completions": r["completions"]}
            response = client.post("/v1/score", json={"groups": [group], "options": {"explain": True}})
            assert response.status_code == 200, (name, response.text)
            answers[name].append(response.json()["groups"][0]["results"])
    first = answers.pop("data tools")
    for name, results in answers.items():
        assert results == first, name
    correct = [[r["answer_correct"] for r in results] for results in first]
    assert correct[3] == [True, True, True, False] and correct[5] == [True, True, False]
    assert correct[6] == [True, True, False] and correct[8] == [True, True, False]
    assert first[6][0]["key_step_ratio"] == 0.5  # a blank group counts, as the server has always scored it


def test_a_list_of_27_options_is_refused_on_every_path(tmp_path, client):
    bad = row("Too many.", ("A",), answer="A", choices=[str(i) for i in range(27)])
    path = write(tmp_path, [bad])
    with pytest.raises(ValueError, match="'choices' has 27 options, more than 26"):
        by_data_tools(path)
    with pytest.raises(ValueError, match="line 1: 'choices' has 27 options"):
        by_trainer(path)
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
    references = [*by_trl([bad]), *by_verl_label([bad])]
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
