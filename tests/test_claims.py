"""The claims a final-answer section makes, their stances, and the commitment rule (issue 25's tables)."""

from __future__ import annotations

import pytest

from service.rewards.answers import AnswerJudge
from service.rewards.claims import commitment, read_claims
from service.rewards.vocabulary import Decision, Method, Stance

SUMMARY = (
    "We added the two legs, checked the remaining angles against the figure, and compared the result with the "
    "scale on the ruler; every measurement agrees with the diagram as drawn and with the lengths given"
)

FIRST_TABLE = [
    ("7", "\\boxed{7} or 8"),
    ("7", "\\boxed{7} (perhaps 8)"),
    ("7", "It is not \\boxed{7}."),
    ("7", "at most \\boxed{7}"),
    ("7", "\\boxed{7} \\pm 2"),
    ("yes", "Perhaps yes."),
    ("yes", "Yes, though possibly no."),
    ("yes", "It is not yes."),
    ("yes", "\\boxed{Yes} \\boxed{No}"),
    ("7", "7\n\n8"),
    ("B", "B\n\nD"),
    ("green", "Green\n\nGray"),
    ("7", "The answer is 7\n\nThe answer is 9"),
    ("7", f"The answer is 7. {SUMMARY}. Alternatively, 8."),
    ("7", f"{SUMMARY}, so it is 7. Alternatively, 8."),
    ("7", "The answer is 7. Eight also fits."),
    ("B", "The answer is B. D also fits."),
    ("green", "It is green, unless it is gray."),
    ("8", "7 \\vee 8"),
    ("7", "\\boxed{7|8}"),
    ("7", "| x | value |\n|---|---|\n| a | 7 |\n| b | 8 |"),
]
"""Paid before this rule; every one leaves its answer open or offers a second value."""

SECOND_TABLE = [
    ("60", "There were 45 boys and 15 girls, so 60 students enrolled.\nA: 60", None),
    ("60", "There were 45 boys and 15 girls, so 60 students enrolled.\nAns: 60", None),
    ("60", "There were 45 boys and 15 girls, so 60 students enrolled.\n答案：60", None),
    ("50", "The gap between two adjacent grid lines is 50.", None),
    ("3", "items that are either red or rubber: 3", None),
    ("no", "No, the series does not converge.", None),
    ("yes", "(A) Yes, X is less than Y.", None),
    ("6", "the median is 6. That means 12 of the 24 cards are below it.", None),
    ("24", "24 (4 × 6)", None),
    ("24", "24, since 4 × 6 = 24", None),
    ("13", "BC = 13 (a 5-12-13 triangle)", None),
    ("C", 'The right option is "C."', {"A": "2", "B": "4", "C": "6", "D": "8"}),
    ("D", "The leaf edge has small teeth pointing forward.\n\nThus, the answer is D (Dentate).", None),
    ("Red Sox", "The pitcher plays for the Boston Red Sox.", None),
    ("yield", "This is a yield sign.", None),
    ("invalid", "The argument is invalid.", None),
    ("valid", "No one is neither tall nor short, so the argument is valid.", None),
    ("kite", "The girl is holding a kite.", None),
    ("baseball", "They are playing baseball.", None),
    ("cloudy", "The sky looks cloudy.", None),
    ("exit", "The sign says EXIT.", None),
]
"""Correct answers that were refused: a label, a count word in the subject, the question restated, a negation or
comparison that is the content of a yes/no, working beside the value, a later announcement, a name in a sentence,
a word that is itself the answer, the object of the verb that answers."""


@pytest.mark.parametrize(("reference", "stated"), FIRST_TABLE)
def test_a_section_that_leaves_its_answer_open_is_wrong(reference, stated):
    verdict = AnswerJudge(reference).judge(stated)
    assert not verdict.correct and verdict.method == "hedge", verdict


@pytest.mark.parametrize(("reference", "stated", "choices"), SECOND_TABLE)
def test_a_committed_answer_is_read_wherever_it_stands(reference, stated, choices):
    verdict = AnswerJudge(reference, choices).judge(stated)
    assert verdict.correct, verdict


@pytest.mark.parametrize(
    ("block", "expect", "claims"),
    [
        ("\\boxed{7} or 8", "value", [("7", Stance.ALTERNATIVE), ("8", Stance.ALTERNATIVE)]),
        ("It is not \\boxed{7}.", "value", [("7", Stance.NEGATED)]),
        ("at most \\boxed{7}", "value", [("7", Stance.BOUNDED)]),
        ("Perhaps yes.", "yes_no", [("yes", Stance.UNCERTAIN)]),
        ("\\boxed{7} if the angle is acute", "value", [("7", Stance.CONDITIONAL)]),
        ("7\n\n8", "value", [("7", Stance.ASSERTED), ("8", Stance.ASSERTED)]),
        ("24, since 4 × 6 = 24", "value", [("4", Stance.JUSTIFICATION), ("6", Stance.JUSTIFICATION)]),
        ("The answer is B. D also fits.", "letter", [("B", Stance.ASSERTED), ("D", Stance.ALTERNATIVE)]),
    ],
)
def test_each_claim_is_read_with_its_stance(block, expect, claims):
    read = [(claim.value, claim.stance) for claim in read_claims(block, expect)]
    assert all(claim in read for claim in claims), read


def test_the_rule_names_the_claim_that_left_the_answer_open():
    rule = commitment(read_claims("\\boxed{7} (perhaps 8)"))
    assert rule.open is not None and rule.detail == "uncertain (perhaps): 7"
    assert commitment(read_claims("The answer is 7.\n\nSo the answer is 7.")).open is None


def test_working_before_the_answer_is_not_read_for_stances():
    block = "If x were 3 the sum would not be 10, so x is at least 4 or 5. Checking both, x = 4 fails.\n\n\\boxed{5}"
    assert AnswerJudge("5").judge(block).correct


def test_a_models_private_reasoning_is_not_read():
    block = "Maybe 8? Wait, or 9.\n</think>\nThe answer is \\boxed{7}."
    assert AnswerJudge("7").judge(block).correct


def test_a_sign_the_reference_carries_is_part_of_the_value():
    assert AnswerJudge("1 \\pm \\sqrt{19}").judge("$x = \\boxed{1 \\pm \\sqrt{19}}$").correct
    assert not AnswerJudge("1 + \\sqrt{19}").judge("$x = \\boxed{1 \\pm \\sqrt{19}}$").correct


def test_the_verdict_carries_every_claim_read():
    verdict = AnswerJudge("7").judge("\\boxed{7} or 8")
    assert [claim.shown() for claim in verdict.claims] == ["7: alternative (or)", "8: alternative (or)"]


@pytest.mark.parametrize(
    ("reference", "stated", "offered"),
    [
        ("10", "\\boxed{10} and \\boxed{12}", "12"),
        ("\\frac{1}{2}", "\\frac{1}{2} (\\frac{1}{3} if rounded)", "\\frac{1}{3}"),
        ("green", "The answer is green. If the light were different, it would be gray.", "gray"),
        ("7", "8\n\nThe answer is 7.", "7"),
    ],
)
def test_a_wrong_answer_that_offers_another_value_is_reported_as_the_hedge_it_is(reference, stated, offered):
    verdict = AnswerJudge(reference).judge(stated)
    assert not verdict.correct and verdict.method is Method.HEDGE, verdict
    assert verdict.decided_by is Decision.SECOND_VALUE and verdict.detail.endswith(f": {offered}"), verdict


def test_it_depends_leaves_any_kind_of_answer_to_a_condition():
    for reference, stated in [("green", "It depends; green."), ("B", "It depends; B."), ("yes", "It depends; yes.")]:
        verdict = AnswerJudge(reference, {"A": "3", "B": "5"} if reference == "B" else None).judge(stated)
        assert verdict.method is Method.HEDGE and verdict.detail.startswith("conditional (depends)"), verdict
