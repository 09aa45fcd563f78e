"""The reference's kind, decided once, and one grader per kind (issue 25, item 3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.rewards.answers import AnswerJudge, parse_quantity
from service.rewards.kinds import Kind, inequality_interval, named_values
from service.rewards.number_words import NUMBER_WORD, number_word_value

LETTER_LIKE = {"A": "(a)", "B": "(c)", "C": "(d)", "D": "(e)", "E": "(b)"}


@pytest.mark.parametrize(
    ("reference", "kind"),
    [
        ("B", Kind.OPTION),
        ("yes", Kind.YES_NO),
        ("4000", Kind.QUANTITY),
        ("3:5", Kind.RATIO),
        ("red", Kind.TEXT),
        ("Garfield 2019 Wall Calendar", Kind.TEXT),
        ("x^2 + 1", Kind.EXPRESSION),
        ("\\{1, 2\\}", Kind.SET),
        ("[1, 2, 3]", Kind.LIST),
        ("[-2, 3)", Kind.INTERVAL),
        ("(-\\infty, 3)", Kind.INTERVAL),
        ("(4, -1)", Kind.POINT),
        ("y = t^2 - 1", Kind.EQUATION),
        ("m = 4, n = 1", Kind.NAMED),
    ],
)
def test_the_reference_kind_is_decided_once(reference, kind):
    assert AnswerJudge(reference).kind is kind


@pytest.mark.parametrize(
    ("reference", "stated", "correct"),
    [
        ("m = 4, n = 1", "m = 4 and n = 1", True),
        ("m = 4, n = 1", "$m = 4$, $n = 1$", True),
        ("m = 4, n = 1", "\\boxed{n = 1, m = 4}", True),
        ("m = 4, n = 1", "$(m, n) = (4, 1)$", True),
        ("m = 4, n = 1", "m = 4 and n = 2", False),
        ("m = 4, n = 1", "m = 4 or n = 1", False),
        ("m = 4, n = 1", "m = 4, n = 1 or n = 2", False),
        ("m = 4, n = 1", "m = 4", False),
        ("3:5", "The ratio is 3:5.", True),
        ("3:5", "6:10, which simplifies to 3:5", True),
        ("3:5", "The ratio is 5:3.", False),
        ("3:5", "3:5 or 2:3", False),
        ("12:00", "1:00", False),
        ("(4, -1)", "Q(4, -1)", True),
        ("(4, -1)", "P = (4, -1)", True),
        ("(4, -1)", "Q(-1, 4)", False),
        ("[-2, 3)", "$-2 \\le x < 3$", True),
        ("[-2, 3)", "$-2 < x < 3$", False),
        ("[-2, 3)", "$-2 \\le x \\le 3$", False),
        ("(3, \\infty)", "$x > 3$", True),
        ("(-\\infty, 3]", "x \\leq 3", True),
        ("(-\\infty, 3]", "x \\geq 3", False),
        ("13/4", "3 1/4", True),
        ("3.25", "3 1/4", True),
        ("13/4", "3 1/2", False),
        ("1/3", "one third", True),
        ("2/5", "two fifths", True),
        ("3/4", "three quarters", True),
        ("2/5", "two thirds", False),
        ("1/2", "a half", True),
        ("1/4", "The answer is a quarter.", True),
        ("3/2", "one and a half", True),
        ("2.75", "two and three quarters", True),
        ("-1.5", "negative one and a half", True),
        ("1", "one and a half", False),
        ("1/2", "one and a half", False),
        ("2", "a half", False),
        ("3", "three and a half", False),
        ("4000", "4 thousand", True),
        ("4000", "four thousand", True),
        ("700", "seven hundred", True),
        ("7", "7 thousand", False),
        ("7", "7k", False),
        ("7", "7 dozen", False),
        ("7", "seven hundred", False),
        ("300", "300 K", True),
        ("[0.333, 0.25]", "[1/3, 1/4]", True),
        ("[1/3, 1/4]", "[0.333, 0.25]", True),
        ("[1/3, 1/4]", "[0.3, 0.25]", False),
        ("[1/3, 1/4]", "[1/4, 1/3]", False),
        ("y = t^2 - 1", "g(t) = t^2 - 1", True),
        ("y = t^2 - 1", "g(t) = t^2 + 1", False),
        ("1 + 3i", "(3 - i)i", True),
        ("1 + 3i", "(3 + i)i", False),
        ("\\sin\\theta", "\\cos(90^\\circ - \\theta)", True),
        ("\\sin\\theta", "\\cos(90^\\circ + \\theta)", False),
        ("0.7", "0.7%", False),
        ("0.7", "70%", True),
        ("50", "50%", True),
        ("50%", "0.5", True),
        ("Garfield 2019 Wall Calendar", "Garfield 2019 Calendar", False),
        ("Garfield 2019 Wall Calendar", "2019", False),
        ("Best Short Stories 2011", '"Best Short Stories 2011."', True),
        ("Best Short Stories 2011", "Best Short Stories 2012", False),
    ],
)
def test_each_kind_has_its_grader(reference, stated, correct):
    verdict = AnswerJudge(reference).judge(stated)
    assert verdict.correct is correct, verdict


def test_an_option_text_that_looks_like_a_letter_is_that_option():
    judge = AnswerJudge("(b)", LETTER_LIKE)
    assert judge.letter == "E"
    assert judge.judge("E").correct
    assert judge.judge("(E) (b)").correct
    assert not judge.judge("B").correct


def test_a_huge_power_in_the_working_does_not_trip_the_guard_on_the_answer():
    working = "Each term is below $2^{99999999}$, far too large to matter, and the series telescopes.\n"
    assert AnswerJudge("5").judge(working + "So the answer is 5.").correct
    assert not AnswerJudge("5").judge("$2^{99999999}$").correct


@pytest.mark.parametrize(
    ("text", "interval"),
    [("-2 \\le x < 3", "[-2, 3)"), ("x > 5", "(5, \\infty)"), ("3 \\geq y > 1", "(1, 3]"), ("x < y < 3", None)],
)
def test_an_inequality_in_one_variable_is_its_interval(text, interval):
    found = inequality_interval(text)
    shown = f"{found.opening}{', '.join(found.items)}{found.closing}" if found else None
    assert shown == interval


def test_named_unknowns_ignore_assignments_inside_braces():
    assert named_values("F_n = \\sum_{k=0}^{n-1} F_k") is None
    assert named_values("x = 1; y = -2") == {"x": "1", "y": "-2"}


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["thousand", "million", "dozen", "hundred"]))
def test_a_scale_word_is_part_of_the_value(number, scale):
    stated = parse_quantity(f"{number} {scale}")
    assert stated is not None and stated.value != number
    assert not AnswerJudge(str(number)).judge(f"{number} {scale}").correct


@given(st.integers(min_value=1, max_value=99))
def test_number_words_read_whole(number):
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
    tens = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
    small = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    if number < 10:
        text = words[number]
    elif number < 20:
        text = small[number - 10]
    else:
        text = tens[number // 10] + (f"-{words[number % 10]}" if number % 10 else "")
    match = NUMBER_WORD.fullmatch(f"{text} hundred")
    assert match is not None and number_word_value(match) == str(number * 100)


@pytest.mark.parametrize(
    ("stated", "correct"),
    [
        ("No, Purple is the roughest.", True),
        ("No, the function is not continuous.", True),
        ("The answer is (B) no.", True),
        ("B", True),
        ("(B) No", True),
        ("(A) No", False),
        ("A", False),
        ("Yes, it is.", False),
        ("No or yes", False),
        ("Yes / No", False),
        ("Perhaps no.", False),
        ("B or A", False),
    ],
)
def test_an_option_whose_text_is_yes_or_no_is_also_answered_in_words(stated, correct):
    """MathVista asks yes/no questions with choices (A) yes (B) no; models answer 'No, ...' in a sentence."""
    verdict = AnswerJudge("no", {"A": "yes", "B": "no"}).judge(stated)
    assert verdict.correct is correct, verdict


def test_only_a_section_that_opens_with_yes_or_no_answers_an_option_in_words():
    judge = AnswerJudge("yes", {"A": "yes", "B": "no"})
    assert not judge.judge('The correct option letter is D, "Dark Green."').correct
    assert not AnswerJudge("no", {"A": "yes", "B": "no"}).judge("There is no evidence. The pizza is split.").correct


@pytest.mark.parametrize(
    ("section", "correct"),
    [
        ("We have $2^{99999999}$ as a bound.\n\nThe answer is 5.", True),
        ("We have $2^{99999999}$ as a bound.\n\nThe answer is 6.", False),
        ("Each term is below $2^{99999999}$.\nThe answer is 5.", True),
        ("The answer is $2^{99999999}$.", False),
        ("$2^{99999999}$\n\nThe answer is 5.", False),
    ],
)
def test_the_growth_guard_looks_at_the_answer_not_the_working_above_it(section, correct):
    assert AnswerJudge("5").judge(section).correct is correct
