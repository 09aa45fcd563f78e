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

from bisect import bisect_left, bisect_right
from typing import NamedTuple

from .stance_index import Index
from .stance_words import (
    BARE_NO,
    BARE_VERDICT_WORDS,
    CANCELLABLE,
    CANCELLING,
    CHECKABLE,
    CLAUSE_STARTS,
    COLLECTIVE,
    CONCLUSIONS,
    CONSEQUENT_TAKING,
    DISOWNING,
    DISOWNING_MARKS,
    HYPOTHESES,
    INNER_BREAKS,
    LABELLING,
    LIST_SEPARATORS,
    MODALS,
    NEGATIONS,
    NOT_CONTINUING,
    REFERRING,
    SENTENCE_BREAKS,
    TAG_WORDS,
    TAGS,
    TRIGGERS,
    VERDICTS,
    VERIFYING,
    checks_done,
    doubt_phrase,
    doubts_said,
    negates,
    verdict_stands,
)
from .text import STEP_BREAK
from .vocabulary import CONFIRMATION, QUESTION, SECOND_THOUGHTS, UNCERTAIN

READ_WORDS = TRIGGERS - {"double", "nothing"}
"""The words :class:`Assertions` reads anywhere; ``double`` and ``nothing`` only where a doubt said in words
(:data:`.stance_words.DOUBTS_SAID`) can read them."""
DOUBLE_CHECK_OPENERS = ("but", "please", "should", "to")
"""What :data:`.vocabulary.DOUBT` reads before ``(be) double-check`` (``needs to``: ``to``)."""
CERTAINTIES = ("certain", "sure", "verified", "proven", "confirmed", "checked", "right", "correct", "true", "valid")
"""What :data:`.stance_words.STEP_DOUBTS` reads after ``nothing`` (``Nothing here is verified.``)."""


def may_refute(toks: list[str]) -> bool:
    """Whether the stream holds any word :class:`Assertions` reads: most steps hold none, and cost one set scan.
    ``double`` and ``nothing`` are read only in a doubt (``…, but double-check``, ``this should be double-checked``,
    ``Nothing here is verified.``; ``nothing`` also cancels one, which needs another), so a stream whose only such
    words are a ``double`` after none of :data:`DOUBLE_CHECK_OPENERS` (``Let me double-check``, ``the double angle``)
    or a ``nothing`` before none of :data:`CERTAINTIES` states what it states: no stance can be read in it."""
    if not READ_WORDS.isdisjoint(toks):
        return True
    last_certainty = max((i for i, t in enumerate(toks) if t.lower().startswith(CERTAINTIES)), default=-1)
    return any(
        (t == "double" and _double_check_site(toks, i)) or (t == "nothing" and i < last_certainty)
        for i, t in enumerate(toks)
    )


def _double_check_site(toks: list[str], i: int) -> bool:
    """Whether the ``double`` at ``i`` follows an opener of :data:`DOUBLE_CHECK_OPENERS`, directly or over ``be``."""
    before = toks[i - 1].lower() if i else ""
    if before == "be" and i >= 2:
        before = toks[i - 2].lower()
    return before.endswith(DOUBLE_CHECK_OPENERS)


class Assertions:
    """Per-stream index of negations, verdicts, clauses and sentences, built in one pass; :meth:`why_not` asks
    about one match in a few binary searches."""

    def __init__(self, toks: list[str]):
        self.toks = toks
        index = Index(toks)
        at = index.at
        self.refuting = at["refuting"]
        self.cancelling = [
            i for i, t in enumerate(toks) if t in CANCELLING and (t not in NEGATIONS or negates(toks, i))
        ]
        """Negations that turn a verdict or a doubt after them in their clause into confidence (``no mistake``)."""
        self.checks = checks_done(toks)
        self.verdicts = at["verdicts"]
        self.clause_breaks = at["clause_breaks"]
        self.sentence_breaks = at["sentence_breaks"]
        self.step_breaks = at["step_breaks"]
        self.suppositions = at["suppositions"]
        self.hypotheses = [i for i in self.suppositions if toks[i] in HYPOTHESES]
        self.consequent_taking = [i for i in self.suppositions if toks[i] in CONSEQUENT_TAKING]
        self.equals = at["equals"]
        self.condition_ends = at["condition_ends"]
        self.said = doubts_said(toks)
        """Where a doubt of :data:`.vocabulary.DOUBT` starts: its words and its length in tokens."""
        self.doubts = sorted({*at["doubts"], *self.said}) if self.said else at["doubts"]
        self.own_doubts = [i for i in self.doubts if toks[i] not in MODALS or i in self.said]
        """Doubts a remark after a statement casts on it (``…, but I am not sure``); a modal there is about something
        else (``AC = 10, as we might expect``)."""
        self.asking = at["asking"]
        self.second_thoughts = at["second_thoughts"]
        self.verifying = [i for i, t in enumerate(toks) if t in VERIFYING]
        self.numerals = [i for i, t in enumerate(toks) if t[0].isdigit()]
        self.conclusions = at["conclusions"]
        self.clause_starts = at["clause_starts"]
        self.question_opens = at["question_opens"]
        self.quotes = at["quotes"]
        self.symbols = index.symbols
        """Prefix counts of the tokens that are neither words nor ``=``."""
        self.truths = at["truths"]
        self.words = at["words"]
        """Positions of what a negation can be about (not another negation, not ``is``)."""
        self.confirmations = [i for i in at["confirmations"] if not self._negated_clause(i)]
        self.answer_after = self._answers_after()
        self._lists()
        self.labelling: dict[int, bool] = {}
        """Per label start, whether the label speaks of its list's statements (:meth:`_labels`)."""
        self.disowning = self._disowning()
        """Starts of the sentences that take back what their step said before them, with the words that do."""

    def why_not(self, start: int, end: int) -> str | None:
        """Why the match ``[start, end)`` is not asserted, in plain words (``negated (not)``, ``refuted (wrong)``,
        ``doubted (maybe)``, ``asked (?)``, ``quoted``, ``a rejected hypothesis (suppose … false)``, ``a hypothesis
        never confirmed (if)``, ``answered no``), or None when it is.

        A stance scopes over the whole list of statements it governs, not item by item: one before the list (or
        in a label before its ``:``) governs every item (``Suppose AB = 6, BC = 8 and AC = 10.``, ``Maybe: AB = 6,
        BC = 8.``), one after it the whole list (``AB = 6; BC = 8; AC = 10?``, ``…, though these may be wrong``)."""
        toks = self.toks
        clause_start = _before(self.clause_breaks, start) + 1
        clause_end = _after(self.clause_breaks, end, len(toks))
        scope = self._scope(start, clause_end)
        head, lead, list_end = scope.head, scope.lead, scope.end
        """The list's governing words are ``[lead, head)`` (``head`` is ``start`` for a statement heading its list);
        what follows it starts at ``list_end``."""
        if (i := _first_in(self.refuting, clause_start, start)) is not None or (
            (i := _first_in(self.refuting, scope.start, head)) is not None
        ):
            return f"negated ({toks[i]})"
        if (i := self._denial(end, clause_end)) is not None:
            return f"refuted ({toks[i]})"
        for after, adjacent in ((clause_end, True), (list_end, False)):
            if (after != clause_end or adjacent) and (why := self._remark(after, adjacent)) is not None:
                return why
        if (i := _first_in(self.second_thoughts, end, clause_end)) is not None and not self._checked_yes(i):
            return f"doubted ({toks[i]})"
        if (i := _first_in(self.doubts, clause_start, clause_end)) is not None or (
            (i := _first_in(self.doubts, lead, head)) is not None and (i >= scope.start or self._labels(i, scope.start))
        ):
            return f"doubted ({self._doubt(i)})"
        step_end = _after(self.step_breaks, end, len(toks))
        if (i := _first_in(self.disowning, end, step_end)) is not None:
            return self.disowning_why[i]
        supposed = _first_in(self.suppositions, clause_start, start)
        if supposed is None and not scope.consequent:
            supposed = _first_in(self.suppositions, lead, head)
        if supposed is not None and (i := _first_in(self.verdicts, end, step_end)) is not None:
            return f"a rejected hypothesis ({toks[supposed]} … {toks[i]})"
        sentence = bisect_left(self.sentence_breaks, list_end)
        if self.answer_after[sentence] == "no":
            return "answered no"
        asked = self._asked(start, end) or self._list_asked(scope)
        if asked is not None and self.answer_after[sentence] != "yes":
            return f"asked ({asked})"
        if self._quoted(start, end):
            return "quoted, not stated"
        return self._unconfirmed(start, end, scope, step_end)

    def _list_asked(self, scope: _Scope) -> str | None:
        """``whether`` before the list, or a ``?`` or a tag question right after it (``AB = 6; BC = 8?``)."""
        toks = self.toks
        if (i := _first_in(self.asking, scope.lead, scope.head)) is not None:
            return toks[i]
        if scope.end < len(toks) and (toks[scope.end] == QUESTION or self._tagged(scope.end)):
            return QUESTION
        return None

    def _unconfirmed(self, start: int, end: int, scope: _Scope, step_end: int) -> str | None:
        """``a hypothesis never confirmed``: a supposition opens the condition (or the list) the statement stands in,
        and no confirmation follows it in its step or the next. A method name is tried, not supposed (``Let's try
        the Pythagorean theorem: …``): its computation decides."""
        toks = self.toks
        if all(t[0].isalpha() for t in toks[start:end]):
            return None
        h = _first_in(self.hypotheses, _before(self.condition_ends, start) + 1, start)
        if h is None and not scope.consequent:
            h = _first_in(self.hypotheses, scope.lead, scope.head)
        if h is None:
            return None
        condition_end = max(_after(self.condition_ends, end, len(toks)), scope.end)
        next_step_end = _after(self.step_breaks, step_end + 1, len(toks))
        if _first_in(self.confirmations, condition_end, next_step_end) is None:
            return f"a hypothesis never confirmed ({toks[h]})"
        return None

    def _remark(self, after: int, adjacent: bool) -> str | None:
        """What the clause after position ``after`` (the clause or list a statement stands in) says of it: a
        ``which``/``this`` clause that denies it, a bare verdict (``AC = 10, no.``, ``AC = 10: incorrect.``), a second
        thought (``…, unless it is 11``, ``…, alternatively 11``), a clause of words that doubts it (``…, but I am
        not sure``), or, ``adjacent`` to the statement, a clause opening with a doubt (``AB = 6, maybe 7``)."""
        toks = self.toks
        if after + 1 >= len(toks) or toks[after] in SENTENCE_BREAKS:
            return None
        following = after + 1
        end = _after(self.clause_breaks, following, len(toks))
        if toks[following] in REFERRING and (i := self._denial(following, end)) is not None:
            return f"refuted ({toks[i]})"
        if 0 < end - following <= BARE_VERDICT_WORDS and (
            (toks[end - 1] in VERDICTS and _first_in(self.cancelling, following, end - 1) is None)
            or (toks[end - 1] in BARE_NO and not any(t in NEGATIONS and t not in BARE_NO for t in toks[following:end]))
        ):
            return f"refuted ({toks[end - 1]})"
        concluded = False
        """A clause after ``so``, ``thus`` … says what follows from the statement, not how sure it is (``AB = 6, so
        the first guess was wrong``)."""
        while following < len(toks) - 1 and toks[following] in INNER_BREAKS:
            concluded = concluded or (toks[following] in CONCLUSIONS and toks[following] != "but")
            following += 1
        end = _after(self.clause_breaks, following, len(toks))
        if toks[following] in SECOND_THOUGHTS and not self._checked_yes(following):
            return f"doubted ({toks[following]})"
        remark = self.symbols[end] == self.symbols[following]
        """The clause holds only words (``but I am not sure``), not another statement (``maybe 7``)."""
        if toks[following] in REFERRING or (adjacent and toks[following] in UNCERTAIN):
            if (i := _first_in(self.doubts, following, end)) is not None:
                return f"doubted ({self._doubt(i)})"
        if remark and not concluded and (i := _first_in(self.own_doubts, following, end)) is not None:
            return f"doubted ({self._doubt(i)})"
        return None

    def _checked_yes(self, i: int) -> bool:
        """Whether the second thought at ``i`` is a check the step answers yes (``…, but wait, let me verify: 36 + 64 =
        100. Yes.``, ``…, but wait: is the angle at B right? Yes.``): a ``wait``, then in its sentence a verification
        or a question without numbers (``is it 11?`` offers another value), no negation or verdict, no statement
        (``let me check: AC = 11``; arithmetic is a check), and the next sentence a bare yes. ``…, alternatively 11``
        and ``…, unless …`` offer something else: never answered."""
        toks = self.toks
        sentence_end = _after(self.sentence_breaks, i, len(toks))
        asked = sentence_end < len(toks) and toks[sentence_end] == QUESTION and not self._numeral_in(i, sentence_end)
        return (
            toks[i] in CHECKABLE
            and (asked or _first_in(self.verifying, i, sentence_end) is not None)
            and _first_in(self.refuting, i, sentence_end) is None
            and not any(
                toks[e - 1][0].isalpha()
                for e in self.equals[bisect_left(self.equals, i) : bisect_left(self.equals, sentence_end)]
            )
            and self.answer_after[bisect_left(self.sentence_breaks, i)] == "yes"
        )

    def _numeral_in(self, start: int, end: int) -> bool:
        """Whether a number stands in ``[start, end)``."""
        return _first_in(self.numerals, start, end) is not None

    def _lists(self) -> None:
        """Cut the stream into clauses and group them into lists: items (clauses that state something: an ``=``
        and a number or symbol) joined by ``,`` ``;`` ``and`` (after an ``and`` only another ``and`` goes on:
        ``Since AB = 6 and BC = 8, AC = 10`` is a list of two, then a clause), a clause opening a question of its
        own starting a new one; a clause of words before a list's ``:`` is its label (``Maybe: …``). One pass."""
        toks = self.toks
        bounds = [-1, *self.clause_breaks, len(toks)]
        spans = [(a + 1, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a + 1]
        self.clause_first = [a for a, _ in spans]
        symbol_at = [i for i in range(len(toks)) if self.symbols[i + 1] > self.symbols[i]]
        items = [self.symbols[b] > self.symbols[a] and _first_in(self.equals, a, b) is not None for a, b in spans]
        lists: list[list[int]] = []
        """Per list: its first clause, label start (or its first token), statement start, end, and whether an
        ``and`` joins it."""
        of: list[int] = []
        closed = False
        for k, (a, b) in enumerate(spans):
            gap = set(toks[spans[k - 1][1] : a]) if k else set()
            if (
                k
                and items[k]
                and items[k - 1]
                and gap <= LIST_SEPARATORS
                and (not closed or "and" in gap)
                and toks[a] not in NOT_CONTINUING
            ):
                closed = closed or "and" in gap
                lists[-1][3] = b
                lists[-1][4] = int(closed)
            else:
                closed = False
                label = self._label(a) if items[k] and ":" in gap else a
                symbol = _after(symbol_at, a, b)
                equals = _before(self.equals, symbol)
                lists.append([a, label, equals if equals >= a else a, b, 0, k])
            of.append(len(lists) - 1)
        self.clause_items = items
        self.clause_list = of
        self.lists = lists

    def _label(self, a: int) -> int:
        """Where the label before the ``:`` ahead of ``a`` starts: its sentence's start, when nothing but words lie
        between (``Maybe: …``, ``Not sure, but: …``); else ``a``."""
        toks = self.toks
        colon = a - 1
        while colon > 0 and toks[colon] == ";":
            colon -= 1
        if toks[colon] != ":":
            return a
        i = colon - 1
        while i >= 0 and (toks[i][0].isalpha() or toks[i] in {",", "=", ":"}):
            i -= 1
        return i + 1 if (i < 0 or toks[i] in SENTENCE_BREAKS) and i + 1 < colon else a

    def _scope(self, start: int, clause_end: int) -> _Scope:
        """The list the statement at ``start`` stands in (see :meth:`_lists`): its governing words are the head's
        before its statement (``Suppose``, ``It is not true that``, a label); none for the head's own statement,
        whose clause is read as before."""
        k = bisect_right(self.clause_first, start) - 1
        if k < 0 or not self.clause_items[k]:
            return _Scope(start, start, start, clause_end, False)
        first, label, statement, end, joined_by_and, head = self.lists[self.clause_list[k]]
        governed = start if k == head else statement
        toks = self.toks
        consequent = (
            k > head
            and end == self._clause_end(k)
            and not joined_by_and
            and (end >= len(toks) or toks[end] in SENTENCE_BREAKS)
            and _first_in(self.consequent_taking, label, governed) is not None
        )
        """The last item of a list a condition opens with commas alone, ending its sentence, is its consequent (``If
        AB = 6, AC = 10.``; not in ``If AB = 6, BC = 8, then …`` nor ``Assuming AB = 6, BC = 8, we go on.``)."""
        return _Scope(first, label, governed, end, consequent)

    def _labels(self, at: int, first: int) -> bool:
        """Whether the part of a label (up to ``first``) that holds the doubt at ``at`` speaks of the list's statements,
        so its doubt is theirs (from the ``,`` or ``:`` before it: ``Note: Maybe:``, ``Next, maybe:``):
        nothing but :data:`LABELLING` words and doubts (``Maybe:``, ``My guess:``, ``Perhaps these:``); one that names
        anything else doubts that (``Perhaps the easiest way is Pythagoras:``, ``Probably the key facts are these:``).
        """
        if at not in self.labelling:
            toks, j, about = self.toks, at, True
            while j > 0 and toks[j - 1] not in {":", ","} and toks[j - 1] not in SENTENCE_BREAKS:
                j -= 1
            while j < first and toks[j] != ":" and about:
                about = j in self.said or toks[j] in LABELLING
                j += self.said[j][1] if j in self.said else 1
            self.labelling[at] = about
        return self.labelling[at]

    def _clause_end(self, k: int) -> int:
        """Where clause ``k`` ends (the break after it)."""
        return _after(self.clause_breaks, self.clause_first[k], len(self.toks))

    def _disowning(self) -> list[int]:
        """Sentences that take back what their step said before them: words only, with a doubt (``I'm not confident
        in any of this.``, ``These may be wrong.``, ``Just a guess.``) or a verdict on all of it (``All of the above
        is wrong.``), and after it, in its clause, nothing but :data:`DISOWNING` words: one that names anything
        else (``I'm not sure this generalises.``) doubts that, not them. Words before its clause change nothing
        (``Looking at the figure, I'm not sure of any of this.``). Each sentence is read once: linear."""
        toks = self.toks
        self.disowning_why: dict[int, str] = {}
        bounds = [-1, *self.sentence_breaks, len(toks)]
        said_at = sorted(self.said)
        for a, b in zip(bounds, bounds[1:], strict=False):
            a += 1
            k = bisect_left(said_at, a)
            covered: set[int] = set()
            while k < len(said_at) and said_at[k] < b:
                covered.update(range(said_at[k], said_at[k] + self.said[said_at[k]][1]))
                k += 1
            if any(
                j not in covered and not toks[j][0].isalpha() and toks[j] not in DISOWNING_MARKS for j in range(a, b)
            ):
                continue
            doubt = self._live(self.doubts, a, b, covered)
            verdict = self._live(self.verdicts, a, b, covered)
            at = doubt if doubt is not None else verdict
            if at is None or (doubt is None and COLLECTIVE.isdisjoint(toks[a:b])):
                continue
            clause = max(a, _before(self.clause_starts, at) + 1)
            if all(j in covered or toks[j] in DISOWNING or toks[j] in DISOWNING_MARKS for j in range(clause, b)):
                self.disowning_why[a] = (
                    f"doubted ({self._doubt(doubt)})" if doubt is not None else f"refuted ({toks[at]})"
                )
        return sorted(self.disowning_why)

    def _live(self, positions: list[int], a: int, b: int, covered: set[int]) -> int | None:
        """The first of ``positions`` (doubts or verdicts) in the sentence ``[a, b)`` that still stands: no negation
        before it in its clause (``This is not a guess.``, ``None of the above is wrong.``; a modal or an adverb is
        no stance a negation turns: ``None of these may be right.``) and no check said done after it (``This might
        be off, but we double checked.``)."""
        for at in positions[bisect_left(positions, a) : bisect_left(positions, b)]:
            clause = max(a, _before(self.clause_starts, at) + 1)
            cancelled = self.cancelling[bisect_left(self.cancelling, clause) : bisect_left(self.cancelling, at)]
            cancellable = at in self.said or self.toks[at] in CANCELLABLE
            if (not cancellable or all(c in covered for c in cancelled)) and _first_in(self.checks, at, b) is None:
                return at
        return None

    def _doubt(self, i: int) -> str:
        """The doubt at ``i`` as written (``maybe``, ``not sure``, ``not confident``)."""
        if i in self.said:
            return self.said[i][0]
        return " ".join(self.toks[i : i + 2]) if doubt_phrase(self.toks, i) else self.toks[i]

    def _denial(self, start: int, end: int) -> int | None:
        """The first word in ``[start, end)`` that denies what comes before it: a verdict, or a negation of its truth
        (after it in the clause a :data:`.vocabulary.TRUTH` word, or nothing but negations). A few binary searches,
        however many negations the clause holds."""
        first = _first_in(self.refuting, start, end)
        if first is None:
            return None
        if (i := _first_in(self.verdicts, start, end)) is not None:
            if (c := _first_in(self.cancelling, start, i)) is not None and _first_in(self.truths, c + 1, end) == i:
                return None
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
        if end < tag and sentence_end - tag <= TAG_WORDS and all(t in TAGS for t in toks[tag:sentence_end]):
            return QUESTION
        return None

    def _tagged(self, after: int) -> bool:
        """Whether a tag question follows position ``after`` (``…, right?``, ``…, isn't it?``)."""
        toks = self.toks
        sentence_end = _after(self.sentence_breaks, after, len(toks))
        return (
            sentence_end < len(toks)
            and toks[sentence_end] == QUESTION
            and toks[after] in CLAUSE_STARTS
            and sentence_end - after - 1 <= TAG_WORDS
            and all(t in TAGS for t in toks[after + 1 : sentence_end])
        )

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
                elif verdict_stands(toks[first : bounds[k]]) or words[-1] in BARE_NO:
                    nxt = "no"
                else:
                    nxt = None if denies else "yes"
        return result


class _Scope(NamedTuple):
    """The list a statement stands in: it opens at ``start`` (its governing words from ``lead``, a label's start,
    to ``head``), and ends at ``end``; ``consequent``: the statement is the consequent of the condition it opens."""

    start: int
    lead: int
    head: int
    end: int
    consequent: bool


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
