"""Whether a key-step match is asserted: a statement the step negates, doubts, asks, quotes, supposes without
confirming, refutes or rejects states nothing.

Read from the step stream's tokens (:mod:`.text`: ``is`` is ``=``, ``isn't`` is ``isn``), in one pass, so a
match costs a few lookups. The stances are the answer reader's (:mod:`.vocabulary`: negated, uncertain, a
question, conditional), read over a statement's scope:

- **negated before**: a negation in its clause before it (``It is not true that AB = 6``);
- **refuted after**: a verdict after it in its clause, or a negation of its truth (``is not true``, ``does not
  hold``, ``cannot be``: :data:`.vocabulary.TRUTH`), there or in a ``which``/``this`` clause that follows
  (``AB = 6 is wrong``, ``AB = 6, which is false``); a negation of something else leaves it stated
  (``AB = 6 is not given``, ``AB = 6, which is not a coincidence``);
- **doubted**: a doubt in its clause (``Maybe AB = 6``, ``I guess BC = 8``, ``AB = 6 probably``), or in a clause right
  after it that opens with one or holds only words (``AB = 6, maybe 7``, ``AB = 6, but I am not sure``);
- **asked**: its sentence is a question and it stands in the asked part (``Is AB = 6?``, ``AB = 6?``, ``Could the
  Pythagorean theorem apply?``, ``AB = 6, right?``; ``Given AB = 6, what is AC?`` asks only about AC), or it
  follows ``whether``;
  unless the next sentence of its step answers ``yes`` (``AB = 6? Yes.``);
- **quoted**: it stands inside quotes in its sentence (``The key steps are 'AB = 6', 'BC = 8'``);
- **supposed**: a supposition opens the condition a statement (not a method name) stands in (``If AB = 6, then
  …``, ``Suppose AB = 6.``), and its step rejects it (``… a contradiction``: **a rejected hypothesis**) or neither
  it nor the next step confirms it (``✓``, ``checks``, ``holds``, ``true`` after the condition:
  :data:`.vocabulary.CONFIRMATION`);
- **answered no**: the next sentence of its step that is not filler is a bare verdict: no numbers or symbols,
  and a verdict word or a final ``no`` (``AB = 6? No.``, ``AB = 6. That is wrong.``).

A statement said both ways is credited where it is asserted: ``Is AB = 6? Yes: AB = 6 by the figure.`` credits the
second. A negation right before a number negates that number only (``AB = 6, not 7`` asserts ``AB = 6``), and a
clause ends at ``,``, ``;``, ``and``, ``so``, ``but`` …, so a refuted candidate does not take a later
conclusion with it (``If AC = 11 the perimeter is 31, not 32, so AC = 12``).
"""

from __future__ import annotations

from bisect import bisect_left

from .text import STEP_BREAK, is_number
from .vocabulary import (
    CONDITIONAL,
    CONFIRMATION,
    INDIRECT_QUESTION,
    NEGATION,
    NEGATION_TEXT,
    QUESTION,
    TRUTH,
    UNCERTAIN,
    UNCERTAIN_PHRASES,
)

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
HYPOTHESES = SUPPOSITIONS - {"say", "guess"}
"""Suppositions that leave a statement open until the step confirms it (``say`` also reports: ``we can say that``;
``guess`` is a doubt)."""
DOUBT_PHRASES = frozenset(tuple(p.split()) for p in UNCERTAIN_PHRASES)
"""The answer reader's doubts of two words (``could be``, ``may be``, ``not sure``: a negation after a statement
refutes it only with a truth word, so ``AB = 6 (I'm not sure)`` is read as the doubt it is)."""
_DOUBT_HEADS = frozenset(head for head, *_ in DOUBT_PHRASES)
QUOTE = '"'
"""Quotes of every kind, as :func:`.text.tokens` writes them."""
_CONCLUSIONS = frozenset("so thus hence therefore but".split())
"""A question after one of these asks nothing about what comes before it (``AB = 6, so is BC = 8?``)."""
_QUESTION_OPENERS = frozenset("= are does do did could can would should will has have must might may".split())
"""A clause opening with one of these asks its sentence as a whole (``Is AB = 6, BC = 8?``; ``is`` reads ``=``)."""
_CLAUSE_STARTS = frozenset({",", ";", ":"})
_TAG_WORDS = 4
_TAGS = TRUTH | NEGATIONS | frozenset({"t", "=", "that", "this"})
"""A last clause of these words asks about what comes before it (``AB = 6, right?``, ``…, isn't it?``, ``…, is that
correct?``)."""
_REFERRING = frozenset({"which", "this", "that", "it"})
"""A clause opening with one of these speaks of the clause before it (``AB = 6, which is wrong``)."""
CLAUSE_BREAKS = frozenset(
    {",", ";", ":", ".", "?", "!", STEP_BREAK}
    | set("so thus hence therefore then and but since because however while whereas".split())
)
_SENTENCE_BREAKS = frozenset({".", ";", "?", "!", STEP_BREAK})
_INNER_BREAKS = CLAUSE_BREAKS - _SENTENCE_BREAKS
_MODALS = frozenset({"might", "could", "may"})
_BARE_NO = frozenset({"no", "nope"})
"""A sentence without numbers or symbols that ends with one of these, or holds a verdict, is a bare verdict on the
sentence before it (``No.``, ``That is wrong.``); words before it (``Hmm, no.``) change nothing."""


_TRIGGERS = NEGATIONS | VERDICTS | UNCERTAIN | _DOUBT_HEADS | HYPOTHESES | INDIRECT_QUESTION | {"t", QUESTION, QUOTE}
"""Without one of these a stream can deny nothing."""


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
        self.hypotheses = [i for i, t in enumerate(toks) if t in HYPOTHESES]
        self.condition_ends = [i for i, t in enumerate(toks) if t in CLAUSE_BREAKS and t != "and"]
        self.doubts = [i for i, t in enumerate(toks) if t in UNCERTAIN or _doubt_phrase(toks, i)]
        self.own_doubts = [i for i in self.doubts if toks[i] not in _MODALS]
        """Doubts a remark after a statement casts on it (``…, but I am not sure``); a modal there is about something
        else (``AC = 10, as we might expect``)."""
        self.asking = [i for i, t in enumerate(toks) if t in INDIRECT_QUESTION]
        self.conclusions = [i for i, t in enumerate(toks) if t in _CONCLUSIONS or t in _SENTENCE_BREAKS]
        self.clause_starts = [i for i, t in enumerate(toks) if t in _CLAUSE_STARTS]
        self.question_opens = [
            i
            for i, t in enumerate(toks)
            if t in _QUESTION_OPENERS and (i == 0 or toks[i - 1] in _CLAUSE_STARTS or toks[i - 1] in _SENTENCE_BREAKS)
        ]
        self.quotes = [i for i, t in enumerate(toks) if t == QUOTE]
        self.symbols = [0] * (len(toks) + 1)
        """Prefix counts of the tokens that are neither words nor ``=``."""
        for i, t in enumerate(toks):
            self.symbols[i + 1] = self.symbols[i] + (not t[0].isalpha() and t != "=")
        self.truths = [i for i, t in enumerate(toks) if t in TRUTH or t in VERDICTS]
        self.words = [i for i, t in enumerate(toks) if t not in NEGATIONS and t not in {"t", "="}]
        """Positions of what a negation can be about (not another negation, not ``is``)."""
        self.confirmations = [i for i, t in enumerate(toks) if t in CONFIRMATION and not self._negated_clause(i)]
        self.answer_after = self._answers_after()

    def why_not(self, start: int, end: int) -> str | None:
        """Why the match ``[start, end)`` is not asserted, in plain words (``negated (not)``, ``refuted (wrong)``,
        ``doubted (maybe)``, ``asked (?)``, ``quoted``, ``a rejected hypothesis (suppose … false)``, ``a hypothesis
        never confirmed (if)``, ``answered no``), or None when it is."""
        toks = self.toks
        clause_start = _before(self.clause_breaks, start) + 1
        clause_end = _after(self.clause_breaks, end, len(toks))
        if (i := _first_in(self.refuting, clause_start, start)) is not None:
            return f"negated ({toks[i]})"
        if (i := self._denial(end, clause_end)) is not None:
            return f"refuted ({toks[i]})"
        if clause_end + 1 < len(toks) and toks[clause_end] not in _SENTENCE_BREAKS:
            following = clause_end + 1
            after = _after(self.clause_breaks, following, len(toks))
            if toks[following] in _REFERRING and (i := self._denial(following, after)) is not None:
                return f"refuted ({toks[i]})"
            while following < len(toks) - 1 and toks[following] in _INNER_BREAKS:
                following += 1
            after = _after(self.clause_breaks, following, len(toks))
            remark = self.symbols[after] == self.symbols[following]
            """The clause holds only words (``but I am not sure``), not another statement (``maybe 7``)."""
            if toks[following] in _REFERRING or toks[following] in UNCERTAIN:
                if (i := _first_in(self.doubts, following, after)) is not None:
                    return f"doubted ({self._doubt(i)})"
            if remark and (i := _first_in(self.own_doubts, following, after)) is not None:
                return f"doubted ({self._doubt(i)})"
        if (i := _first_in(self.doubts, clause_start, clause_end)) is not None:
            return f"doubted ({self._doubt(i)})"
        step_end = _after(self.step_breaks, end, len(toks))
        supposed = _first_in(self.suppositions, clause_start, start)
        if supposed is not None and (i := _first_in(self.verdicts, end, step_end)) is not None:
            return f"a rejected hypothesis ({toks[supposed]} … {toks[i]})"
        sentence = bisect_left(self.sentence_breaks, end)
        if self.answer_after[sentence] == "no":
            return "answered no"
        if (asked := self._asked(start, end)) is not None and self.answer_after[sentence] != "yes":
            return f"asked ({asked})"
        if self._quoted(start, end):
            return "quoted, not stated"
        condition = _before(self.condition_ends, start) + 1
        named = all(t[0].isalpha() for t in toks[start:end])
        """A method name is tried, not supposed (``Let's try the Pythagorean theorem: …``): its computation decides."""
        if not named and (h := _first_in(self.hypotheses, condition, start)) is not None:
            condition_end = _after(self.condition_ends, end, len(toks))
            next_step_end = _after(self.step_breaks, step_end + 1, len(toks))
            if _first_in(self.confirmations, condition_end, next_step_end) is None:
                return f"a hypothesis never confirmed ({toks[h]})"
        return None

    def _doubt(self, i: int) -> str:
        """The doubt at ``i`` as written (``maybe``, ``not sure``)."""
        return " ".join(self.toks[i : i + 2]) if _doubt_phrase(self.toks, i) else self.toks[i]

    def _denial(self, start: int, end: int) -> int | None:
        """The first word in ``[start, end)`` that denies what comes before it: a verdict, or a negation of its truth
        (after it in the clause a :data:`.vocabulary.TRUTH` word, or nothing but negations). A few binary searches,
        however many negations the clause holds."""
        first = _first_in(self.refuting, start, end)
        if first is None:
            return None
        if (i := _first_in(self.verdicts, start, end)) is not None:
            return min(i, first) if _first_in(self.truths, first + 1, end) is not None else i
        if _first_in(self.truths, first + 1, end) is not None:
            return first
        last_word = _before(self.words, end)
        return _first_in(self.refuting, max(first, last_word + 1), end)

    def _asked(self, start: int, end: int) -> str | None:
        """``?`` when the match stands in the asked part of a question (nothing but words between it and the ``?``,
        a question opening before it: ``Is AB = 6, BC = 8?``, or a tag after it: ``AB = 6, right?``), ``whether``
        when that word opens its clause (``and`` joins clauses it asks: ``whether AB = 6 and BC = 8``)."""
        toks = self.toks
        opened = _before(self.conclusions, start) + 1
        condition = max(opened, _before(self.condition_ends, start) + 1)
        if (i := _first_in(self.asking, condition, start)) is not None:
            return toks[i]
        sentence_end = _after(self.sentence_breaks, end, len(toks))
        if sentence_end == len(toks) or toks[sentence_end] != QUESTION:
            return None
        if _first_in(self.conclusions, end, sentence_end) is not None:
            return None
        if _first_in(self.clause_starts, end, sentence_end) is None or _first_in(self.question_opens, opened, start):
            return QUESTION
        tag = _before(self.clause_starts, sentence_end) + 1
        if end < tag and sentence_end - tag <= _TAG_WORDS and all(t in _TAGS for t in toks[tag:sentence_end]):
            return QUESTION
        return None

    def _quoted(self, start: int, end: int) -> bool:
        """Inside a pair of quotes in its sentence: an odd number of quotes before it, one after it."""
        sentence_start = _before(self.sentence_breaks, start) + 1
        sentence_end = _after(self.sentence_breaks, end, len(self.toks))
        opened = bisect_left(self.quotes, start) - bisect_left(self.quotes, sentence_start)
        return opened % 2 == 1 and _first_in(self.quotes, end, sentence_end) is not None

    def _negated_clause(self, i: int) -> bool:
        """Whether the clause of position ``i`` holds a negation or verdict (``That is not true.``)."""
        return (
            _first_in(self.refuting, _before(self.clause_breaks, i) + 1, _after(self.clause_breaks, i, len(self.toks)))
            is not None
        )

    def _answers_after(self) -> list[str | None]:
        """Per sentence (index into the sentence breaks, the last one open), what the next sentence of its step that
        is not neutral (no numbers or symbols, no negation, verdict or confirmation: filler) answers: ``no`` for a
        bare verdict, ``yes`` for a bare confirmation, else None. One backward pass."""
        toks = self.toks
        bounds = [*self.sentence_breaks, len(toks)]
        result: list[str | None] = [None] * len(bounds)
        nxt: str | None = None
        """What the nearest non-neutral sentence after the current one answers."""
        for k in range(len(bounds) - 1, -1, -1):
            open_end = bounds[k] < len(toks) and toks[bounds[k]] != STEP_BREAK
            result[k] = nxt if open_end else None
            if bounds[k] < len(toks) and toks[bounds[k]] == STEP_BREAK:
                nxt = None
            first = bounds[k - 1] + 1 if k else 0
            words = [t for t in toks[first : bounds[k]] if t not in {",", "!", ":"}]
            content = any(not t[0].isalpha() and t != "=" and t not in CONFIRMATION for t in words)
            denies = any(t in NEGATIONS or t in VERDICTS for t in words)
            if content or denies or any(t in CONFIRMATION for t in words):
                if content:
                    nxt = None
                elif any(t in VERDICTS for t in words) or words[-1] in _BARE_NO:
                    nxt = "no"
                else:
                    nxt = None if denies else "yes"
        return result


def _doubt_phrase(toks: list[str], i: int) -> bool:
    """``could be``, ``may be``: the answer reader's doubts of two words, starting at ``i``."""
    return toks[i] in _DOUBT_HEADS and i + 1 < len(toks) and (toks[i], toks[i + 1]) in DOUBT_PHRASES


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
