"""The commitment rule as properties: a second value always costs, neutral padding never matters, restating is free.

Committed sections are drawn from the correct-answer corpus' styles, filled with every kind of answer; the second
value, the padding and the restatement are inserted at every paragraph boundary, in the wrappings models use.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.rewards.answers import AnswerJudge
from tests.corpus_correct import _KINDS, _STYLES, _fits

WRONG = {
    "7": ("8", "Eight"),
    "2.5": ("3.5", "3.5"),
    "\\frac{3}{4}": ("\\frac{4}{3}", "4/3"),
    "12 cm": ("13 cm", "13 cm"),
    "x^2 + 1": ("x^2 - 1", "x^2 - 1"),
    "B": ("D", "D"),
    "Yes": ("No", "No"),
    "No": ("Yes", "Yes"),
    "green": ("gray", "Gray"),
    "Paris": ("Lyon", "Lyon"),
}
"""A different value of the same kind for each right value of the corpus."""

SECOND = [
    "{w}",
    "**{w}**",
    "`{w}`",
    "\\boxed{{{w}}}",
    "$\\boxed{{{w}}}$",
    "The answer is {w}.",
    "Answer: {w}",
    "Alternatively, {w}.",
    "Or maybe {w}.",
    "{W} also fits.",
    "It could also be {w}.",
    "```\n{w}\n```",
    "So {w}.",
    "Thus, {w}.",
]
"""Wrappings of a second value; each is a claim wherever it stands (a conclusion too: ``So 9.``)."""

NEUTRAL = [
    "The figure is drawn neatly.",
    "Each step above was checked once more.",
    "The labels in the diagram are easy to read.",
    "Everything in the picture agrees with the question as given, and the reasoning above used all of it, "
    "in the order the question lists its facts, with nothing left out and nothing added along the way.",
]
"""Sentences with no value, no hedge word and no answer word: padding a policy might add."""

RESTATED = ["So {r}.", "So the answer is {r}.", "\\boxed{{{r}}}", "**{r}**", "Answer: {r}", "Final answer: {r}"]

SECTIONS = [
    (reference, style.format(r=stated), choices, stated)
    for reference, stated, choices in _KINDS
    for style in _STYLES
    if "</think>" not in style and _fits(style, choices)
]


def verdict(reference: str, section: str, choices) -> bool:
    return AnswerJudge(reference, choices).judge(section).correct


def inserted(section: str, addition: str, where: int) -> str:
    """``addition`` as a paragraph of its own at paragraph boundary ``where`` (modulo the boundaries there are)."""
    paragraphs = section.split("\n\n")
    at = where % (len(paragraphs) + 1)
    return "\n\n".join(paragraphs[:at] + [addition] + paragraphs[at:])


SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(st.sampled_from(SECTIONS), st.sampled_from(SECOND), st.integers(0, 8))
def test_a_second_different_value_anywhere_makes_a_committed_section_wrong(case, wrapping, where):
    reference, section, choices, stated = case
    assert verdict(reference, section, choices)
    wrong, wrong_word = WRONG[stated]
    hedged = inserted(section, wrapping.format(w=wrong, W=wrong_word), where)
    assert not verdict(reference, hedged, choices), hedged


@SLOW
@given(st.sampled_from(SECTIONS), st.lists(st.sampled_from(NEUTRAL), min_size=1, max_size=4), st.integers(0, 8))
def test_neutral_padding_never_changes_the_verdict(case, padding, where):
    reference, section, choices, stated = case
    wrong, wrong_word = WRONG[stated]
    hedge = inserted(section, f"Alternatively, {wrong}.", 99)
    for text in (section, hedge):
        padded = inserted(text, " ".join(padding), where)
        assert verdict(reference, padded, choices) == verdict(reference, text, choices), padded


@SLOW
@given(st.sampled_from(SECTIONS), st.sampled_from(RESTATED), st.integers(0, 8))
def test_restating_the_same_value_never_makes_it_wrong(case, restatement, where):
    reference, section, choices, stated = case
    restated = inserted(section, restatement.format(r=stated), where)
    assert verdict(reference, restated, choices), restated


COMMITTED = ["{r}", "The answer is {r}", "Answer: {r}", "So the answer is **{r}**", "The final answer is {r}"]
"""Committed sections that a clause can follow in the same sentence."""

JUSTIFYING_SHAPED = [
    ", since {w} is also right.",
    ", because {w} is correct too.",
    ", since {w} works as well.",
    ", because {w} is another answer.",
    " (with {w} as a fallback).",
    ". We get {r} if we add 3 and 4, or {w} otherwise.",
    ". We get {r} if we add 3 and 4, else {w}.",
    ". It is {r} if the figure is to scale, or {w} otherwise.",
]
"""Clauses shaped like a justification (``since``, ``because``, a parenthesis, the working's condition) that name a
different value as right, a fallback or the other case's answer: a second value, never a justification."""

NUMBER_SHAPED = [", {w} of which are candidates.", ", {w} of them plausible.", ", with {w} of the choices possible."]
LETTER_SHAPED = [", which is option {w}.", ", since option {w} is also right.", ", 2 of which are {w}."]
NUMERIC = {"7", "2.5", "\\frac{3}{4}", "12 cm", "x^2 + 1"}

JUSTIFIED = [
    (reference, opening.format(r=stated) + clause.format(r=stated, w=WRONG[stated][0]), choices)
    for reference, stated, choices in _KINDS
    for opening in COMMITTED
    for clause in JUSTIFYING_SHAPED
    + (NUMBER_SHAPED if stated in NUMERIC else [])
    + (LETTER_SHAPED if choices is not None else [])
]


@SLOW
@given(st.sampled_from(JUSTIFIED), st.sampled_from(["", "\n\n" + NEUTRAL[0]]))
def test_a_justification_shaped_clause_naming_another_value_makes_a_committed_section_wrong(case, padding):
    reference, section, choices = case
    assert verdict(reference, NEUTRAL[1] + "\n\n" + section, choices) is False or not padding
    assert not verdict(reference, section + padding, choices), section + padding


REJECTED = [
    (reference, opening.format(r=stated) + f", not {WRONG[stated][0]}.", choices, stated)
    for reference, stated, choices in _KINDS
    for opening in COMMITTED
]
"""Committed sections that end by rejecting one other value: right as they are (``7, not 8.``)."""


@SLOW
@given(st.sampled_from(REJECTED), st.sampled_from(SECOND), st.sampled_from([" ", "\n\n"]))
def test_a_value_after_a_rejection_makes_it_wrong(case, wrapping, separator):
    """The rejection rules out one value and commits to the one before it only when nothing after it states
    another: the rejected value or a third one in a later sentence or paragraph leaves the answer open."""
    reference, section, choices, stated = case
    assert verdict(reference, section, choices), section
    for later in [WRONG[stated][0], *(["9"] if stated in NUMERIC or choices else [])]:
        hedged = section + separator + wrapping.format(w=later, W=later)
        assert not verdict(reference, hedged, choices), hedged


@SLOW
@given(st.sampled_from(_KINDS), st.sampled_from(COMMITTED), st.sampled_from(["\\boxed{{{w}}}", "$\\boxed{{{w}}}$"]))
def test_a_rejected_box_is_never_the_graded_value(kind, opening, box):
    """``7, not \\boxed{8}`` denies its box: wrong against the boxed value (and never right against 8)."""
    _, stated, choices = kind
    wrong = WRONG[stated][0]
    section = opening.format(r=stated) + ", not " + box.format(w=wrong)
    assert not verdict(wrong, section, choices), section
