"""Parity of the r1vl-reference profile with the R1-VL reference reward code (see r1vl_reference_spec.md)."""

from __future__ import annotations

import pytest

from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings
from service.rewards.reference_rules import (
    reference_answer,
    reference_key_step_matches,
    reference_step_text,
    reference_validity,
)

REF = PROFILES["r1vl-reference"]
STEPGRPO = PROFILES["stepgrpo"]

CANONICAL = (
    "### Image Description:\nA right triangle with legs 3 and 4.\n"
    "### Rationales:\nUse the Pythagorean theorem.\n"
    "### Let's think step by step.\n"
    "### Step 1:\nAB^2 = 3^2 + 4^2 = 25.\n"
    "### Step 2:\nSo AB = 5.\n"
    "### The final answer is: 5"
)


def valid(text: str) -> bool:
    return all(c.passed for c in reference_validity(text))


def score(text: str, answer: str = "5", key_steps=None, profile=REF, **settings) -> dict:
    return PreparedGroup(CoreReference(answer=answer, key_steps=key_steps), profile, Settings(**settings)).score(text)


def frame(*steps: str, answer: str | None = "B") -> str:
    text = "### Image Description:\nA figure.\n### Rationales:\nRead it carefully.\n"
    text += "".join(f"### Step {i}:\n{body}\n" for i, body in enumerate(steps, 1))
    return text + (f"### The final answer is: {answer}" if answer is not None else "")


# ---------------------------------------------------------------- validity: literal headers


def test_canonical_is_valid():
    assert valid(CANONICAL)


@pytest.mark.parametrize(
    "header", ["### Image Description:", "### Rationales:", "### Step 1:", "### The final answer is:"]
)
def test_each_literal_header_is_required(header):
    assert not valid(CANONICAL.replace(header, "### Something else:"))


def test_headers_are_case_sensitive():
    assert not valid(CANONICAL.replace("### Rationales:", "### rationales:"))


def test_bold_headers_are_not_headers():
    assert not valid(CANONICAL.replace("### Step 1:", "**Step 1:**"))


def test_think_header_is_not_required():
    assert valid(CANONICAL.replace("### Let's think step by step.\n", ""))


def test_headers_may_sit_inside_longer_text():
    assert valid(CANONICAL.replace("### Step 1:", "#### Step 1:"))


def test_step_01_fails_completeness():
    assert not valid(CANONICAL.replace("### Step 1:", "### Step 01:"))


# ---------------------------------------------------------------- validity: order of description and rationales


def test_rationales_before_description_is_valid():
    assert valid("### Rationales:\nR\n### Image Description:\nD\n### Step 1:\na\n### The final answer is: 5")


def test_description_after_the_answer_is_valid():
    assert valid("### Rationales:\nR\n### Step 1:\na\n### The final answer is: 5\n### Image Description:\nD")


# ---------------------------------------------------------------- validity: final answer position


def test_answer_header_between_steps_is_invalid():
    assert not valid(CANONICAL.replace("### Step 2:", "### The final answer is: 4\n### Step 2:"))


def test_first_answer_header_before_last_step_is_invalid_even_with_one_at_the_end():
    text = (
        "### Image Description:\nD\n### Rationales:\nR\n### The final answer is: 3\n"
        "### Step 1:\na\n### The final answer is: 5"
    )
    assert not valid(text)


def test_text_ending_with_the_header_skips_the_order_check():
    text = (
        "### Image Description:\nD\n### Rationales:\nR\n### The final answer is: 3\n"
        "### Step 1:\na\n### The final answer is:"
    )
    assert valid(text)


def test_text_ending_with_the_header_and_whitespace_is_valid():
    assert valid("### Image Description:\nD\n### Rationales:\nR\n### Step 1:\na\n### The final answer is:  \n\n")


def test_answer_header_right_after_the_step_header_is_valid():
    assert valid("### Image Description:\nD\n### Rationales:\nR\n### Step 1:\na\n### Step 2:### The final answer is: x")


def test_trailing_text_after_the_answer_is_valid():
    assert valid(CANONICAL + "\nThanks for reading.")


# ---------------------------------------------------------------- validity: numbering


@pytest.mark.parametrize("old,new", [("Step 2:", "Step 3:"), ("Step 2:", "Step 1:")], ids=["gap", "duplicate"])
def test_steps_must_be_exactly_one_to_n(old, new):
    assert not valid(CANONICAL.replace(old, new))


def test_reordered_steps_are_invalid():
    text = (
        CANONICAL.replace("### Step 1:", "### Step X:")
        .replace("### Step 2:", "### Step 1:")
        .replace("### Step X:", "### Step 2:")
    )
    assert not valid(text)


def test_step_without_space_is_not_counted():
    assert valid(CANONICAL.replace("### Step 2:", "### Step2:"))


def test_step_header_anywhere_counts_for_numbering():
    text = CANONICAL.replace("legs 3 and 4.", "legs 3 and 4 (see ### Step 7: below).")
    assert [c.name for c in reference_validity(text) if not c.passed] == ["reference_step_numbering"]


# ---------------------------------------------------------------- key steps: substring over step bodies


def test_step_text_is_joined_lowercased_step_bodies():
    assert reference_step_text(CANONICAL) == "ab^2 = 3^2 + 4^2 = 25. so ab = 5."


def test_step_text_is_empty_without_step_headers():
    assert reference_step_text("no steps at all") == ""


def test_empty_step_body_swallows_the_next_header():
    assert reference_step_text("### Step 1:\n### Step 2:\nfoo\n### The final answer is: 1") == "### step 2:\nfoo"


def test_one_line_output_puts_the_answer_into_the_step_text():
    text = "### Step 1: a 16 ### Step 2: b ### The final answer is: 6"
    assert reference_step_text(text) == "a 16 ### step 2: b ### the final answer is: 6"


def test_substring_matches_inside_numbers():
    assert reference_key_step_matches(frame("The value is 16."), [["6"]]) == ["6"]


def test_substring_matching_is_case_insensitive_only_through_lower():
    assert reference_key_step_matches(
        frame("PYTHAGOREAN THEOREM"), [["Pythagorean Theorem"], ["pythagorean  theorem"]]
    ) == ["Pythagorean Theorem", None]


def test_description_and_answer_are_not_searched():
    text = frame("Nothing relevant here.", answer="pythagorean").replace("A figure.", "pythagorean")
    assert reference_key_step_matches(text, [["pythagorean"]]) == [None]


def test_empty_alternative_always_matches():
    assert reference_key_step_matches(frame("x"), [[""]]) == [""]


def test_duplicate_groups_count_separately():
    result = score(frame("The value is 16."), answer="Z", key_steps={"Steps": [["16"], ["16"], ["nope"]]})
    assert result["key_step_ratio"] == pytest.approx(2 / 3)


def test_only_the_steps_key_counts():
    key_steps = {"Image Description": ["figure"], "Rationales": ["carefully"], "Steps": [["missing"]]}
    assert score(frame("The value is 16."), answer="Z", key_steps=key_steps)["key_step_ratio"] == 0.0


def test_empty_steps_list_pays_no_bonus():
    result = score(frame("The value is 16.", answer="Z"), answer="Z", key_steps={"Steps": []})
    assert result["reward"] == 2.0


def test_key_steps_object_without_steps_gives_k_zero():
    result = score(frame("The value is 16.", answer="Z"), answer="Z", key_steps={"Image Description": ["figure"]})
    assert result["reward"] == 2.0


# ---------------------------------------------------------------- key-step bonus


def test_bonus_is_paid_without_a_final_answer():
    text = frame("The tallest bar is labelled sixteen.", "The shortest bar is labelled six.", answer=None)
    result = score(text, answer="B", key_steps={"Steps": [["sixteen"], ["six"], ["missing"]]})
    assert result["step_rvr"] == 0.0
    assert result["answer_correct"] is False
    assert result["reward"] == pytest.approx(0.1 * 2 / 3)


def test_bonus_is_paid_with_a_wrong_answer():
    result = score(
        frame("The tallest bar is labelled sixteen.", answer="C"), answer="B", key_steps={"Steps": [["sixteen"]]}
    )
    assert result["reward"] == pytest.approx(1.0 + 0.1)


# ---------------------------------------------------------------- answer: whole-text math-verify, then exact string


def test_math_verify_reads_the_whole_completion():
    text = frame("The side is sqrt: 5.", answer="B")
    correct, how, stated = reference_answer(text, "5")
    assert (correct, how, stated) == (True, "math_verify_whole_text", "B")


def test_whole_text_quirk_scores_a_letter_answer_correct_against_a_number():
    result = score(frame("The side is sqrt: 5.", answer="B"), answer="5")
    assert result["answer_correct"] is True
    assert result["reward"] == 2.0


def test_math_verify_arguments_are_in_the_code_order():
    assert reference_answer("$x<2$", "$(-\\infty,2)$")[0] is True
    assert reference_answer("$(-\\infty,2)$", "$x<2$")[0] is False


@pytest.mark.parametrize(
    "completion,solution,correct",
    [
        ("### The final answer is: B.", "B", False),
        ("### The final answer is: b", "B", False),
        ("### The final answer is:\n\n  B  \nmore", "B", True),
        (" B \n", "B", True),
        ("B", "B", True),
        ("The final answer is: B", "B", False),
        ("### The final answer is: A\n### The final answer is: B", "B", False),
        ("### The final answer is: B", "### The final answer is: B", True),
    ],
    ids=[
        "trailing_period",
        "case",
        "next_line_stripped",
        "no_header_stripped",
        "bare_letter",
        "header_without_hashes",
        "first_header_wins",
        "solution_with_header",
    ],
)
def test_exact_string_fallback(completion, solution, correct):
    assert reference_answer(completion, solution)[0] is correct


def test_trailing_period_makes_a_letter_wrong():
    result = score(frame("Compare the options.", answer="B."), answer="B")
    assert result["answer_correct"] is False
    assert result["reward"] == 1.0


# ---------------------------------------------------------------- combination


def test_reward_is_accuracy_plus_alpha_k_plus_validity():
    text = frame("The tallest bar is sixteen.", "The shortest bar is six.", answer="B")
    result = score(text, answer="B", key_steps={"Steps": [["sixteen"], ["six"], ["missing"]]})
    assert result["answer_correct"] is True and result["step_rvr"] == 1.0
    assert result["step_rar"] == pytest.approx(1.0 + 0.1 * 2 / 3)
    assert result["reward"] == pytest.approx(1.0 + 0.1 * 2 / 3 + 1.0)


def test_invalid_format_still_gets_accuracy_and_bonus():
    text = frame("sixteen", answer="B").replace("### Rationales:", "### rationales:")
    result = score(text, answer="B", key_steps={"Steps": [["sixteen"]]})
    assert result["step_rvr"] == 0.0
    assert result["reward"] == pytest.approx(1.1)


# ---------------------------------------------------------------- side by side with stepgrpo


def test_no_answer_stepgrpo_pays_no_bonus_reference_does():
    text = frame("The tallest bar is labelled sixteen.", "The shortest bar is labelled six.", answer=None)
    keys = {"Steps": [["sixteen"], ["six"]]}
    assert score(text, answer="B", key_steps=keys, profile=STEPGRPO)["step_rar"] == 0.0
    assert score(text, answer="B", key_steps=keys)["step_rar"] == pytest.approx(0.1)


STUFF_KEYS = {"Steps": [["pythagorean theorem"], ["AB^2 = 3^2 + 4^2"], ["AB = 5"]]}
GENUINE = frame(
    "The triangle has a right angle, so the Pythagorean theorem relates its sides: AB^2 = 3^2 + 4^2 = 25.",
    "Taking the positive square root, AB = 5.",
    answer="5",
)
STUFFED = frame("pythagorean theorem, AB^2 = 3^2 + 4^2, AB = 5. " * 2, answer="5")
"""A list of the key steps, repeated: stated once it would be terse reasoning, which stepgrpo credits in full."""


def test_stuffing_ties_under_the_reference_profile():
    assert (
        score(STUFFED, key_steps=STUFF_KEYS)["reward"]
        == score(GENUINE, key_steps=STUFF_KEYS)["reward"]
        == pytest.approx(2.1)
    )


def test_stuffing_scores_lower_under_stepgrpo():
    assert (
        score(STUFFED, key_steps=STUFF_KEYS, profile=STEPGRPO)["reward"]
        < score(GENUINE, key_steps=STUFF_KEYS, profile=STEPGRPO)["reward"]
    )


def test_six_inside_sixteen_counts_only_under_the_reference():
    text = frame("The value is 16.", answer="Z")
    assert score(text, answer="Z", key_steps={"Steps": [["6"]]})["key_step_ratio"] == 1.0
    assert score(text, answer="Z", key_steps={"Steps": [["6"]]}, profile=STEPGRPO)["key_step_ratio"] == 0.0


def test_whole_text_quirk_is_not_in_stepgrpo():
    text = frame("The side is sqrt: 5.", answer="B")
    assert score(text, answer="5")["answer_correct"] is True
    assert score(text, answer="5", profile=STEPGRPO)["answer_correct"] is False


def test_trailing_period_is_forgiven_only_by_stepgrpo():
    text = frame("Compare the options.", answer="B.")
    assert score(text, answer="B")["answer_correct"] is False
    assert score(text, answer="B", profile=STEPGRPO)["answer_correct"] is True


def test_bold_headers_are_valid_only_under_stepgrpo():
    text = CANONICAL.replace("### Step 1:", "**Step 1:**").replace("### Step 2:", "**Step 2:**")
    assert score(text)["step_rvr"] == 0.0
    assert score(text, profile=STEPGRPO)["step_rvr"] == 1.0


def test_description_order_is_checked_only_by_stepgrpo():
    text = "### Rationales:\nR\n### Image Description:\nD\n### Step 1:\nAB = 5\n### The final answer is: 5"
    assert score(text)["step_rvr"] == 1.0
    assert score(text, profile=STEPGRPO)["step_rvr"] == 0.0


def test_the_reference_profile_grades_against_the_solution_when_given():
    """R1-VL's accuracy_reward receives the data set's ``solution`` column: math-verify parses that text and
    the exact fallback compares the lines after its "### The final answer is:"."""
    solution = "### Step 1:\nThe legs are 6 and 8.\n### The final answer is: 10"
    reference = CoreReference(answer="5", key_steps=[["legs"]], solution=solution)
    group = PreparedGroup(reference, PROFILES["r1vl-reference"], Settings())
    stated = "### Image Description:\nx\n### Rationales:\ny\n### Step 1:\nThe legs are 6 and 8.\n"
    stated += "### The final answer is: {}"
    assert group.score(stated.format("10"))["answer_correct"] is True
    assert group.score(stated.format("5"))["answer_correct"] is False
    plain = PreparedGroup(CoreReference(answer="5", key_steps=[["legs"]]), PROFILES["r1vl-reference"], Settings())
    assert plain.score(stated.format("5"))["answer_correct"] is True
