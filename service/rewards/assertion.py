"""Whether a key-step match is asserted: a statement the step negates, refutes or rejects states nothing.

Read from the step stream's tokens (:mod:`.text`: ``is`` is ``=``, ``isn't`` is ``isn``), in one pass, so a
match costs a few lookups. Four ways a step says a key step without asserting it:

- **negated before**: a negation in its clause before it (``It is not true that AB = 6``);
- **refuted after**: a negation or verdict after it in its clause, or in a ``which``/``this`` clause that
  follows (``AB = 6 is wrong``, ``AB = 6, which is false``);
- **rejected hypothesis**: a supposition (``Suppose AB = 6``, ``If AB = 6``) followed later in its step by a
  verdict against it (``(which is false)``, ``… a contradiction``);
- **answered no**: the next sentence of its step that is not filler is a bare verdict: no numbers or symbols,
  and a verdict word or a final ``no`` (``AB = 6? No.``, ``AB = 6. That is wrong.``).

A negation right before a number negates that number only (``AB = 6, not 7`` asserts ``AB = 6``), and a
clause ends at ``,``, ``;``, ``and``, ``so``, ``but`` …, so a refuted candidate does not take a later
conclusion with it (``If AC = 11 the perimeter is 31, not 32, so AC = 12``).
"""

from __future__ import annotations

from bisect import bisect_left

from .text import STEP_BREAK, is_number
from .vocabulary import CONDITIONAL, NEGATION, NEGATION_TEXT

_VERDICT_WORDS = frozenset({"wrong", "incorrect", "false", "invalid"})
VERDICTS = (NEGATION & _VERDICT_WORDS) | frozenset(
    "untrue impossible absurd contradiction contradicts contradict contradictory rejected reject rejects mistake "
    "mistaken erroneous inconsistent fails".split()
)
"""Words that judge a statement false: the answer reader's verdicts (:data:`.vocabulary.NEGATION`) and more a
step uses on a statement (``leads to a contradiction``, ``is impossible``)."""
NEGATIONS = (
    (NEGATION - VERDICTS)
    | (NEGATION_TEXT - {"without"})
    | frozenset("isn aren wasn weren doesn don didn won wouldn couldn shouldn hasn haven hadn ain nope".split())
)
"""Words that negate what they stand before or after: the answer reader's (:mod:`.vocabulary`), and the ``n't``
words as :func:`.text.tokens` spells them (``isn't`` -> ``isn``, ``can't`` -> ``can`` ``t``)."""
SUPPOSITIONS = (CONDITIONAL - {"depending", "provided"}) | frozenset(
    "assume guess try trying say hypothetically imagine".split()
)
"""Words that offer a statement as a hypothesis rather than assert it (the answer reader's conditionals)."""
_REFERRING = frozenset({"which", "this", "that", "it"})
"""A clause opening with one of these speaks of the clause before it (``AB = 6, which is wrong``)."""
CLAUSE_BREAKS = frozenset(
    {",", ";", ":", ".", "?", "!", STEP_BREAK}
    | set("so thus hence therefore then and but since because however while whereas".split())
)
_SENTENCE_BREAKS = frozenset({".", ";", "?", "!", STEP_BREAK})
_BARE_NO = frozenset({"no", "nope"})
"""A sentence without numbers or symbols that ends with one of these, or holds a verdict, is a bare verdict on the
sentence before it (``No.``, ``That is wrong.``); words before it (``Hmm, no.``) change nothing."""


_TRIGGERS = NEGATIONS | VERDICTS | frozenset({"t"})
"""Without one of these a stream can negate, refute or reject nothing (a supposition needs a verdict)."""


def may_refute(toks: list[str]) -> bool:
    """Whether the stream holds any word :class:`Assertions` reads: most steps hold none, and cost one set scan."""
    return not _TRIGGERS.isdisjoint(toks)


class Assertions:
    """Per-stream index of negations, verdicts, clauses and sentences, built in one pass; :meth:`why_not` asks
    about one match in a few binary searches."""

    def __init__(self, toks: list[str]):
        self.toks = toks
        self.refuting = [i for i, t in enumerate(toks) if t in VERDICTS or _negates(toks, i)]
        self.verdicts = [i for i, t in enumerate(toks) if t in VERDICTS]
        self.clause_breaks = [i for i, t in enumerate(toks) if t in CLAUSE_BREAKS]
        self.sentence_breaks = [i for i, t in enumerate(toks) if t in _SENTENCE_BREAKS]
        self.step_breaks = [i for i, t in enumerate(toks) if t == STEP_BREAK]
        self.suppositions = [i for i, t in enumerate(toks) if t in SUPPOSITIONS]
        self.bare_verdict_after = self._bare_verdicts_after()

    def why_not(self, start: int, end: int) -> str | None:
        """Why the match ``[start, end)`` is not asserted (``negated (not)``, ``refuted (wrong)``,
        ``a rejected hypothesis (suppose … false)``, ``answered no``), or None when it is."""
        toks = self.toks
        clause_start = _before(self.clause_breaks, start) + 1
        clause_end = _after(self.clause_breaks, end, len(toks))
        if (i := _first_in(self.refuting, clause_start, start)) is not None:
            return f"negated ({toks[i]})"
        if (i := _first_in(self.refuting, end, clause_end)) is not None:
            return f"refuted ({toks[i]})"
        if clause_end + 1 < len(toks) and toks[clause_end] not in _SENTENCE_BREAKS:
            following = clause_end + 1
            if toks[following] in _REFERRING:
                after = _after(self.clause_breaks, following, len(toks))
                if (i := _first_in(self.refuting, following, after)) is not None:
                    return f"refuted ({toks[i]})"
        supposed = _first_in(self.suppositions, clause_start, start)
        if supposed is not None:
            step_end = _after(self.step_breaks, end, len(toks))
            if (i := _first_in(self.verdicts, end, step_end)) is not None:
                return f"a rejected hypothesis ({toks[supposed]} … {toks[i]})"
        if self.bare_verdict_after[bisect_left(self.sentence_breaks, end)]:
            return "answered no"
        return None

    def _bare_verdicts_after(self) -> list[bool]:
        """Per sentence (index into the sentence breaks, the last one open), whether the next sentence of its step
        that is not neutral (no numbers or symbols, no negation or verdict: filler) is a bare verdict. One backward
        pass."""
        toks = self.toks
        bounds = [*self.sentence_breaks, len(toks)]
        result = [False] * len(bounds)
        nxt: bool | None = None
        """What the nearest non-neutral sentence after the current one says: a bare verdict or not (None: none)."""
        for k in range(len(bounds) - 1, -1, -1):
            result[k] = bool(nxt) and bounds[k] < len(toks) and toks[bounds[k]] != STEP_BREAK
            if bounds[k] < len(toks) and toks[bounds[k]] == STEP_BREAK:
                nxt = None
            first = bounds[k - 1] + 1 if k else 0
            words = [t for t in toks[first : bounds[k]] if t not in {",", "!", ":"}]
            content = any(not t[0].isalpha() and t != "=" for t in words)
            if content or any(t in NEGATIONS or t in VERDICTS for t in words):
                nxt = not content and (any(t in VERDICTS for t in words) or words[-1] in _BARE_NO)
        return result


def _negates(toks: list[str], i: int) -> bool:
    """A negation that is not about the number right after it (``not 7``); ``can't`` is ``can`` ``t``."""
    tok = toks[i]
    if tok == "t":
        return i > 0 and toks[i - 1] == "can"
    if tok not in NEGATIONS:
        return False
    return not (i + 1 < len(toks) and is_number(toks[i + 1]))


def _before(sorted_positions: list[int], at: int) -> int:
    """The last position before ``at``, or -1."""
    k = bisect_left(sorted_positions, at)
    return sorted_positions[k - 1] if k else -1


def _after(sorted_positions: list[int], at: int, default: int) -> int:
    """The first position at or after ``at``, or ``default``."""
    k = bisect_left(sorted_positions, at)
    return sorted_positions[k] if k < len(sorted_positions) else default


def _first_in(sorted_positions: list[int], start: int, end: int) -> int | None:
    """The first position in ``[start, end)``."""
    k = bisect_left(sorted_positions, start)
    return sorted_positions[k] if k < len(sorted_positions) and sorted_positions[k] < end else None
