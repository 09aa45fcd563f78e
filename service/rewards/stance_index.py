"""Where each kind of stance word stands in a step stream, found in one pass over its tokens: what
:class:`.assertion.Assertions` indexes. Each token's kinds are one bit mask, remembered per token text, so a
stream costs one dict lookup per token instead of one set lookup per token and per kind."""

from __future__ import annotations

from .stance_words import (
    CLAUSE_BREAKS,
    CLAUSE_STARTS,
    CONCLUSIONS,
    DOUBT_HEADS,
    NEGATIONS,
    QUESTION_OPENERS,
    QUOTE,
    SENTENCE_BREAKS,
    SUPPOSITIONS,
    VERDICTS,
    doubt_phrase,
    negates,
    operating,
)
from .text import STEP_BREAK
from .vocabulary import CONFIRMATION, INDIRECT_QUESTION, SECOND_THOUGHTS, TRUTH, UNCERTAIN

KINDS = (
    "refuting",
    "verdicts",
    "clause_breaks",
    "sentence_breaks",
    "step_breaks",
    "suppositions",
    "equals",
    "condition_ends",
    "asking",
    "second_thoughts",
    "conclusions",
    "clause_starts",
    "question_opens",
    "quotes",
    "truths",
    "words",
    "doubts",
    "confirmations",
)
"""The position lists :class:`Index` holds, in bit order. ``refuting``, ``suppositions``, ``doubts`` and
``question_opens`` also need the tokens around them (read here), ``confirmations`` the clauses (read by
:class:`.assertion.Assertions`): for these the bit says a token may be one."""
_BIT = {kind: 1 << k for k, kind in enumerate(KINDS)}
_OPENS_QUESTION = _BIT["clause_starts"] | _BIT["sentence_breaks"]
_CACHE_SIZE = 65536
_classes: dict[str, tuple[int, tuple[int, ...], bool]] = {}


def token_class(t: str) -> tuple[int, tuple[int, ...], bool]:
    """The kinds of the token ``t``: as a bit mask (:data:`KINDS`), as the indices of its kinds, and whether it is a
    symbol (neither a word nor ``=``); remembered for up to 65,536 token texts."""
    known = _classes.get(t)
    if known is None:
        member = _kinds(t)
        mask = sum(1 << k for k, m in enumerate(member) if m)
        known = (mask, tuple(k for k, m in enumerate(member) if m), not t[0].isalpha() and t != "=")
        if len(_classes) >= _CACHE_SIZE:
            _classes.clear()
        _classes[t] = known
    return known


def _kinds(t: str) -> tuple[bool, ...]:
    """Whether ``t`` is (or may be, for the kinds read in context) each of :data:`KINDS`."""
    return (
        t in VERDICTS or t in NEGATIONS or t == "t",
        t in VERDICTS,
        t in CLAUSE_BREAKS,
        t in SENTENCE_BREAKS,
        t == STEP_BREAK,
        t in SUPPOSITIONS,
        t == "=",
        t in CLAUSE_BREAKS and t != "and",
        t in INDIRECT_QUESTION,
        t in SECOND_THOUGHTS,
        t in CONCLUSIONS or t in SENTENCE_BREAKS,
        t in CLAUSE_STARTS,
        t in QUESTION_OPENERS,
        t == QUOTE,
        t in TRUTH or t in VERDICTS,
        t not in NEGATIONS and t not in {"t", "="},
        t in UNCERTAIN or t in DOUBT_HEADS,
        t in CONFIRMATION,
    )


class Index:
    """The sorted positions of each of :data:`KINDS` in a stream (:attr:`at`), and prefix counts of its symbols
    (:attr:`symbols`), read in one pass."""

    def __init__(self, toks: list[str]):
        found: list[list[int]] = [[] for _ in KINDS]
        symbols = [0] * (len(toks) + 1)
        count = 0
        opens = True
        """The token before opens a clause or a sentence (or there is none): a question opener here asks."""
        question = KINDS.index("question_opens")
        for i, t in enumerate(toks):
            mask, kinds, symbol = token_class(t)
            count += symbol
            symbols[i + 1] = count
            for k in kinds:
                if k != question or opens:
                    found[k].append(i)
            opens = bool(mask & _OPENS_QUESTION)
        at = dict(zip(KINDS, found, strict=True))
        at["refuting"] = [i for i in at["refuting"] if toks[i] in VERDICTS or negates(toks, i)]
        at["suppositions"] = [i for i in at["suppositions"] if not operating(toks, i)]
        at["doubts"] = [i for i in at["doubts"] if toks[i] in UNCERTAIN or doubt_phrase(toks, i)]
        self.at = at
        self.symbols = symbols
