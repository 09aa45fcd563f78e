"""The stance reader's gate (:func:`.assertion.may_refute`) and its one-pass index (:mod:`.stance_index`) change no
reading: a stream the gate skips has no match :class:`.assertion.Assertions` would deny, and the index finds each kind
where a scan per kind does."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from service.rewards.assertion import CERTAINTIES, Assertions, may_refute
from service.rewards.keysteps import StepStream
from service.rewards.stance_index import KINDS, Index
from service.rewards.stance_words import (
    CLAUSE_BREAKS,
    CLAUSE_STARTS,
    CONCLUSIONS,
    NEGATIONS,
    QUESTION_OPENERS,
    QUOTE,
    SENTENCE_BREAKS,
    STEP_DOUBTS,
    SUPPOSITIONS,
    TRIGGERS,
    VERDICTS,
    doubt_phrase,
    negates,
    operating,
)
from service.rewards.text import STEP_BREAK
from service.rewards.vocabulary import CONFIRMATION, INDIRECT_QUESTION, SECOND_THOUGHTS, TRUTH, UNCERTAIN

from .keystep_corpus import NOT_ASSERTED

DOUBLES = [
    "Let me double-check the arithmetic before moving on.",
    "We double-check: AB = 6.",
    "Double the side: AB = 6, so 2AB = 12.",
    "AB = 6, but double-check it.",
    "AB = 6, but double check.",
    "AB = 6; please double-check.",
    "AB = 6 should be double-checked.",
    "AB = 6, this needs to be double checked.",
    "AB = 6 needs to double-check.",
    "AB = 6, BUT DOUBLE-CHECK.",
    "The double angle is 2x = 60.",
    "Double-check: AB = 6.",
    "Nothing else is needed: AB = 6.",
    "AB = 6. Nothing here is verified.",
    "AB = 6. Nothing of this is certain.",
    "AB = 6, nothing = sure.",
    "Nothing was checked; AB = 6.",
    "AB = 6. Nothing here is right.",
    "AB = 6 and nothing more.",
]
STEPS = ["AB = 6.", "BC = 8 and AC = 10.", "So AC = 10.", "If AB = 6, then AC = 10.", "Is AB = 6?"]


def _denied(toks: list[str]) -> list[tuple[int, int, str]]:
    """Every span of up to four tokens :class:`Assertions` does not take as asserted, with why."""
    reader = Assertions(toks)
    spans = ((a, b) for a in range(len(toks)) for b in range(a + 1, min(a + 5, len(toks) + 1)))
    return [(a, b, why) for a, b in spans if (why := reader.why_not(a, b)) is not None]


def _streams():
    templates = [t for shapes in NOT_ASSERTED.values() for t in shapes][:40]
    for double, step in itertools.product(DOUBLES, STEPS):
        yield [double, step]
        yield [step, double]
    for template in templates:
        for double in DOUBLES[:4] + DOUBLES[-6:]:
            yield [template.format(s="AB = 6"), double]


def test_a_stream_the_gate_skips_has_nothing_denied():
    skipped = 0
    for steps in _streams():
        toks = StepStream.of(steps).tokens
        if not may_refute(toks):
            skipped += 1
            assert _denied(toks) == [], steps
    assert skipped > 20


def test_the_gate_reads_a_double_check_doubt():
    for text in [*DOUBLES[3:10], *DOUBLES[-6:-3], DOUBLES[-2]]:
        toks = StepStream.of([text]).tokens
        assert may_refute(toks), text


def _scanned(toks: list[str]) -> dict[str, list[int]]:
    """Each kind found as the stance reader used to: one scan per kind."""
    opens = [i == 0 or toks[i - 1] in CLAUSE_STARTS or toks[i - 1] in SENTENCE_BREAKS for i in range(len(toks))]
    tests = {
        "refuting": lambda i, t: t in VERDICTS or negates(toks, i),
        "verdicts": lambda i, t: t in VERDICTS,
        "clause_breaks": lambda i, t: t in CLAUSE_BREAKS,
        "sentence_breaks": lambda i, t: t in SENTENCE_BREAKS,
        "step_breaks": lambda i, t: t == STEP_BREAK,
        "suppositions": lambda i, t: t in SUPPOSITIONS and not operating(toks, i),
        "equals": lambda i, t: t == "=",
        "condition_ends": lambda i, t: t in CLAUSE_BREAKS and t != "and",
        "asking": lambda i, t: t in INDIRECT_QUESTION,
        "second_thoughts": lambda i, t: t in SECOND_THOUGHTS,
        "conclusions": lambda i, t: t in CONCLUSIONS or t in SENTENCE_BREAKS,
        "clause_starts": lambda i, t: t in CLAUSE_STARTS,
        "question_opens": lambda i, t: t in QUESTION_OPENERS and opens[i],
        "quotes": lambda i, t: t == QUOTE,
        "truths": lambda i, t: t in TRUTH or t in VERDICTS,
        "words": lambda i, t: t not in NEGATIONS and t not in {"t", "="},
        "doubts": lambda i, t: t in UNCERTAIN or doubt_phrase(toks, i),
        "confirmations": lambda i, t: t in CONFIRMATION,
    }
    assert list(tests) == list(KINDS)
    return {kind: [i for i, t in enumerate(toks) if test(i, t)] for kind, test in tests.items()}


WORDS = sorted(TRIGGERS | CLAUSE_BREAKS | QUESTION_OPENERS | SUPPOSITIONS | CONFIRMATION | TRUTH) + [
    "AB", "6", "we", "square", "be", "the", "x", "+", "(", "=",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30))
def test_the_index_finds_each_kind_where_a_scan_does(toks):
    index = Index(toks)
    assert index.at == _scanned(toks)
    assert index.symbols == list(itertools.accumulate((not t[0].isalpha() and t != "=" for t in toks), initial=0))


def test_the_gate_knows_every_certainty_a_nothing_doubt_reads():
    """``nothing`` opens the gate only before one of :data:`.assertion.CERTAINTIES`: the words STEP_DOUBTS reads."""
    words = re.search(r"\(\?:([a-z|]+)\)$", STEP_DOUBTS[0])
    assert words is not None and set(words.group(1).split("|")) <= set(CERTAINTIES)
