"""Rule-based key-step extraction, augmentation and layout conversion (service/data), in-process."""

from __future__ import annotations

import re

import pytest

from service.data.augment import augment_groups, equivalent_forms
from service.data.extract import MAX_PER_STEP, STOPWORDS, extract_key_steps, step_texts
from service.data.layouts import detect, from_record, to_record
from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings
from service.rewards.text import tokens
from trainer_client.data import DEMO_KINDS, demo_dataset

from .mulberry_style import ITEMS

TRIANGLE = """### Image Description:
A right triangle ABC with the right angle at B; AB is 3 cm and BC is 4 cm.
### Rationales:
The hypotenuse follows from the Pythagorean theorem.
### Let's think step by step.
### Step 1:
From the figure, the legs are AB = 3 and BC = 4, with the right angle at B.
### Step 2:
By the Pythagorean theorem, the hypotenuse is AC = \\sqrt{9 + 16} = 5.
### Step 3:
The perimeter is therefore 3 + 4 + 5 = 12 cm.
### The final answer is: 12"""


def _canonical(text: str) -> str:
    return " ".join(tokens(text))


def _ratio(key_steps, completion: str, answer: str = "0", profile: str = "stepgrpo") -> float:
    return PreparedGroup(CoreReference(answer, key_steps), PROFILES[profile], Settings()).score(completion)[
        "key_step_ratio"
    ]


def test_extracts_equations_theorems_and_phrases_from_the_steps_only():
    groups = extract_key_steps(TRIANGLE)
    flat = [g[0] for g in groups]
    assert all(len(g) == 1 for g in groups)
    assert {"AB = 3", "BC = 4", "AC = \\sqrt{9 + 16} = 5", "3 + 4 + 5 = 12 cm"} <= set(flat)
    assert "Pythagorean theorem" in flat or "hypotenuse" in flat
    assert not any("cm" in f and "3 cm" in f for f in flat)  # the description's "3 cm" is not a step
    keys = [_canonical(f) for f in flat]
    assert len(keys) == len(set(keys))
    for text in flat:
        if "=" not in text and not any(c.isdigit() for c in text):
            assert len(text.split()) <= 3 and text.lower() not in STOPWORDS


def test_no_more_than_the_cap_per_step_and_nothing_twice_across_steps():
    solution = (
        "### Step 1:\nWe have x = 2, y = 3, z = 4 and w = 5 here.\n"
        "### Step 2:\nAgain x = 2, so the sum is 2 + 3 + 4 + 5 = 14.\n"
        "### The final answer is: 14"
    )
    flat = [g[0] for g in extract_key_steps(solution)]
    assert len([f for f in flat if f in ("x = 2", "y = 3", "z = 4", "w = 5")]) <= MAX_PER_STEP
    assert flat.count("x = 2") <= 1


def test_a_solution_without_step_headers_is_read_sentence_by_sentence():
    prose = "Since the triangle is isosceles, the base angles are equal. So 2x + 40 = 180, and x = 70 degrees."
    assert len(step_texts(prose)) == 2
    flat = [g[0] for g in extract_key_steps(prose)]
    assert "2x + 40 = 180" in flat and "x = 70" in flat


def test_no_solution_is_an_error():
    with pytest.raises(ValueError, match="no reference solution"):
        extract_key_steps("   ")


@pytest.mark.parametrize("profile", ["stepgrpo", "r1vl-reference"])
def test_every_demo_solution_earns_all_of_its_own_extracted_key_steps(profile):
    items = demo_dataset(40, seed=11)
    for item in items:
        groups = augment_groups(extract_key_steps(item.solution))
        assert groups, item.solution
        assert _ratio(groups, item.solution, item.answer, profile) == 1.0, (item.solution, groups)


def test_an_unrelated_solution_earns_almost_none_of_them():
    items = demo_dataset(40, seed=12)
    for item in items:
        other = next(o for o in items if o.item_id.split("-")[0] != item.item_id.split("-")[0])
        groups = augment_groups(extract_key_steps(item.solution))
        assert _ratio(groups, other.solution) <= 0.25, (item.solution, other.solution, groups)
    assert {i.item_id.split("-")[0] for i in items} == set(DEMO_KINDS)


@pytest.mark.parametrize(
    "text",
    [
        "AB = 5",
        "x = \\frac{1}{2}",
        "C = 90°",
        "5 × 8 = 40",
        "AC = \\sqrt{9 + 16} = 5",
        "m∠ABC = 30^\\circ",
        "x² + y² = r²",
        "1,234 apples",
        "0.50",
        "area = 3.14 \\cdot r^{2}",
        "\\sin 45^\\circ = \\frac{\\sqrt{2}}{2}",
        "AB = 2\\sqrt{5}",
        "x = \\dfrac12",
    ],
)
def test_every_augmented_form_means_the_same_to_the_scorer(text):
    forms = equivalent_forms(text)
    assert forms[0] == text
    assert len({" ".join(f.lower().split()) for f in forms}) == len(forms)
    sides = text.split("=")
    accepted = {_canonical(text)} | {_canonical(f"{b} = {a}") for a in sides for b in sides if a != b}
    for form in forms:
        assert _canonical(form) in accepted, form
    # the reference code's substring matching finds a group from any written form
    for form in forms:
        assert (
            _ratio([forms], f"### Step 1:\nwe get {form} here\n### The final answer is: 0", profile="r1vl-reference")
            == 1.0
        )


def test_augment_adds_the_forms_the_issue_names():
    assert {"AB=5", "5 = AB"} <= set(equivalent_forms("AB = 5"))
    assert {"x = 0.5", "x = 1/2"} <= set(equivalent_forms("x = \\frac{1}{2}"))
    assert {"C = 90 degrees", "C = 90^\\circ"} <= set(equivalent_forms("C = 90°"))
    assert {"PR = 25", "25 = PR"} <= set(equivalent_forms("PR = \\sqrt{625} = 25"))
    assert {"5 * 8 = 40", "5 \\times 8 = 40"} <= set(equivalent_forms("5 × 8 = 40"))
    assert {"(sqrt(2))/2", "(√2)/2"} <= set(equivalent_forms("\\frac{\\sqrt{2}}{2}"))  # the core's reading of LaTeX
    assert "1234 apples" in equivalent_forms("1,234 apples")
    assert augment_groups([["AB = 5", "AB=5"], ["Pythagorean theorem"]], max_forms=3) == [
        ["AB = 5", "AB=5", "5 = AB"],
        ["Pythagorean theorem"],
    ]


def test_layouts_round_trip():
    r1vl = {
        "id": "q1",
        "image_path": "img/1.png",
        "problem": "Find AC.",
        "solution": TRIANGLE,
        "key_steps": '{"Steps": [["AB = 3"], ["BC = 4"]]}',
        "choices": ["5", "12"],
        "source": "geo",
    }
    record = to_record(r1vl, detect(r1vl), "x-1")
    project = from_record(record, "project")
    assert detect(project) == "project"
    assert project["reference"] == {
        "answer": "12",
        "solution": TRIANGLE,
        "key_steps": [["AB = 3"], ["BC = 4"]],
        "choices": {"A": "5", "B": "12"},
    }
    assert project["question"] == "Find AC." and project["source"] == "geo"
    mulberry = from_record(to_record(project, "project", "x-1"), "mulberry")
    assert detect(mulberry) == "mulberry"
    assert mulberry["messages"][0] == {"role": "user", "content": "<image>Find AC."} and mulberry["images"] == [
        "img/1.png"
    ]
    back = from_record(to_record(mulberry, "mulberry", "x-1"), "r1vl")
    assert back["problem"] == "Find AC." and back["solution"] == TRIANGLE and back["answer"] == "12"
    assert back["key_steps"] == {"Steps": [["AB = 3"], ["BC = 4"]]} and back["image_path"] == "img/1.png"


def test_mulberry_sharegpt_conversations_are_read():
    row = {
        "conversations": [
            {"from": "human", "value": "<image>\nHow many?"},
            {"from": "gpt", "value": "### Step 1:\n2 + 2 = 4\n### The final answer is: 4"},
        ],
        "image": "a.png",
    }
    record = to_record(row, detect(row), "m-1")
    assert (record.question, record.image_path, record.reference_answer()) == ("How many?", "a.png", "4")


@pytest.mark.parametrize(
    "row, message",
    [
        ({"reference": "5"}, "'reference' must be an object"),
        ({"problem": ["a"], "solution": "x"}, "'problem' must be a string"),
        ({"messages": "hi"}, "'messages' must be a list"),
        ({"problem": "q", "solution": "s", "completions": "one"}, "'completions' must be a list of strings"),
        ({"problem": "q", "solution": "s", "images": ["a.png", "b.png"]}, "one image per item"),
    ],
)
def test_unreadable_rows_name_the_field(row, message):
    with pytest.raises(ValueError, match=message):
        to_record(row, detect(row), "r-1")


def test_a_phrase_the_question_already_says_is_no_key_step():
    solution = (
        "### Step 1:\nReading the figure, the right triangle has its legs marked as AB = 3 and BC = 4.\n"
        "### Step 2:\nSo AC = 5.\n"
        "### The final answer is: 5"
    )
    assert ["right triangle"] in extract_key_steps(solution)
    assert ["right triangle"] not in extract_key_steps(solution, question="In the right triangle ABC, find AC.")
    assert ["AB = 3"] in extract_key_steps(solution, question="Given AB = 3 and BC = 4, find AC.")


def test_choices_as_a_json_string_are_read_as_the_trainer_reads_them():
    row = {"problem": "q", "solution": "s", "choices": '["3", "5"]'}
    assert to_record(row, "r1vl", "r-1").choices == {"A": "3", "B": "5"}
    with pytest.raises(ValueError, match="'choices' is a string but not JSON"):
        to_record({**row, "choices": "A or B"}, "r1vl", "r-1")


# ---------------------------------------------------------------- extract on Mulberry-style solutions

_CUT_BEFORE = re.compile(r"[-+*/×÷^−]\s*(?:[A-Za-z]+\s*)?$")
_CUT_AFTER = re.compile(r"^\s*(?:[A-Za-z]+\s*)?[-+*/×÷^−]")


def _stated(element: str, solution: str) -> bool:
    """The element occurs in the solution as written, not cut out of a longer expression (an
    operator, or an operator and a label word such as ``+ angle``, just outside it)."""
    text = " ".join(solution.split())
    at = text.find(element)
    while at != -1:
        if not _CUT_BEFORE.search(text[:at]) and not _CUT_AFTER.match(text[at + len(element) :]):
            return True
        at = text.find(element, at + 1)
    return False


def test_the_fragment_check_catches_the_published_fragment():
    assert not _stated("1 = 180°", "therefore angle 2 + angle BAC + angle 1 = 180°.")
    assert _stated("36 + 64 = 100", "AB^2 = AC^2 + BC^2 = 36 + 64 = 100.")


def test_extract_on_mulberry_style_solutions_measured():
    """Each genuine solution earns every key step extracted from it (k = 1.0); its wrong-answer
    sibling earns clearly less. Only solutions with ``### Step`` sections count: the scorer matches
    key steps inside steps, so a prose reference's own text has none to match (checked below)."""
    stepped = [(q, good, bad) for q, good, bad in ITEMS if "### Step 1:" in good]
    assert len(stepped) >= 30
    wrong = []
    for question, good, bad in stepped:
        groups = extract_key_steps(good, question)
        assert groups, good
        prepared = PreparedGroup(CoreReference("0", groups), PROFILES["stepgrpo"], Settings())
        assert prepared.score(good)["key_step_ratio"] == 1.0, (groups, good)
        wrong.append(prepared.score(bad)["key_step_ratio"])
    assert sum(wrong) / len(wrong) <= 0.4, wrong
    assert sum(k < 1.0 for k in wrong) == len(wrong), wrong


SOLUTIONS = [(q, s, s is good) for q, good, bad in ITEMS for s in (good, bad)]


@pytest.mark.parametrize("question, solution, genuine", SOLUTIONS)
def test_extract_never_gives_a_bare_number_or_an_equation_not_stated(question, solution, genuine):
    try:
        groups = extract_key_steps(solution, question)
    except ValueError as exc:  # a bad row, counted as one: allowed for a wrong sibling, never for a genuine solution
        assert not genuine and "no key steps" in str(exc)
        return
    for (element,) in groups:
        assert not re.fullmatch(r"[\d.,]+", element), element
        if "=" in element:
            assert _stated(element, solution), element


def test_the_published_examples_lose_their_fragments():
    comcts = (
        "Identify the relationship between angles 4 and 5. Since lines a and b are parallel, "
        "angle 4 and angle 5 are "
        "consecutive interior angles. Substitute the given value for m∠4 into the equation from Step 2. "
        "Since line a || b, therefore angle 2 + angle BAC + angle 1 = 180°."
    )
    flat = [g[0] for g in extract_key_steps(comcts)]
    assert not {"4", "5", "2", "1 = 180°"} & set(flat)
    assert "angle 2 + angle BAC + angle 1 = 180°" in flat


def test_a_row_whose_solution_yields_no_key_step_is_a_bad_row():
    from service.data.extract import rule_extract

    row = {"problem": "Find x.", "solution": "Answer:C"}
    with pytest.raises(ValueError, match="no key steps"):
        rule_extract(False, to_record(row, detect(row), "r-1"))
