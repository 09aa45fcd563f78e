"""The two corpora of issue 25 in process: every hedge is wrong, every correct answer is right."""

from __future__ import annotations

from collections import Counter

import pytest

from service.rewards.answers import AnswerJudge
from tests.corpus_correct import CORRECT
from tests.hedge_corpus import HEDGES


def test_the_corpora_are_large_and_cover_every_kind():
    assert len(HEDGES) >= 300 and len(CORRECT) >= 300
    kinds = Counter(kind for *_, kind in HEDGES)
    assert len(kinds) >= 9 and min(kinds.values()) >= 30, kinds
    assert any(len(section) > 250 for _, section, _, _ in HEDGES)
    assert any("\\boxed" in section for _, section, _, _ in HEDGES)
    assert any("\\boxed" not in section for _, section, _, _ in HEDGES)


@pytest.mark.parametrize(("reference", "section", "choices", "kind"), HEDGES)
def test_every_attempt_to_be_paid_without_committing_is_wrong(reference, section, choices, kind):
    verdict = AnswerJudge(reference, choices).judge(section)
    assert not verdict.correct, (kind, verdict)


@pytest.mark.parametrize(("reference", "section", "choices"), CORRECT)
def test_every_correct_answer_in_a_models_style_is_right(reference, section, choices):
    verdict = AnswerJudge(reference, choices).judge(section)
    assert verdict.correct, verdict
