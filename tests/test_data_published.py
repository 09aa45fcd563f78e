"""Rows in the shapes Mulberry and R1-VL publish, read as their authors meant, by the one reader
(:mod:`stepgrpo_references`) that the data tools, the trainer's loader, the adapters and the server share.

The rows are written here after the shapes of (no text copied):
- HJYao00/Mulberry ``comcts/README.md`` ("Input Data Examples" and the output examples) and
  ``comcts/demo_data/comcts_input_data.json``: ``image``, ``question`` with a ``Choices:`` block,
  ``conversations`` of ``from``/``value`` turns whose gpt turn (the ground truth) is ``Answer:C``, a
  worked explanation ending ``Answer:C``, or a brief ``76.06.`` (one output example spells ``role``/``value``);
- HJYao00/Mulberry ``README.md`` (LLaMA-Factory ``dataset_info.json`` entry): sharegpt rows with
  ``messages`` of ``role``/``content`` and ``images``;
- jingyi0000/R1-VL ``src/r1-vl/src/open_r1/grpo.py``: rows with ``image_path``, ``problem``,
  ``solution`` and ``key_steps`` (read with ``.get("Steps")``);
- jingyi0000/R1-VL ``prompts/extract_key_steps.py``: the extraction reply
  ``Key Elements:\\nImage Description: [...]; Rationales: [...]; Step 1: [...], Step 2: [...]``.
"""

from __future__ import annotations

import json

import pytest

from service.data.layouts import detect, from_record, to_record
from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings
from stepgrpo_references import (
    KeyStepError,
    answer_and_choices,
    answer_from_solution,
    choices_in_question,
    key_step_groups,
)
from stepgrpo_reward._service import make_reference, reference_from_label

# comcts/README.md "Input Data Examples" / comcts/demo_data/comcts_input_data.json
COMCTS_INPUT = {
    "image": "geo3k/train/12/img_diagram.png",
    "question": "Question: Find y.\nChoices:\nA: 30\nB: 45\nC: 60\nD: 90",
    "conversations": [
        {
            "from": "human",
            "value": "<image>\nBased on the image, directly select the correct answer for the following "
            "question:\nQuestion: Find y.\nChoices:\nA: 30\nB: 45\nC: 60\nD: 90",
        },
        {"from": "gpt", "value": "Answer:B"},
    ],
}
# comcts/README.md "Output Example #3": a worked explanation ending with the answer line
COMCTS_WORKED = {
    "image": "geoqa_plus/204.png",
    "question": "Question: Lines a and b are parallel and angle 1 is 40°. Find angle 2.\n"
    "Choices:\nA: 40°\nB: 50°\nC: 130°\nD: 140°",
    "prefix_prompt": "### Image Description:\nTwo parallel lines.\n\n",
    "qwen2_vl_7b": {"value": 1.2, "is_correct": 1, "valid": 1},
    "conversations": [
        {
            "from": "human",
            "value": "<image>\nFirst perform reasoning, then finally select the question from the "
            "choices in the following format: Answer: xxx.\nQuestion: Lines a and b...",
        },
        {
            "from": "gpt",
            "value": "Since a || b, angle 1 + angle 2 = 180°. Therefore angle 2 = 180° - 40° = 140°. "
            "Therefore, the answer is: D.\nAnswer:D",
        },
    ],
}
# comcts/README.md "Output Example #4": a brief free-form answer, turns spelt role/value
COMCTS_BRIEF = {
    "image": "plotqa/plotqa_00000921.png",
    "question": "Question: What is the export share in 2004?\nYour answer should be very brief.",
    "conversations": [
        {"role": "human", "value": "What is the export share in 2004?\nYour answer should be brief."},
        {"role": "gpt", "value": "31.52."},
    ],
}
# README.md "Training": LLaMA-Factory sharegpt rows (messages / role / content, images)
MULBERRY_SFT = {
    "messages": [
        {"role": "user", "content": "<image>Question: Find x.\nChoices:\n(A) 3\n(B) 4\n(C) 5\n(D) 6"},
        {
            "role": "assistant",
            "content": "### Image Description:\nA right triangle with legs 3 and 4.\n\n"
            "### Rationales:\nThe hypotenuse follows from the legs.\n\n"
            "### Let's think step by step.\n\n### Step 1:\nBy the Pythagorean theorem, "
            "x^2 = 3^2 + 4^2 = 25.\n\n### Step 2:\nSo x = 5.\n\n"
            "### The final answer is:\nC",
        },
    ],
    "images": ["mulberry/geo/77.png"],
}
# prompts/extract_key_steps.py: the reply format; LaTeX single-backslashed, an element holding brackets
EXTRACTION_REPLY = (
    'Key Elements:\nImage Description: ["triangle ABC", "[hypotenuse]"]; Rationales: ["\\frac{a}{b}"]; '
    'Step 1: ["\\frac{1}{2} \\times 8 \\times 6 = 24", "\\triangle ABC", "[hypotenuse] = 10"], '
    'Step 2: ["x \\neq 0", "f([x]) = 2"]'
)
# src/r1-vl/src/open_r1/grpo.py: image_path / problem / solution / key_steps (and the messages R1-VL rows keep)
R1VL_ROW = {
    "image_path": "images/tri.png",
    "problem": "Find the area of triangle ABC.",
    "solution": "### Image Description:\nA triangle.\n### Rationales:\nHalf base times height.\n"
    "### Let's think step by step.\n### Step 1:\n"
    "The area is \\frac{1}{2} \\times 8 \\times 6 = 24.\n### The final answer is: 24",
    "messages": [
        {"role": "user", "content": "Find the area."},
        {"role": "assistant", "content": "### The final answer is: 123"},
    ],
    "key_steps": EXTRACTION_REPLY,
}


def record(row):
    return to_record(row, detect(row), "row-1")


def judge(answer, choices, completions):
    """Correctness the stepgrpo profile gives each completion's final answer, through the service's reader."""
    profile = PROFILES["stepgrpo"]
    answer, choices = answer_and_choices(answer, choices)
    prepared = PreparedGroup(CoreReference(answer=answer, choices=choices), profile, Settings())
    return [prepared.score(f"### Step 1:\nWork.\n### The final answer is: {c}")["answer_correct"] for c in completions]


def test_comcts_input_row_reads_answer_choices_and_question():
    r = record(COMCTS_INPUT)
    assert detect(COMCTS_INPUT) == "mulberry"
    assert r.reference() == ("B", {"A": "30", "B": "45", "C": "60", "D": "90"})
    assert r.question == COMCTS_INPUT["question"] and r.image_path == "geo3k/train/12/img_diagram.png"
    assert judge(*r.reference(), ["B", "45", "(B) 45", "A", "30"]) == [True, True, True, False, False]


def test_worked_explanation_and_brief_answers():
    assert record(COMCTS_WORKED).reference()[0] == "D"
    assert record(COMCTS_BRIEF).reference() == ("31.52", None)
    assert judge("31.52", None, ["31.52", "31.5", "32"]) == [True, False, False]


@pytest.mark.parametrize(
    "solution, answer",
    [
        ("Answer:C", "C"),
        ("Answer: C", "C"),
        ("76.06.", "76.06"),
        ("Yes", "Yes"),
        ("Since AB = 3, AC = 5.\nTherefore, the answer is: C.\nAnswer:C", "C"),
        ("### Step 1:\nx = 5.\n### The final answer is:\nC", "C"),
        ("### The final answer is: A: 57", "A: 57"),
        ("A long worked explanation\nthat never states an answer line", None),
        ("", None),
    ],
)
def test_answer_from_solution(solution, answer):
    assert answer_from_solution(solution) == answer


def test_letter_value_reference_is_that_option():
    assert answer_and_choices("B: 45", None) == ("B", {"B": "45"})
    choices = {"A": "30", "B": "45", "C": "60"}
    assert answer_and_choices("B: 45", choices) == ("B", choices)
    assert judge("B: 45", None, ["B", "45", "B: 45", "A", "60"]) == [True, True, True, False, False]
    assert judge("B: 45", choices, ["B", "45", "A", "30"]) == [True, True, False, False]
    assert answer_and_choices("45", None) == ("45", None)


@pytest.mark.parametrize(
    "question, choices",
    [
        ("Question: Find x.\nChoices:\nA: 57\nB: 113\nC: 123", {"A": "57", "B": "113", "C": "123"}),
        ("Find x.\nChoices:\n(A) 3\n(B) 4", {"A": "3", "B": "4"}),
        ("Find x.\nOptions:\nA. 8\\sqrt{10}\nB. 16", {"A": "8\\sqrt{10}", "B": "16"}),
        ("Which is larger? Choices:\n(A) the red bar (B) the blue bar", {"A": "the red bar", "B": "the blue bar"}),
        ("Find x. A: this is not a block", None),
        ("Choices:\nB: 4\nC: 5", None),
    ],
)
def test_choices_block_in_the_question(question, choices):
    assert choices_in_question(question) == choices


def test_mulberry_sft_row():
    r = record(MULBERRY_SFT)
    assert r.question.startswith("Question: Find x.") and r.image_path == "mulberry/geo/77.png"
    assert r.reference() == ("C", {"A": "3", "B": "4", "C": "5", "D": "6"})


def test_extraction_reply_keeps_latex_and_brackets():
    assert key_step_groups(EXTRACTION_REPLY) == [
        ["\\frac{1}{2} \\times 8 \\times 6 = 24"],
        ["\\triangle ABC"],
        ["[hypotenuse] = 10"],
        ["x \\neq 0"],
        ["f([x]) = 2"],
    ]
    as_json = json.dumps({"Steps": [["\\frac{1}{2}"], "\\neq"]})
    assert key_step_groups(as_json) == [["\\frac{1}{2}"], ["\\neq"]]
    # LaTeX not escaped for JSON
    single = '{"Image Description": ["d"], "Steps": [["\\frac{1}{2} = 0.5", "\\triangle"]]}'
    assert key_step_groups(single) == [["\\frac{1}{2} = 0.5", "\\triangle"]]
    assert key_step_groups({"Step 2": ["b"], "Step 1": ["a", "c"]}) == [["a"], ["c"], ["b"]]


def test_a_solution_containing_its_own_extracted_key_steps_earns_them_all():
    groups = key_step_groups(R1VL_ROW["key_steps"])[:1]
    prepared = PreparedGroup(CoreReference(answer="24", key_steps=groups), PROFILES["stepgrpo"], Settings())
    assert prepared.score(R1VL_ROW["solution"])["key_step_ratio"] == 1.0


@pytest.mark.parametrize("raw", [{"foo": "bar"}, {"Image Description": ["d"], "Stpes": [["a"]]}, 'Step 1: ["open'])
def test_unrecognised_key_steps_are_refused(raw):
    with pytest.raises(KeyStepError):
        key_step_groups(raw)


def test_an_extraction_object_without_step_elements_has_no_groups():
    assert key_step_groups({"Image Description": ["d"], "Rationales": ["r"]}) == []


def test_r1vl_row_is_read_as_r1vl_even_with_messages():
    r = record(R1VL_ROW)
    assert detect(R1VL_ROW) == "r1vl" and r.reference() == ("24", None) and r.question == R1VL_ROW["problem"]


def test_rows_are_written_back_in_their_own_layout():
    r = record(COMCTS_WORKED)
    r.key_steps = [["angle 1 + angle 2 = 180°"]]
    out = from_record(r)
    assert out == {**COMCTS_WORKED, "key_steps": {"Steps": [["angle 1 + angle 2 = 180°"]]}}
    keyed = {**R1VL_ROW, "key_steps": {"Image Description": ["d"], "Rationales": ["r"], "Steps": [["old"]]}}
    r = record(keyed)
    r.key_steps = [["new"]]
    kept = {"Image Description": ["d"], "Rationales": ["r"], "Steps": [["new"]]}
    assert from_record(r) == {**keyed, "key_steps": kept}
    untouched = record(R1VL_ROW)
    assert from_record(untouched) == R1VL_ROW


def test_converted_comcts_row_carries_the_answer_and_choices():
    project = from_record(record(COMCTS_INPUT), "project")
    assert project["reference"]["answer"] == "B" and project["reference"]["choices"]["B"] == "45"
    r1vl = from_record(record(COMCTS_INPUT), "r1vl")
    assert (r1vl["answer"], r1vl["solution"], r1vl["image_path"]) == ("B", "Answer:B", COMCTS_INPUT["image"])


def test_adapters_read_labels_as_the_data_tools_do():
    expected = {"answer": "B", "choices": {"A": "3", "B": "5"}, "solution": "Answer:B"}  # r1vl-reference grades by it
    assert make_reference(None, None, '["3", "5"]', solution="Answer:B") == expected
    assert reference_from_label({"solution": R1VL_ROW["solution"], "key_steps": EXTRACTION_REPLY})["answer"] == "24"
    assert make_reference(7, None, {"A": 3, "B": None}) == {"answer": "7", "choices": {"A": "3"}}


def test_r1vl_reference_keeps_the_published_answer_as_r1vl_compares_it():
    """R1-VL's code compares ``C`` with ``Answer:C`` as strings (math-verify reads nothing from the latter):
    the ``r1vl-reference`` profile keeps that, while ``stepgrpo`` reads the published form."""
    completion = (
        "### Image Description:\nd\n### Rationales:\nr\n### Step 1:\nm∠5 = 180° - 57° = 123°.\n"
        "### The final answer is: C"
    )
    for reference in (CoreReference(answer="Answer:C"), CoreReference(answer="C", solution="Answer:C")):
        parity = PreparedGroup(reference, PROFILES["r1vl-reference"], Settings()).score(completion)
        ours = PreparedGroup(reference, PROFILES["stepgrpo"], Settings()).score(completion)
        assert (parity["answer_correct"], ours["answer_correct"]) == (False, True)


def test_the_reader_and_the_adapters_import_without_the_server():
    """The TRL/verl adapters load in a trainer's reward workers: the shared reader brings no server module."""
    import subprocess
    import sys

    code = (
        "import sys, stepgrpo_references, stepgrpo_reward.trl, stepgrpo_reward.verl; "
        "server = ('service', 'trainer_client', 'fastapi', 'pydantic'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in server))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "[]"


def test_the_reader_imports_the_standard_library_alone():
    """Every layer imports the reader (the core, the server, the data tools, the adapters): it imports none."""
    import subprocess
    import sys

    code = (
        "import sys; before = set(sys.modules); import stepgrpo_references; "
        "print(sorted({m.split('.')[0] for m in set(sys.modules) - before} - set(sys.stdlib_module_names)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "['stepgrpo_references']"


def test_converting_a_row_without_a_readable_answer_to_project_is_an_error():
    row = {"problem": "Find x.", "solution": "A long worked explanation\nthat never states its answer"}
    with pytest.raises(ValueError, match="reference.answer"):
        from_record(record(row), "project")
    assert "answer" not in from_record(record(row), "r1vl")
