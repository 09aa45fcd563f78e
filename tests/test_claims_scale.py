"""A final-answer section with thousands of values is read in full (claims.py reads each value's stance by binary
search over where the sentence's clauses, parentheses and conditions stand, not by a scan per value): a hedge at the
far end of a long section is still found. Timing is measured in a probe, never asserted here."""

from __future__ import annotations

import random

from service.rewards.answers import AnswerJudge
from service.rewards.statement import MAX_BLOCK_CHARS


def _working(count: int, shape: str) -> str:
    rng = random.Random(count)
    return "".join(shape.format(a=rng.randint(10, 99), b=rng.randint(1, 9)) for _ in range(count))


def _fits(text: str) -> str:
    assert len(text) < MAX_BLOCK_CHARS, len(text)
    return text


def test_a_hedge_after_thousands_of_values_in_one_sentence_is_found():
    working = _working(1000, " {a} ({b})")
    assert not AnswerJudge("7").judge(_fits(f"The answer is 7, from{working}, or maybe 8.")).correct
    assert not AnswerJudge("7").judge(_fits(f"The answer is 7, since{working} and 8 also fit.")).correct


def test_a_committed_answer_after_thousands_of_values_stays_right():
    working = _working(900, " {a} + {b} = {a}{b},")
    assert AnswerJudge("7").judge(_fits(f"We add{working} step by step.\n\nThe answer is 7.")).correct


def test_clauses_opened_and_never_closed_are_each_read():
    section = "7" + _working(600, ", since {a} ({b}") + ", since 8 is also right."
    assert not AnswerJudge("7").judge(_fits(section)).correct
