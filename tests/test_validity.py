"""StepRVR under the stepgrpo profile: completeness, logic, tolerated spellings and non-headers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings
from service.rewards.sections import (
    ANSWER,
    DESCRIPTION,
    RATIONALES,
    STEP,
    THINK,
    answer_text,
    has_content,
    parse_completion,
)
from service.rewards.validity import validity_checks

DESC = "### Image Description:\nA right triangle ABC with legs 3 and 4.\n"
RAT = "### Rationales:\nThe hypotenuse follows from the Pythagorean theorem.\n"
THINK_H = "### Let's think step by step.\n"
STEP1 = "### Step 1:\nAB^2 = 3^2 + 4^2 = 25.\n"
STEP2 = "### Step 2:\nSo AB = 5.\n"
ANS = "### The final answer is: 5"
CANONICAL = DESC + RAT + THINK_H + STEP1 + STEP2 + ANS


def valid(text: str) -> bool:
    return all(c.passed for c in validity_checks(parse_completion(text)))


def failed(text: str) -> set[str]:
    return {c.name for c in validity_checks(parse_completion(text)) if not c.passed}


def kinds(text: str) -> list[tuple[str, int | None]]:
    return [(s.kind, s.number) for s in parse_completion(text).sections]


def test_canonical_completion_is_valid():
    assert valid(CANONICAL)
    assert kinds(CANONICAL) == [
        (DESCRIPTION, None),
        (RATIONALES, None),
        (THINK, None),
        (STEP, 1),
        (STEP, 2),
        (ANSWER, None),
    ]


# ---------------------------------------------------------------- completeness


def test_missing_description_fails_completeness():
    assert failed(RAT + THINK_H + STEP1 + STEP2 + ANS) == {"complete"}


def test_empty_description_fails_completeness():
    assert "complete" in failed("### Image Description:\n\n" + RAT + STEP1 + ANS)


def test_missing_rationales_fails_completeness():
    assert failed(DESC + THINK_H + STEP1 + STEP2 + ANS) == {"complete"}


def test_empty_rationales_fails_completeness():
    assert "complete" in failed(DESC + "### Rationales:\n   \n" + STEP1 + ANS)


def test_no_step_fails_completeness():
    assert "complete" in failed(DESC + RAT + THINK_H + ANS)


def test_single_step_is_enough():
    assert valid(DESC + RAT + STEP1 + ANS)


def test_missing_final_answer_fails_completeness():
    assert "complete" in failed(DESC + RAT + STEP1 + STEP2)


def test_empty_final_answer_fails_completeness():
    assert "complete" in failed(DESC + RAT + STEP1 + STEP2 + "### The final answer is:")


def test_whitespace_only_final_answer_fails_completeness():
    assert "complete" in failed(DESC + RAT + STEP1 + STEP2 + "### The final answer is:   \n\n  \n")


def test_final_answer_on_the_next_line_counts():
    text = DESC + RAT + STEP1 + "### The final answer is:\n\n  5  \n"
    assert valid(text)
    assert answer_text(parse_completion(text)) == "5"


def test_think_header_is_optional():
    assert valid(DESC + RAT + STEP1 + STEP2 + ANS)


# ---------------------------------------------------------------- logic: order


def test_rationales_before_description_fails_order():
    assert failed(RAT + DESC + STEP1 + STEP2 + ANS) == {"section_order"}


def test_think_header_before_rationales_fails_order():
    assert "section_order" in failed(DESC + THINK_H + RAT + STEP1 + ANS)


def test_think_header_between_steps_fails_order():
    assert "section_order" in failed(DESC + RAT + STEP1 + THINK_H + STEP2 + ANS)


def test_rationales_after_a_step_fails_order():
    assert "section_order" in failed(DESC + STEP1 + RAT + STEP2 + ANS)


def test_steps_before_description_fail_order():
    assert "section_order" in failed(STEP1 + DESC + RAT + STEP2 + ANS)


def test_answer_before_the_steps_fails():
    checks = failed(DESC + RAT + ANS + "\n" + STEP1 + STEP2)
    assert {"section_order", "answer_after_steps"} <= checks


def test_answer_between_steps_fails():
    assert "answer_after_steps" in failed(DESC + RAT + STEP1 + ANS + "\n" + STEP2)


def test_step_after_the_answer_fails():
    assert "answer_after_steps" in failed(CANONICAL + "\n### Step 3:\nA late extra step.")


# ---------------------------------------------------------------- logic: numbering


def test_steps_with_a_gap_fail_numbering():
    assert failed(DESC + RAT + STEP1 + STEP2.replace("Step 2", "Step 3") + ANS) == {"step_numbering"}


def test_steps_out_of_order_fail_numbering():
    swapped = DESC + RAT + STEP2 + STEP1 + ANS
    assert failed(swapped) == {"step_numbering"}


def test_duplicate_step_number_fails_numbering():
    assert failed(DESC + RAT + STEP1 + STEP2.replace("Step 2", "Step 1") + ANS) == {"step_numbering"}


def test_numbering_starting_at_zero_fails():
    text = DESC + RAT + STEP1.replace("Step 1", "Step 0") + STEP2.replace("Step 2", "Step 1") + ANS
    assert failed(text) == {"step_numbering"}


def test_numbering_starting_at_two_fails():
    assert failed(DESC + RAT + STEP2 + ANS) == {"step_numbering"}


def test_empty_step_body_fails():
    assert "complete" in failed(DESC + RAT + STEP1 + "### Step 2:\n\n" + ANS)


# ---------------------------------------------------------------- logic: repeated sections


@pytest.mark.parametrize(
    "text",
    [
        DESC + DESC + RAT + STEP1 + ANS,
        DESC + RAT + RAT + STEP1 + ANS,
        DESC + RAT + THINK_H + THINK_H + STEP1 + ANS,
        DESC + RAT + STEP1 + ANS + "\n" + ANS,
    ],
    ids=["description", "rationales", "think", "final_answer"],
)
def test_repeated_section_fails(text):
    assert "no_repeated_sections" in failed(text)


# ---------------------------------------------------------------- tolerance


def test_crlf_line_endings_are_tolerated():
    text = CANONICAL.replace("\n", "\r\n")
    assert valid(text)
    assert answer_text(parse_completion(text)) == "5"


def test_lone_cr_line_endings_are_tolerated():
    assert valid(CANONICAL.replace("\n", "\r"))


def test_extra_blank_lines_are_tolerated():
    assert valid(CANONICAL.replace("\n", "\n\n\n"))


def test_bold_headers_are_tolerated():
    text = (
        "**Image Description:**\nA right triangle.\n"
        "**Rationales:**\nPythagoras.\n"
        "**Let's think step by step.**\n"
        "**Step 1:**\nAB^2 = 25.\n"
        "**Step 2:**\nAB = 5.\n"
        "**The final answer is:** 5"
    )
    assert valid(text)
    assert kinds(text) == kinds(CANONICAL)
    assert answer_text(parse_completion(text)) == "5"


def test_hash_and_bold_together_are_tolerated():
    text = CANONICAL.replace("### Step 1:", "### **Step 1:**").replace("### Step 2:", "### **Step 2:**")
    assert valid(text)


@pytest.mark.parametrize("hashes", ["#", "##", "####"])
def test_other_heading_levels_are_tolerated(hashes):
    assert valid(CANONICAL.replace("###", hashes))


def test_step_with_period_instead_of_colon_is_tolerated():
    text = CANONICAL.replace("Step 1:", "Step 1.").replace("Step 2:", "Step 2.")
    assert valid(text)
    assert [s.number for s in parse_completion(text).steps] == [1, 2]


def test_header_case_is_tolerated():
    assert valid(CANONICAL.lower())


def test_curly_apostrophe_in_think_header_is_tolerated():
    text = CANONICAL.replace("Let's", "Let’s")
    assert valid(text)
    assert (THINK, None) in kinds(text)


def test_trailing_text_after_the_answer_is_tolerated():
    text = CANONICAL + "\n\nI hope this helps! In step 2 we simply took the root."
    assert valid(text)
    assert answer_text(parse_completion(text)) == "5"


def test_preamble_before_the_description_is_tolerated():
    assert valid("Sure! Here is my structured solution.\n\n" + CANONICAL)


def test_indented_headers_are_tolerated():
    assert valid(CANONICAL.replace("### Step 2:", "   ### Step 2:"))


def test_answer_is_first_nonempty_line_of_the_answer_section():
    text = DESC + RAT + STEP1 + "### The final answer is: 5\nbecause 3-4-5 is a Pythagorean triple."
    assert answer_text(parse_completion(text)) == "5"


# ---------------------------------------------------------------- non-tolerance: what is not a header


def test_unmarked_step_line_does_not_open_a_step():
    text = DESC + RAT + STEP1 + "Step 2: this line has no # or ** marker.\n" + ANS
    assert [s.number for s in parse_completion(text).steps] == [1]


def test_unmarked_step_3_line_does_not_break_numbering():
    text = DESC + RAT + STEP1 + "Step 3 will not be needed here.\n" + STEP2 + ANS
    assert valid(text)


def test_prose_mentioning_step_2_does_not_open_a_step():
    text = DESC + RAT + "### Step 1:\nAB^2 = 25; in step 2 we take the square root.\n" + ANS
    assert [s.number for s in parse_completion(text).steps] == [1]
    assert valid(text)


def test_header_in_mid_line_does_not_open_a_section():
    text = DESC + RAT + STEP1 + "Next comes ### Step 2: the root.\n" + ANS
    assert [s.number for s in parse_completion(text).steps] == [1]


def test_unmarked_final_answer_line_is_not_a_final_answer():
    text = DESC + RAT + STEP1 + STEP2 + "The final answer is: 5"
    assert answer_text(parse_completion(text)) is None
    assert "complete" in failed(text)


def test_unmarked_description_line_is_not_a_description():
    text = "Image Description: a triangle.\n" + RAT + STEP1 + ANS
    assert DESCRIPTION not in [k for k, _ in kinds(text)]
    assert "complete" in failed(text)


# ---------------------------------------------------------------- a section must hold content (issue 26)

BLANKS = [
    ".",
    "-",
    "**",
    "<br>",
    "<!-- -->",
    "\u200b",
    "** **",
    "- . -",
    "<br/><br />",
    "<!-- the rationale goes here -->",
    "\u200b\u200c\u200d\u2060\ufeff",
    "\u00a0\u2003\u3000",
    "&nbsp;",
    "$\\quad$",
    "\\, \\; \\!",
    "$$ $$",
    "...",
    "***",
    "___",
    "`` ``",
    "> ",
    "| | |",
    "\u3164",
    "\u2800",
    "<!-- unclosed comment with words",
    "<span></span>",
    "\\hspace{1cm}",
    "\\phantom{AB = 6}",
    "\\hphantom{ AB = 6 }",
    "\\hspace{ 1cm }",
    "&#8203; &#x200B;",
    "—",
    "• • •",
    "\\text{}",
    "$\\textbf{ }$",
    "\\textbf{\\text{\\,}}",
    "\\begin{center}\\end{center}",
    "\\noindent\\bigskip",
    "$\\boxed{}$",
    "$\\mathrm{}$",
]
"""Bodies that render as nothing, or as punctuation only."""


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("where", ["description", "rationales", "step", "answer"])
def test_a_section_of_markup_or_invisible_characters_is_missing(blank, where):
    bodies = {"description": "A right triangle.", "rationales": "Pythagoras.", "step": "AB = 5.", "answer": "5"}
    bodies[where] = blank
    text = (
        f"### Image Description:\n{bodies['description']}\n### Rationales:\n{bodies['rationales']}\n"
        f"### Step 1:\n{bodies['step']}\n### The final answer is: {bodies['answer']}"
    )
    assert "complete" in failed(text)


@pytest.mark.parametrize(
    "body",
    ["x", "5", "AB = 5.", "$\\frac{1}{2}$", "\\pi", "Ja.", "三角形", "**5**", "<b>7</b>", "٣", "x\u200b = 5"]
    + ["\\text{7}", "$\\boxed{7}$", "\\alpha", "\\textbf{Yes}"],
)
def test_a_word_or_formula_token_is_content(body):
    assert has_content(body)
    assert valid(DESC + RAT + f"### Step 1:\n{body}\n" + ANS)


_MARKUP = st.sampled_from(
    ["**", "__", "<br>", "<br/>", "<!-- x -->", "<!-- -->", "-", ".", ",", ";", ":", "!", "?", "*", "#", ">", "|", "`"]
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3164", "\u115f", "\u2800"]
    + [
        " ",
        "\t",
        "\u00a0",
        "\u2002",
        "\u2009",
        "\u202f",
        "\u3000",
        "&nbsp;",
        "&#8203;",
        "\\quad",
        "\\,",
        "\\;",
        "$$",
        "$",
    ]
    + ["—", "–", "…", "•", "·", "()", "[]", "{}", "\\dots"]
    + ["\\text{", "\\textbf{", "}", "\\noindent", "\\begin{center}", "\\end{center}", "\\boxed{", "\\mathrm{"]
)
_BLANK_BODY = st.lists(_MARKUP, min_size=0, max_size=12).map("".join)
_SECTION = st.sampled_from(
    [
        "### Image Description:",
        "### Rationales:",
        "### Step 1:",
        "### Step 2:",
        "### Step 3:",
        "### The final answer is:",
    ]
)


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(["description", "rationales", "step 1", "step 2", "answer"]), body=_BLANK_BODY)
def test_a_markup_only_section_never_passes_validity(where, body):
    headers = {
        "description": "### Image Description:",
        "rationales": "### Rationales:",
        "step 1": "### Step 1:",
        "step 2": "### Step 2:",
        "answer": "### The final answer is:",
    }
    parts = {k: v for k, v in zip(headers, [DESC, RAT, STEP1, STEP2, ANS], strict=True)}
    parts[where] = f"{headers[where]}\n{body}\n"
    assert not has_content(body)
    assert not valid("".join(parts.values()))


@settings(max_examples=300, deadline=None)
@given(header=_SECTION, body=_BLANK_BODY, at=st.integers(0, 6))
def test_inserting_a_markup_only_section_never_passes_validity(header, body, at):
    """A blank section added anywhere to a valid completion: a repeat, a blank step, a gap or a blank answer."""
    pieces = [DESC, RAT, THINK_H, STEP1, STEP2, ANS + "\n"]
    pieces.insert(min(at, len(pieces)), f"{header}\n{body}\n")
    assert not valid("".join(pieces))


# ---------------------------------------------------------------- header spellings the stepgrpo profile accepts

ACCEPTED_ANSWER_HEADERS = [
    "### The final answer is:",
    "### The final answer is",
    "**The final answer is:**",
    "### Final Answer:",
    "### Final Answer",
    "## Final Answer:",
    "# Final answer:",
    "**Final Answer:**",
    "**Final Answer**:",
    "### **Final Answer:**",
    "### Final answer is:",
    "#### FINAL ANSWER:",
]


@pytest.mark.parametrize("header", ACCEPTED_ANSWER_HEADERS)
def test_final_answer_header_spellings_are_read_and_valid(header):
    text = DESC + RAT + STEP1 + STEP2 + f"{header} 5"
    assert valid(text)
    assert answer_text(parse_completion(text)) == "5"
    group = PreparedGroup(CoreReference(answer="5", key_steps=[["AB = 5"]]), PROFILES["stepgrpo"], Settings())
    result = group.score(text)
    assert (result["step_rvr"], result["answer_correct"], result["key_step_ratio"]) == (1.0, True, 1.0)


@pytest.mark.parametrize("step", ["## Step 1:", "**Step 1:**", "### Step 1.", "#### **Step 1**:", "# step 1"])
def test_step_header_spellings_are_valid(step):
    assert valid(DESC + RAT + STEP1.replace("### Step 1:", step) + STEP2 + "### Final Answer: 5")


@pytest.mark.parametrize(
    "line",
    ["Final Answer: 5", "Answer: 5", "### Answer: 5", "The answer is 5.", "### Conclusion: 5", "**Answer:** 5"],
)
def test_other_answer_spellings_are_not_a_final_answer_section(line):
    text = DESC + RAT + STEP1 + STEP2 + line
    assert answer_text(parse_completion(text)) is None
    assert "complete" in failed(text)


# ---------------------------------------------------------------- several final-answer sections (issue 26)


def _scored(answer: str, *answers: str) -> dict:
    text = DESC + RAT + STEP1 + STEP2 + "".join(f"### The final answer is: {a}\n" for a in answers)
    group = PreparedGroup(CoreReference(answer=answer, key_steps=[["AB = 5"]]), PROFILES["stepgrpo"], Settings())
    return group.score(text, explain=True)


@pytest.mark.parametrize(
    "answers", [("8", "5"), ("5", "8"), ("4", "5", "5"), ("\\boxed{6}", "\\boxed{5}"), ("The area is 7.", "5")]
)
def test_final_answers_that_state_different_values_are_a_hedge(answers):
    result = _scored("5", *answers)
    assert result["answer_correct"] is False and result["step_rvr"] == 0.0
    assert result["explanation"]["answer"]["method"] == "hedge"
    assert "final-answer sections state different" in result["explanation"]["answer"]["detail"]


@pytest.mark.parametrize("answers", [("5", "5"), ("5", "5.0"), ("5", "\\boxed{5}"), ("AB = 5", "The length is 5.")])
def test_the_same_value_twice_is_invalid_format_but_not_a_wrong_answer(answers):
    result = _scored("5", *answers)
    assert result["answer_correct"] is True
    assert result["step_rvr"] == 0.0
    assert {c["check"] for c in result["explanation"]["validity"] if not c["passed"]} == {"no_repeated_sections"}


def test_many_final_answers_are_a_hedge_without_reading_each():
    result = _scored("5", *[str(n) for n in range(9)], "5")
    assert result["answer_correct"] is False and result["explanation"]["answer"]["method"] == "hedge"


def test_a_markup_only_final_answer_section_is_no_answer():
    result = _scored("5", "**", "5")
    assert result["answer_correct"] is True and result["step_rvr"] == 0.0
    assert _scored("5", "\u200b")["explanation"]["answer"]["method"] == "none"
