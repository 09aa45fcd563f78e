"""The shapes of key-step gaming, read from the step stream: what a matched key step must not be part of.

Key-step credit is binary per group, so saying a key step more often or with more words around it can
never earn more; what a policy can still exploit is saying *several things* hoping one is right, naming
things without doing them, or saying things it does not assert. Five shapes are read here, each from the
stream's numbers, symbols, separators, key-step matches and the few words the rules read — never from how
many other words there are, so neutral filler words neither pay nor cost:

- **repeated**: a run of two or more key steps copied word for word after an earlier run (the words
  around them ignored), right after it in one sentence or with nothing new after it in its sentence;
  or the same key step (not a number or expression) twice in a row in one sentence. Every group in
  such a copy earns nothing.
- **enumerated**: one quantity (the left side of an equation, normalised, and every member of a short
  chain that only names something: ``p = AC = 9``) given three or more values that do not follow from
  each other, or walked through by one operation repeated (``x = 6 + 1 = 7``, ``x = 7 + 1 = 8``). None of
  its statements earns credit.
- **contradicted**: one quantity given two such values: the statements of the value given up earn
  nothing; the value the reasoning ends with is credited (a self-correction is reasoning, and a hedge
  gains nothing over stating the last value alone).
- **unused**: three or more method names (key-step phrases, or phrases with a method word such as
  ``theorem`` or ``law``) with no number or symbol between them, none in the sentence of the number
  or symbol that follows them (or none follows), or three or more in that sentence; and a key-step
  method name that no computation uses (``By Heron's formula, 1 = 1``).
- **not asserted**: a match its step negates, refutes or rejects (:mod:`.assertion`).

A later value *follows from* the current one when its equation chain shows the quantity in its middle
(``x = x + 2 = 5``), or the current value where the quantity is a single-letter variable or the value was
set by an expression (``x = 3 + 2 = 5`` after ``x = 3``): an update, not a conflict. ``AC = 9 + 1 = 10``
after ``AC = 9`` is not: a segment does not change by showing its old value.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from .assertion import Assertions, may_refute
from .stance_words import CLAUSE_BREAKS
from .text import STEP_BREAK, is_number

SENTENCE_BREAKS = frozenset({".", ";", "?", "!", STEP_BREAK})
_PUNCTUATION = frozenset({",", ":", "'", '"', "`"}) | SENTENCE_BREAKS
_LIST_SEPARATORS = frozenset({",", ":", "and", "or"}) | SENTENCE_BREAKS
_VALUE_LIST_SEPARATORS = frozenset({",", "or", "and"})
_GENERIC = frozenset(
    {
        "it",
        "this",
        "that",
        "these",
        "those",
        "they",
        "there",
        "here",
        "what",
        "its",
        "one",
        "each",
        "result",
        "value",
        "answer",
        "sum",
        "total",
        "difference",
        "product",
        "quotient",
        "number",
        "amount",
        "count",
        "ratio",
    }
)
"""Words that stand for whatever was just computed, not for one quantity: never a quantity of their own."""
_LINKS = frozenset({"+", "-", "*", "/", "^", "of"})
"""Tokens that bind the terms on their sides into one quantity (``area of rectangle``, ``x - 3``)."""
FUNCTION_NAMES = frozenset({"sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp"})
"""Functions written as words (``sin a``, ``sqrt 2``): one list for the gaming shapes and the data tools' extractor
(:mod:`service.data.extract`)."""
_FUNCTIONS = FUNCTION_NAMES | {"abs", "angle", "arc"}
"""Tokens that bind the term after them (``sin a``, ``∠C``)."""
_BINDS_NEXT = _LINKS | _FUNCTIONS
NOUN_CHARS = 4
"""A quantity whose last word is this long is named by words (``area``), not by a label (``AC``, ``x``)."""
_DISCOURSE = frozenset(
    {
        "now",
        "so",
        "then",
        "thus",
        "hence",
        "therefore",
        "indeed",
        "clearly",
        "obviously",
        "next",
        "note",
        "here",
        "also",
        "finally",
        "again",
        "similarly",
        "okay",
        "hmm",
        "well",
        "we",
        "get",
        "find",
        "have",
        "know",
        "that",
        "see",
        "by",
        "from",
        "with",
        "using",
        "since",
        "because",
    }
)
"""Words that lead into a statement without naming its quantity."""
_UNIT_SYMBOLS = frozenset({"%", "^", "/"})
_NOT_UNITS = _FUNCTIONS | {"pi", "e", "i"}
_LABEL_CHARS = 2
_SHORT_UNITS = frozenset("m cm mm km g kg mg s ms h hr l ml in ft yd mi lb oz hz pa kw kj ha".split())
"""Units of up to two letters; any other word that short after a number is a label it multiplies (``2DE``,
``2x``), so the member is an expression, not a value."""
"""Words after a number that make it an expression (``2 pi r``, ``3 sqrt 2``), not a value with its unit."""
RELATION_WORDS = frozenset(
    {
        "less",
        "more",
        "fewer",
        "greater",
        "smaller",
        "larger",
        "than",
        "times",
        "of",
        "plus",
        "minus",
        "over",
        "divided",
        "multiplied",
        "squared",
        "cubed",
        "percent",
    }
)
"""Words that make ``x is 2 ...`` a relation, not a value (``x is 2 less than y``)."""
METHOD_HEADS = frozenset("theorem law rule formula principle property identity lemma postulate".split())
"""Nouns that make a phrase a method's name (``Heron's formula``, ``law of sines``): one list for the gaming shapes and
the data tools' extractor (:mod:`service.data.extract`)."""
METHOD_WORDS = METHOD_HEADS | frozenset("theorems laws properties similar similarity congruent congruence".split())
MIN_ENUMERATED = 3
MIN_UNUSED_NAMES = 3
REPEAT_WINDOW = 8
"""How far apart (in matches, counting overlapping ones of other groups) a repeat in a row is looked for."""
MAX_RELABELLED = 6
"""Chains up to this many members give their value to every member that names something (``p = AC = 9``);
longer ones to their left side only, so a hostile chain of thousands of labels stays linear."""
MAX_LABEL_TOKENS = 3
"""A member between a chain's ends names a quantity in at most this many tokens (``AC``, ``angle C``)."""
MAX_COPY = 64
"""Longest copied run compared unit by unit (a reference has a handful of key steps); keeps hostile text linear."""


@dataclass(slots=True)
class Shapes:
    repeated: set[int]
    """Groups that earn nothing anywhere (a copy of theirs was found)."""
    blocked: dict[int, tuple]
    """Token index -> why a match covering it earns nothing: ``("enumerated", (start, end), n)``,
    ``("contradicted", step)`` or ``("unused",)``."""


class _Unit(NamedTuple):
    """Overlapping matches merged into one place of the stream."""

    start: int
    end: int
    key: tuple
    """The ``(group, text)`` of each match, sorted: what a copy must repeat."""
    groups: frozenset


class _Layout:
    """What lies between places of the stream, read by scanning only there: the shapes ask about the
    stretches between key-step matches and the rest of a sentence, never the whole stream."""

    def __init__(self, toks: list[str]):
        self.toks = toks

    def nothing_between(self, a: int, b: int) -> bool:
        """Only words and punctuation in ``[a, b)``, a stretch outside every match."""
        for tok in self.toks[a:b]:
            if not tok[0].isalpha() and tok not in _PUNCTUATION:
                return False
        return True

    def same_sentence(self, a: int, b: int) -> bool:
        return SENTENCE_BREAKS.isdisjoint(self.toks[a:b])

    def ends_sentence(self, end: int, limit: int) -> bool:
        """Nothing but words and punctuation from ``end`` to the end of its sentence (``limit``: where the
        next match starts)."""
        toks = self.toks
        for i in range(end, len(toks)):
            if toks[i] in SENTENCE_BREAKS:
                return True
            if i >= limit or not (toks[i][0].isalpha() or toks[i] in _PUNCTUATION):
                return False
        return True


def gaming_shapes(
    toks: list[str], step_of: list[int], spans: list[tuple[int, int, int]], names: list[tuple[int, int]], clauses
) -> Shapes:
    """``spans``: every key-step match as ``(start, end, group)``, sorted; ``names``: the spans of those
    that name something (phrases of words); ``clauses``: the stream's equation chains
    (:meth:`.keysteps.StepStream.clauses`)."""
    blocked: dict[int, tuple] = {}
    _not_asserted(toks, spans, blocked)
    _quantity_conflicts(toks, step_of, clauses, blocked)
    _unused_names(toks, names, blocked)
    _methods_without_computation(toks, names, clauses, blocked)
    repeated = _repeated(_units(toks, spans), _Layout(toks)) if _may_repeat(toks, spans) else set()
    return Shapes(repeated, blocked)


# ---------------------------------------------------------------- repetition


def _may_repeat(toks: list[str], spans: list[tuple[int, int, int]]) -> bool:
    """A cheap test before the real one: a copy repeats two neighbouring matches, and a repeat in a row
    has the same match again within the next few."""
    last_seen: dict[tuple, int] = {}
    pairs = set()
    previous = None
    for k, (start, end, group) in enumerate(spans):
        key = (group, end - start, toks[start], toks[end - 1])
        numeric = _numeric(toks[start:end])
        if (not numeric and k - last_seen.get(key, -REPEAT_WINDOW) < REPEAT_WINDOW) or (previous, key) in pairs:
            return True
        last_seen[key] = k
        if previous is not None and previous[0] != group:
            pairs.add((previous, key))
        previous = key
    return False


def _units(toks: list[str], spans: list[tuple[int, int, int]]) -> list[_Unit]:
    """Overlapping matches merged, in stream order."""
    units: list[_Unit] = []
    last_end = -1
    for start, end, group in spans:
        key = (group, " ".join(toks[start:end]))
        if start < last_end:
            last = units[-1]
            last_end = max(last_end, end)
            units[-1] = _Unit(last.start, last_end, tuple(sorted({*last.key, key})), last.groups | {group})
        else:
            last_end = end
            units.append(_Unit(start, end, (key,), frozenset((group,))))
    return units


def _repeated(units: list[_Unit], layout: _Layout) -> set[int]:
    repeated: set[int] = set()
    adjacent = [layout.nothing_between(units[k].end, units[k + 1].start) for k in range(len(units) - 1)]
    last: dict[tuple[int, str], int] = {}
    for u, unit in enumerate(units):
        for key in unit.key:
            in_a_row = last.get(key) == u - 1 and adjacent[u - 1]
            if in_a_row and not _numeric(key[1].split()) and layout.same_sentence(units[u - 1].start, unit.start):
                repeated.add(key[0])
            last[key] = u
    first_pair: dict[tuple, int] = {}
    j = 0
    while j < len(adjacent):
        if not adjacent[j]:
            j += 1
            continue
        i = first_pair.setdefault((units[j].key, units[j + 1].key), j)
        length = _copy_length(units, adjacent, i, j) if i + 1 < j else 0
        if length:
            groups = frozenset().union(*(u.groups for u in units[j : j + length]))
            last_unit = j + length - 1
            end = units[last_unit]
            back_to_back = i + length == j and layout.same_sentence(units[i].start, end.start)
            limit = units[last_unit + 1].start if last_unit + 1 < len(units) else len(layout.toks)
            if len(groups) >= 2 and (back_to_back or layout.ends_sentence(end.end, limit)):
                repeated |= groups
        j += length or 1
    return repeated


def _numeric(words: list[str]) -> bool:
    """A number, with a unit or in an expression, but no equation: computations reuse those, so saying one
    twice in a row is no repetition (``180° − 84°`` after ``sum to 180°``)."""
    return is_number(words[0]) and "=" not in words


def _copy_length(units, adjacent, i: int, j: int) -> int:
    """How many units from ``j`` on repeat, adjacent and in order, the units from ``i`` on (before ``j``)."""
    length = 2
    while (
        length < MAX_COPY
        and j + length < len(units)
        and i + length < j
        and adjacent[j + length - 1]
        and adjacent[i + length - 1]
        and units[i + length].key == units[j + length].key
    ):
        length += 1
    return length


# ---------------------------------------------------------------- enumeration and contradiction


@dataclass(slots=True)
class _Statement:
    quantity: tuple[str, ...]
    core: tuple[int, int]
    values: list[str]
    middle: list[tuple[int, int]]
    """The chain's members between the quantity and the value (``9 + 1`` in ``AC = 9 + 1 = 10``)."""
    span: tuple[int, int]
    step: int
    labelled: bool
    """The quantity is all its side says besides words (``AC``, ``the hypotenuse AC``), not the last term of
    an expression (``m∠4 + m∠5``)."""

    def update(self, toks: list[str], current: str, set_by_label: bool) -> tuple[str, ...] | None:
        """The operation that makes this value from the current one (``("+", "1")``), or None when it does
        not follow from it. An update shows the quantity itself between its ends (``x = x + 5 = 9``); a
        single-letter variable may show the current value instead (``n = 3 + 2 = 5``), and so may a value that an
        expression set (``57° + m∠5 = 180°`` then ``m∠5 = 180° - 57°``: ``set_by_label`` false); a label or a
        name may not:
        ``AC = 9 + 1 = 10`` after ``AC = 9`` is another value of one segment, not an update."""
        middle = [t for x, y in self.middle for t in toks[x:y]]
        named = [t for t in self.quantity if t[0].isalpha()]
        if named and all(t in middle for t in named):
            shown: list[str] = named
        elif (not set_by_label or (len(self.quantity) == 1 and len(self.quantity[0]) == 1)) and current in middle:
            shown = [current]
        else:
            return None
        for t in shown:
            middle.remove(t)
        return tuple(middle)


def _core(toks: list[str], start: int, end: int) -> int:
    """Start of the quantity at the end of ``toks[start:end]``: the last term, with what operators, ``of``,
    functions and numbers bind to it (``hypotenuse AC`` -> ``AC``, ``2x``, ``sin 30°``). A quantity named by
    a word keeps the words before it (``area of first rectangle``, ``square area``), up to a discourse
    word (``now area`` -> ``area``)."""
    i = end - 1
    while i > start and (toks[i - 1] in _BINDS_NEXT or toks[i] in _LINKS or is_number(toks[i - 1])):
        i -= 1
    if len(toks[end - 1]) >= NOUN_CHARS and toks[end - 1][0].isalpha():
        while i > start and toks[i - 1][0].isalpha() and toks[i - 1] not in _DISCOURSE:
            i -= 1
    return i


def _value(toks: list[str], start: int, end: int) -> str | None:
    """The plain value a member states (``10``, ``10 cm``, ``25 %``, ``60 cm^2``), or None (an expression)."""
    if start >= end or not is_number(toks[start]):
        return None
    for k in range(start + 1, end):
        tok = toks[k]
        word = tok[0].isalpha() and tok not in _NOT_UNITS and (len(tok) > _LABEL_CHARS or tok in _SHORT_UNITS)
        unit = word or tok in _UNIT_SYMBOLS or (is_number(tok) and toks[k - 1] == "^")
        if tok in RELATION_WORDS or not unit:
            return None
    return toks[start] + "%" if start + 1 < end and toks[start + 1] == "%" else toks[start]


def _listed_value(toks: list[str], at: int) -> int | None:
    """End of one more value listed after a statement's (``AC = 11, 12 or 13 cm``), or None."""
    if at + 1 >= len(toks) or toks[at] not in _VALUE_LIST_SEPARATORS or not is_number(toks[at + 1]):
        return None
    end = at + 2
    while end < len(toks) and toks[end][0].isalpha() and toks[end] not in _VALUE_LIST_SEPARATORS:
        end += 1
    return end if end == len(toks) or toks[end] in _VALUE_LIST_SEPARATORS or toks[end] in SENTENCE_BREAKS else None


def _statements(toks: list[str], step_of: list[int], clauses) -> dict[tuple[str, ...], list[_Statement]]:
    """The statements of each quantity stated more than once (or with several values at once). A chain states
    its value for its left side and for every member between that only names something: ``p = AC = 9`` is a
    value of ``AC`` too, so fresh labels do not make fresh quantities."""
    found: dict[tuple[str, ...], list[tuple]] = {}
    for parts in clauses:
        (a, b), (c, d) = parts[0], parts[-1]
        value = _value(toks, c, d)
        if value is None or a >= b:
            continue
        values = [value]
        e = d
        while (after := _listed_value(toks, e)) is not None:
            values.append(toks[e + 1])
            e = after
        members = 1 if len(parts) > MAX_RELABELLED else len(parts) - 1
        for m in range(members):
            x, y = parts[m]
            if m and (y - x > MAX_LABEL_TOKENS or not all(t[0].isalpha() for t in toks[x:y])):
                continue
            core = _core(toks, x, y)
            if m and core != x:
                continue
            quantity = tuple(toks[core:y])
            named = any(t[0].isalpha() and t not in _LINKS for t in quantity)
            if not named or (len(quantity) == 1 and quantity[0] in _GENERIC):
                continue
            labelled = all(t[0].isalpha() for t in toks[x:core])
            found.setdefault(quantity, []).append((core, y, values, parts[m + 1 : -1], a, e, labelled))
    return {
        quantity: [
            _Statement(quantity, (core, b), values, middle, (a, e), step_of[a], labelled)
            for core, b, values, middle, a, e, labelled in stated
        ]
        for quantity, stated in found.items()
        if len(stated) > 1 or len(stated[0][2]) > 1
    }


def _quantity_conflicts(toks, step_of, clauses, blocked: dict[int, tuple]) -> None:
    for statements in _statements(toks, step_of, clauses).values():
        current = None
        involved: set[str] = set()
        given_up: dict[str, int] = {}
        """value -> the step where a different value replaced it."""
        last_step: tuple[tuple[str, ...], str] | None = None
        """The last update's operation and the value it started from."""
        set_by_label = True
        for st in statements:
            for k, value in enumerate(st.values):
                if current is None or value == current:
                    current, set_by_label = value, st.labelled
                    continue
                operation = st.update(toks, current, set_by_label) if k == 0 else None
                set_by_label = st.labelled
                if operation is not None:
                    if last_step is not None and last_step[0] == operation:
                        involved |= {last_step[1], current, value}
                    last_step = (operation, current)
                    current = value
                    continue
                last_step = None
                involved |= {current, value}
                given_up.setdefault(current, st.step)
                current = value
        if not involved:
            continue
        contradicted = given_up.keys() - {current}
        for st in statements:
            if len(involved) >= MIN_ENUMERATED and involved.intersection(st.values):
                _block(blocked, st.span, ("enumerated", st.core, len(involved)))
            elif hit := contradicted.intersection(st.values):
                _block(blocked, st.span, ("contradicted", given_up[min(hit)]))


def _block(blocked: dict[int, tuple], span: tuple[int, int], why: tuple) -> None:
    for i in range(*span):
        blocked.setdefault(i, why)


# ---------------------------------------------------------------- names listed without use


def _unused_names(toks: list[str], names: list[tuple[int, int]], blocked: dict[int, tuple]) -> None:
    """Names gathered until a number or symbol: those in its sentence are used by it; three or more
    before that sentence are a dump. A name is a key-step phrase, or a method word, in a segment (text
    between list separators) of words only; other words, and sentences of them, are neutral."""
    places = {start: end for start, end in sorted(names, key=lambda span: span[1])}
    if not places:
        return
    methods = {i: i + 1 for i, t in enumerate(toks) if t in METHOD_WORDS}
    if len(places) + len(methods) < MIN_UNUSED_NAMES:
        return
    breaks = [i for i, t in enumerate(toks) if t in SENTENCE_BREAKS]
    segments = _Segments(toks)
    pending: list[tuple[int, int]] = []
    """Spans of the names gathered, in order; a segment named by method words alone counts once."""
    segment_end = covered = -1
    method_only = False
    for start, end in sorted({**methods, **places}.items()):
        if start < covered:
            continue
        covered = max(covered, end)
        if start < segment_end:
            if start in places:
                pending[-1:] = [(start, end)] if method_only else [*pending[-1:], (start, end)]
                method_only = False
            continue
        segment_end = segments.words_only_end(start, end)
        if segment_end < 0:
            continue
        if pending and (content := _first_content(toks, pending[-1][1], start)) is not None:
            _close(pending, content, breaks, blocked)
            pending = []
        pending.append((start, end))
        method_only = start not in places
    if pending:
        _close(pending, _first_content(toks, pending[-1][1], len(toks)), breaks, blocked)


class _Segments:
    """Where each token's segment (text between list separators) ends, and where the stream holds other things
    than words, read in one pass: asking about each of n names costs O(1), not a scan of its segment (a step
    of ``law`` x 16,000 before a number took minutes)."""

    def __init__(self, toks: list[str]):
        n = len(toks)
        self.next_break = [n] * (n + 1)
        self.last_break = [-1] * (n + 1)
        self.others = [0] * (n + 1)
        """Prefix counts of tokens that are neither words nor separators."""
        for i, tok in enumerate(toks):
            separator = tok in _LIST_SEPARATORS
            self.last_break[i + 1] = i if separator else self.last_break[i]
            self.others[i + 1] = self.others[i] + (not separator and not tok[0].isalpha())
        for i in range(n - 1, -1, -1):
            self.next_break[i] = i if toks[i] in _LIST_SEPARATORS else self.next_break[i + 1]

    def words_only_end(self, start: int, end: int) -> int:
        """End of the segment around ``[start, end)`` when it holds only words, else -1."""
        before = self.last_break[start]
        after = self.next_break[end]
        if self.others[start] - self.others[before + 1] or self.others[after] - self.others[end]:
            return -1
        return after


def _first_content(toks: list[str], start: int, end: int) -> int | None:
    """The first number or symbol in ``[start, end)``."""
    return next((i for i in range(start, end) if not toks[i][0].isalpha() and toks[i] not in _PUNCTUATION), None)


def _close(pending: list[tuple[int, int]], content: int | None, breaks: list[int], blocked: dict[int, tuple]) -> None:
    """The names outside the sentence of ``content`` (all of them when there is none) are a dump if 3+, and so
    are the names inside it if 3+ (``Heron's formula, law of sines, law of cosines, AB = 6``)."""
    used = bisect_left(breaks, content) if content is not None else -1
    inside = [span for span in pending if bisect_left(breaks, span[0]) == used]
    dump = [span for span in pending if bisect_left(breaks, span[0]) != used]
    for names in (dump, inside):
        if len(names) >= MIN_UNUSED_NAMES:
            for span in names:
                _block(blocked, span, ("unused",))


_OPERATORS = frozenset({"+", "-", "*", "/", "^", "<", ">", "<=", ">=", "!="})
_OPERAND_CHARS = 3
"""A word this short can be an operand (``AB``, ``x``, ``pi``); a longer one is prose (``Law of sines 1 - Heron``)."""


_SOURCES = frozenset({"by", "using", "use", "via", "from", "with", "applying", "apply", "according", "to"})
"""Words that give the source of a computation just before them (``c² = 25 + 64 − 40 = 49 by the law of cosines``)."""


def _methods_without_computation(
    toks: list[str], names: list[tuple[int, int]], clauses, blocked: dict[int, tuple]
) -> None:
    """A method name (a key-step phrase with a method word: ``Heron's formula``) is used by a computation after it
    in its sentence (``By the Pythagorean theorem, AC = √(36 + 64) = 10``), or by one before it: a calculation in its
    clause (``AC = √(36 + 64) = 10 (Pythagorean theorem)``), or any equation in its sentence when a source word
    introduces the name (``AC = 10, by the Pythagorean theorem``); when its sentence holds no numbers or symbols, by a
    calculation in the nearest sentence that has them, after it or before it. One whose computation
    is missing or trivial (a bare number, ``1 = 1``), or that is dumped after the values it did not produce
    (``AB = 6, BC = 8, AC = 10, Pythagorean theorem.``), earns nothing: ``Law of sines 1, Heron's formula 2.``,
    ``By Heron's formula, 1 = 1.``"""
    if not names or METHOD_WORDS.isdisjoint(toks):
        return
    at = [i for i, t in enumerate(toks) if t in METHOD_WORDS]
    methods = [(a, b) for a, b in names if _holds(at, a, b)]
    if not methods:
        return
    breaks = [i for i, t in enumerate(toks) if t in SENTENCE_BREAKS]
    clause_breaks = [i for i, t in enumerate(toks) if t in CLAUSE_BREAKS]
    content, symbols, calculations = _sentence_symbols(toks, len(breaks) + 1)
    equations = sorted(
        {
            parts[0][1]
            for parts in clauses
            if len({tuple(toks[x:y]) for x, y in parts}) > 1
            and not all(y > x and all(is_number(t) for t in toks[x:y]) for x, y in parts)
        }
    )
    """Positions of the first ``=`` of each equation whose members differ and are not all numbers."""
    for parts in clauses:
        if any(_holds(at, x, y) and all(t[0].isalpha() for t in toks[x:y]) for x, y in parts):
            k = bisect_left(breaks, parts[0][0])
            content[k] = symbols[k]
    """A sentence whose only symbol is the ``is`` that names a method (``That is the Pythagorean theorem.``) has no
    content: the name is used by the sentences around it."""
    computations = sorted({*calculations, *equations})
    after = _nearest(content, range(len(content) - 1, -1, -1))
    before = _nearest(content, range(len(content)))
    for a, b in methods:
        k = bisect_left(breaks, a)
        sentence_start = breaks[k - 1] + 1 if k else 0
        sentence_end = breaks[k] if k < len(breaks) else len(toks)
        clause_start = max(sentence_start, _last_before(clause_breaks, a) + 1)
        sourced = a > 0 and toks[a - 1] in _SOURCES
        if content[k]:
            used = (
                _holds(computations, b, sentence_end)
                or _holds(calculations, clause_start, a)
                or (sourced and _holds(computations, sentence_start, a))
            )
        else:
            later, earlier = after[k], before[k]
            used = (later is not None and _holds(calculations, *_sentence(breaks, later, len(toks)))) or (
                earlier is not None and _holds(calculations, *_sentence(breaks, earlier, len(toks)))
            )
        if not used:
            _block(blocked, (a, b), ("unused",))


def _sentence_symbols(toks: list[str], sentences: int) -> tuple[list[bool], list[bool], list[int]]:
    """Per sentence, whether it holds a number or a symbol, and whether one other than ``=``; and the positions of
    an operator between operands (``5² + 12²``)."""
    content = [False] * sentences
    symbols = [False] * sentences
    calculations: list[int] = []
    sentence = 0
    for i, tok in enumerate(toks):
        if tok[0].isalpha():
            continue
        if tok in SENTENCE_BREAKS:
            sentence += 1
        elif tok not in _PUNCTUATION:
            content[sentence] = True
            symbols[sentence] = symbols[sentence] or tok != "="
            if tok in _OPERATORS and 0 < i < len(toks) - 1 and _operand(toks[i - 1]) and _operand(toks[i + 1]):
                calculations.append(i)
    return content, symbols, calculations


def _sentence(breaks: list[int], k: int, size: int) -> tuple[int, int]:
    """Token span of sentence ``k``."""
    return (breaks[k - 1] + 1 if k else 0), (breaks[k] if k < len(breaks) else size)


def _last_before(positions: list[int], at: int) -> int:
    """The last of the sorted ``positions`` before ``at``, or -1."""
    k = bisect_left(positions, at)
    return positions[k - 1] if k else -1


def _holds(positions: list[int], start: int, end: int) -> bool:
    """Whether one of the sorted ``positions`` lies in ``[start, end)``."""
    k = bisect_left(positions, start)
    return k < len(positions) and positions[k] < end


def _operand(tok: str) -> bool:
    return is_number(tok) or (tok[0].isalpha() and len(tok) <= _OPERAND_CHARS)


def _nearest(content: list[bool], order: range) -> list[int | None]:
    """For each sentence, the nearest other sentence with content in the direction ``order`` walks from."""
    nearest: list[int | None] = [None] * len(content)
    last = None
    for k in order:
        nearest[k] = last
        if content[k]:
            last = k
    return nearest


# ---------------------------------------------------------------- statements not asserted


def _not_asserted(toks: list[str], spans: list[tuple[int, int, int]], blocked: dict[int, tuple]) -> None:
    """Matches the step negates, refutes or rejects (:mod:`.assertion`) earn nothing."""
    if not may_refute(toks):
        return
    assertions = Assertions(toks)
    for start, end, _ in spans:
        why = assertions.why_not(start, end)
        if why is not None:
            _block(blocked, (start, end), ("not asserted", why))
