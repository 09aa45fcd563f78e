"""The shapes of key-step gaming, read from the step stream: what a matched key step must not be part of.

Key-step credit is binary per group, so saying a key step more often or with more words around it can
never earn more; what a policy can still exploit is saying *several things* hoping one is right, or
naming things without doing them. Four shapes are read here, each from the stream's numbers, symbols,
separators and key-step matches only — never from how many other words there are, so neutral filler
words neither pay nor cost:

- **repeated**: a run of two or more key steps copied word for word after an earlier run (the words
  around them ignored) with nothing new after it in its sentence, or the same key step twice in a row
  in one sentence. Every group in such a copy earns nothing.
- **enumerated**: one quantity (the left side of an equation, normalised) given three or more values
  that do not follow from each other. None of its statements earns credit.
- **contradicted**: one quantity given two such values: the statements of the value given up earn
  nothing; the value the reasoning ends with is credited (a self-correction is reasoning, and a hedge
  gains nothing over stating the last value alone).
- **unused**: three or more method names in a row (key-step phrases, or phrases with a method word
  such as ``theorem`` or ``law``), with no number or equation after them in their sentence.

A later value *follows from* the current one when its equation chain shows the current value or the
quantity in its middle (``x = 3 + 2 = 5`` after ``x = 3``; ``x = x + 2 = 5``): an update, not a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import STEP_BREAK, is_number

SENTENCE_BREAKS = frozenset({".", ";", "?", "!", STEP_BREAK})
_PUNCTUATION = frozenset({",", ":", "'", '"', "`"}) | SENTENCE_BREAKS
_LIST_SEPARATORS = frozenset({",", ":", "and", "or"}) | SENTENCE_BREAKS
_VALUE_LIST_SEPARATORS = frozenset({",", "or", "and"})
_GENERIC = frozenset({"it", "this", "that", "these", "those", "they", "there", "here", "what", "its", "one", "each",
                      "result", "value", "answer", "sum", "total", "difference", "product", "quotient", "number",
                      "amount", "count", "ratio"})
"""Words that stand for whatever was just computed, not for one quantity: never a quantity of their own."""
_LINKS = frozenset({"+", "-", "*", "/", "^", "of"})
"""Tokens that bind the terms on their sides into one quantity (``area of rectangle``, ``x - 3``)."""
_FUNCTIONS = frozenset({"sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "abs", "angle", "arc"})
"""Tokens that bind the term after them (``sin a``, ``∠C``)."""
_BINDS_NEXT = _LINKS | _FUNCTIONS
_UNIT_SYMBOLS = frozenset({"%", "^", "/"})
RELATION_WORDS = frozenset({"less", "more", "fewer", "greater", "smaller", "larger", "than", "times", "of", "plus",
                            "minus", "over", "divided", "multiplied", "squared", "cubed", "percent"})
"""Words that make ``x is 2 ...`` a relation, not a value (``x is 2 less than y``)."""
METHOD_WORDS = frozenset({"theorem", "theorems", "law", "laws", "rule", "formula", "principle", "property",
                          "properties", "identity", "lemma", "postulate", "similar", "similarity", "congruent",
                          "congruence"})
MIN_ENUMERATED = 3
MIN_UNUSED_NAMES = 3
MAX_COPY = 64
"""Longest copied run compared unit by unit (a reference has a handful of key steps); keeps hostile text linear."""


@dataclass(frozen=True, slots=True)
class Item:
    """One key-step match: token span, group, the tokens it covers and whether it is a name (all words)."""

    start: int
    end: int
    group: int
    text: str
    name: bool
    numeric: bool


@dataclass(slots=True)
class Shapes:
    repeated: set[int]
    """Groups that earn nothing anywhere (a copy of theirs was found)."""
    blocked: dict[int, tuple]
    """Token index -> why a match covering it earns nothing: ``("enumerated", (start, end), n)``,
    ``("contradicted", step)`` or ``("unused",)``."""


class _Layout:
    """Per-token facts of the stream the shapes are read from: sentence, and running counts of content
    (numbers and symbols outside key-step text, and the starts of key-step matches)."""

    def __init__(self, toks: list[str], items: list[Item]):
        n = len(toks)
        covered = bytearray(n)
        starts = bytearray(n)
        for it in items:
            covered[it.start : it.end] = b"\x01" * (it.end - it.start)
            starts[it.start] = 1
        self.sentence = [0] * n
        self.content = [0] * (n + 1)
        self.sentence_end: list[int] = []
        sentence = count = 0
        for i, tok in enumerate(toks):
            self.sentence[i] = sentence
            if tok in SENTENCE_BREAKS:
                self.sentence_end.append(i)
                sentence += 1
            elif starts[i] or (not covered[i] and not tok[0].isalpha() and tok not in _PUNCTUATION):
                count += 1
            self.content[i + 1] = count
        self.sentence_end.append(n)

    def nothing_between(self, a: int, b: int) -> bool:
        return a >= b or self.content[b] == self.content[a]

    def ends_sentence(self, end: int) -> bool:
        """Nothing but words and punctuation from ``end`` to the end of its sentence."""
        if end >= len(self.sentence):
            return True
        return self.nothing_between(end, self.sentence_end[self.sentence[end]])


def gaming_shapes(toks: list[str], step_of: list[int], items: list[Item], clauses) -> Shapes:
    layout = _Layout(toks, items)
    blocked: dict[int, tuple] = {}
    _quantity_conflicts(toks, step_of, clauses, blocked)
    _unused_names(toks, items, layout, blocked)
    return Shapes(_repeated(items, layout), blocked)


# ---------------------------------------------------------------- repetition


def _units(items: list[Item]) -> list[tuple[int, int, tuple, frozenset]]:
    """Overlapping matches merged: ``(start, end, key, groups)`` in stream order."""
    units: list[tuple[int, int, tuple, frozenset]] = []
    for it in items:
        if units and it.start < units[-1][1]:
            a, b, key, groups = units[-1]
            units[-1] = (a, max(b, it.end), tuple(sorted({*key, (it.group, it.text)})), groups | {it.group})
        else:
            units.append((it.start, it.end, ((it.group, it.text),), frozenset((it.group,))))
    return units


def _repeated(items: list[Item], layout: _Layout) -> set[int]:
    repeated: set[int] = set()
    last: dict[tuple[int, str], Item] = {}
    for it in items:
        previous = last.get((it.group, it.text))
        in_a_row = previous is not None and previous.end <= it.start and layout.nothing_between(previous.end, it.start)
        if in_a_row and not it.numeric and layout.sentence[previous.start] == layout.sentence[it.start]:
            repeated.add(it.group)
        last[(it.group, it.text)] = it
    units = _units(items)
    adjacent = [layout.nothing_between(units[k][1], units[k + 1][0]) for k in range(len(units) - 1)]
    first_pair: dict[tuple, int] = {}
    j = 0
    while j < len(adjacent):
        if not adjacent[j]:
            j += 1
            continue
        pair = (units[j][2], units[j + 1][2])
        i = first_pair.setdefault(pair, j)
        length = _copy_length(units, adjacent, i, j) if i + 1 < j else 0
        if length:
            groups = frozenset().union(*(u[3] for u in units[j : j + length]))
            back_to_back = i + length == j and layout.sentence[units[i][0]] == layout.sentence[units[j + length - 1][0]]
            if len(groups) >= 2 and (back_to_back or layout.ends_sentence(units[j + length - 1][1])):
                repeated |= groups
        j += length or 1
    return repeated


def _copy_length(units, adjacent, i: int, j: int) -> int:
    """How many units from ``j`` on repeat, adjacent and in order, the units from ``i`` on (before ``j``)."""
    length = 2
    while (length < MAX_COPY and j + length < len(units) and i + length < j
           and adjacent[j + length - 1] and adjacent[i + length - 1] and units[i + length][2] == units[j + length][2]):
        length += 1
    return length


# ---------------------------------------------------------------- enumeration and contradiction


@dataclass(slots=True)
class _Statement:
    quantity: tuple[str, ...]
    core: tuple[int, int]
    values: list[str]
    middle: frozenset[str]
    span: tuple[int, int]
    step: int


def _core(toks: list[str], start: int, end: int) -> int:
    """Start of the quantity at the end of ``toks[start:end]``: the last term, with what operators, ``of``,
    functions and numbers bind to it (``hypotenuse AC`` -> ``AC``, ``area of rectangle``, ``2x``)."""
    i = end - 1
    while i > start and (toks[i - 1] in _BINDS_NEXT or toks[i] in _LINKS or is_number(toks[i - 1])):
        i -= 1
    return i


def _value(toks: list[str], start: int, end: int) -> str | None:
    """The plain value a member states (``10``, ``10 cm``, ``25 %``, ``60 cm^2``), or None (an expression)."""
    if start >= end or not is_number(toks[start]):
        return None
    for k in range(start + 1, end):
        tok = toks[k]
        unit = tok[0].isalpha() or tok in _UNIT_SYMBOLS or (is_number(tok) and toks[k - 1] == "^")
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


def _statements(toks: list[str], step_of: list[int], clauses) -> list[_Statement]:
    found = []
    for parts in clauses:
        (a, b), (c, d) = parts[0], parts[-1]
        value = _value(toks, c, d)
        if value is None or a >= b:
            continue
        core = _core(toks, a, b)
        quantity = tuple(toks[core:b])
        named = any(t[0].isalpha() and t not in _LINKS for t in quantity)
        if not named or (len(quantity) == 1 and quantity[0] in _GENERIC):
            continue
        values = [value]
        e = d
        while (after := _listed_value(toks, e)) is not None:
            values.append(toks[e + 1])
            e = after
        middle = frozenset(t for x, y in parts[1:-1] for t in toks[x:y])
        found.append(_Statement(quantity, (core, b), values, middle, (a, max(e, d)), step_of[a]))
    return found


def _quantity_conflicts(toks, step_of, clauses, blocked: dict[int, tuple]) -> None:
    by_quantity: dict[tuple[str, ...], list[_Statement]] = {}
    for st in _statements(toks, step_of, clauses):
        by_quantity.setdefault(st.quantity, []).append(st)
    for statements in by_quantity.values():
        if len(statements) == 1 and len(statements[0].values) == 1:
            continue
        current = None
        involved: set[str] = set()
        given_up: dict[str, int] = {}
        """value -> the step where a different value replaced it."""
        for st in statements:
            for k, value in enumerate(st.values):
                if current is None or value == current:
                    current = value
                    continue
                if k == 0 and (current in st.middle or any(t in st.middle for t in st.quantity if t[0].isalpha())):
                    current = value
                    continue
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


def _unused_names(toks: list[str], items: list[Item], layout: _Layout, blocked: dict[int, tuple]) -> None:
    """Names (segments between list separators that name a method with words only) gathered until a number
    or symbol: those in its sentence are used by it; three or more before that sentence are a dump.
    Other words, and sentences of them, are neutral."""
    starts: dict[int, list[Item]] = {}
    for it in items:
        if it.name:
            starts.setdefault(it.start, []).append(it)
    if not starts:
        return
    names: list[tuple[int, list[Item]]] = []
    """Pending names: (sentence, the key-step matches naming it; none for a method word alone)."""
    segment: list[Item] = []
    only_words, method = True, False
    for i in range(len(toks) + 1):
        tok = toks[i] if i < len(toks) else STEP_BREAK
        if tok not in _LIST_SEPARATORS:
            segment += starts.get(i, ())
            only_words = only_words and tok[0].isalpha()
            method = method or tok in METHOD_WORDS
            continue
        if not only_words:
            used = layout.sentence[i - 1]
            _block_unused([found for sentence, found in names if sentence != used], blocked)
            names = []
        elif segment:
            names += [(layout.sentence[it.start], [it]) for it in {it.start: it for it in segment}.values()]
        elif method:
            names.append((layout.sentence[i - 1], []))
        segment, only_words, method = [], True, False
    _block_unused([found for _, found in names], blocked)


def _block_unused(dump: list[list[Item]], blocked: dict[int, tuple]) -> None:
    if len(dump) >= MIN_UNUSED_NAMES:
        for found in dump:
            for it in found:
                _block(blocked, (it.start, it.end), ("unused",))
