"""Rejecting another value is commitment: ``B, not D``, ``7, not 8``, ``Yes, not no`` name one answer. Rejecting the
value just stated (``7, not 7``) denies it, and a rejection followed by another value (``7, not 8 but 9``) offers
that value: both stay hedges. Every kind of answer of the correct corpus."""

from __future__ import annotations

import pytest

from service.rewards.answers import AnswerJudge
from tests.corpus_correct import _KINDS
from tests.test_claims_properties import WRONG

OPENINGS = ["{r}, not {w}", "The answer is {r}, not {w}.", "**{r}**, not {w}.", "Answer: {r}; not {w}"]


def right(reference: str, section: str, choices) -> bool:
    return AnswerJudge(reference, choices).judge(section).correct


@pytest.mark.parametrize(("reference", "stated", "choices"), _KINDS)
@pytest.mark.parametrize("opening", OPENINGS)
def test_rejecting_another_value_commits_to_the_one_stated(reference, stated, choices, opening):
    wrong = WRONG[stated][0]
    assert right(reference, opening.format(r=stated, w=wrong), choices)
    assert not right(wrong, opening.format(r=stated, w=wrong), choices)


@pytest.mark.parametrize(("reference", "stated", "choices"), [k for k in _KINDS if k[1] not in ("green", "Paris")])
@pytest.mark.parametrize("opening", OPENINGS)
def test_rejecting_the_value_stated_or_adding_another_stays_a_hedge(reference, stated, choices, opening):
    wrong = WRONG[stated][0]
    assert not right(reference, opening.format(r=stated, w=stated), choices)
    section = opening.format(r=stated, w=wrong).rstrip(".") + f" but {wrong}"
    assert not right(reference, section, choices), section
