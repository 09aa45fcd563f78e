"""StepRAR key steps: accepted input forms, soft matching over the step texts, credit (the stuffing guard).

Each key-step *group* lists equivalent alternatives; a group matches when any alternative occurs in
the steps as a whole-token sequence of the canonical stream (:mod:`.text`), as an equation with its
sides in either order or inside a chain ``AC = sqrt(9+16) = 5``, or, for word phrases, fuzzily
(word by word, rapidfuzz ``ratio`` at or above the profile's ``fuzzy_threshold``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from .gaming import RELATION_WORDS, gaming_shapes
from .number_words import NUMBER_WORD, number_word_value
from .text import STEP_BREAK, is_number, joined
from .text import tokens as plain_tokens

CLAUSE_WORDS = frozenset("so thus hence therefore then and which where since because gives giving get we if or".split())
"""Words that end the clause an equation stands in (``AB = 6 so BC = 8``, ``… we get AC = 10``): one list for the
key-step matcher and the data tools' key-step extractor (:mod:`service.data.extract`)."""
_CLAUSE_BREAKS = CLAUSE_WORDS | {",", ";", ".", ":", "?", "!", STEP_BREAK}
_TERM_OPERATORS = frozenset("+-*/^!%")
FUZZY_MIN_CHARS = 4
"""A word shorter than this is only matched exactly (and a phrase needs one this long to match fuzzily)."""
TYPO_MARGIN = 3.0
PERFECT_SCORE = 100.0
"""rapidfuzz's score for equal strings."""
_PREFIX_SHARE = (3, 5)
"""Words sharing a prefix of 3/5 of the shorter one are forms of one word (``pythagoras``/``pythagorean``)."""


TOKENS_CACHED_CHARS = 1024
"""Step texts up to this long have their tokens remembered (:data:`TOKENS_CACHE_SIZE` of them): the completions of
one prompt often repeat a step word for word, and tokenising is a third of scoring a typical completion."""
TOKENS_CACHE_SIZE = 2048


def tokens(text: str) -> list[str]:
    """The canonical tokens of :func:`.text.tokens`, with a number word after ``=`` (or ``is``, ``equals``,
    ``measures`` …) read as its number by :mod:`.number_words`, as the answer reader reads it (``AB equals six``
    states ``AB = 6``).
    One word for one token, so offsets into the text still line up."""
    return list(_remembered_tokens(text)) if len(text) <= TOKENS_CACHED_CHARS else _tokens(text)


@lru_cache(maxsize=TOKENS_CACHE_SIZE)
def _remembered_tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokens(text))


def _tokens(text: str) -> list[str]:
    toks = plain_tokens(text)
    i = _find(toks, "=", 0) + 1
    while 0 < i < len(toks):
        if toks[i][0].isalpha() and (word := NUMBER_WORD.fullmatch(toks[i])) is not None:
            toks[i] = number_word_value(word)
        i = _find(toks, "=", i) + 1
    return toks


@dataclass(frozen=True, slots=True)
class Alternative:
    text: str
    needle: str
    size: int
    sides: tuple[tuple[str, ...], tuple[str, ...]] | None
    phrase: str | None
    """Normalised words for fuzzy matching, when the alternative is a word phrase long enough."""


def prepare_alternative(text: str) -> Alternative | None:
    toks = tokens(text)
    if not toks:
        return None
    sides = None
    if toks.count("=") == 1:
        i = toks.index("=")
        if 0 < i < len(toks) - 1:
            sides = (tuple(toks[:i]), tuple(toks[i + 1 :]))
    fuzzy = all(t[0].isalpha() for t in toks) and any(len(t) >= FUZZY_MIN_CHARS for t in toks)
    return Alternative(text, joined(toks), len(toks), sides, " ".join(toks) if fuzzy else None)


@dataclass(slots=True)
class Match:
    group: int
    alternative: str
    how: str
    start: int
    end: int
    """Token span [start, end) in the step stream."""
    score: float = PERFECT_SCORE


MAX_SCAN_CHARS = 4_000_000
"""Occurrences times the form's length: past it a form counts as not found (see ``occurrences``)."""
MAX_CHAIN_CHECKS = 100_000
"""Clauses read for equation chains per completion, over all key steps: each key step reads only the clauses
holding both its sides (an index), and past this many a key step's chain counts as not found (400 key steps x
4,000 clauses read every clause: 1.6 M, seconds)."""
MAX_FUZZY_COMPARISONS = 200_000
"""Words compared per completion for fuzzy matching, over all phrases (windows x phrase words): each phrase is
compared only where the stream has a word that can match its first word (an index), and past this many fuzzy
matching stops (40 phrases x a 64 KB completion compared every window: seconds; so did a 700-word phrase
against 2,000 repeats of its word)."""


@dataclass(slots=True)
class StepStream:
    """The steps of one completion as one canonical token stream."""

    tokens: list[str]
    step_of: list[int]
    text: str
    _clauses: list[list[tuple[int, int]]] | None = field(default=None)
    _members: dict[tuple[str, ...], set[int]] | None = field(default=None)
    _by_prefix: dict[str, list[int]] | None = field(default=None)
    budget: dict[str, int] = field(default_factory=lambda: {"chain": MAX_CHAIN_CHECKS, "fuzzy": MAX_FUZZY_COMPARISONS})
    """Work left for chain and fuzzy matching (see ``MAX_CHAIN_CHECKS``, ``MAX_FUZZY_COMPARISONS``)."""

    @classmethod
    def of(cls, step_texts: list[str]) -> StepStream:
        toks: list[str] = []
        step_of: list[int] = []
        for i, body in enumerate(step_texts):
            if i:
                toks.append(STEP_BREAK)
                step_of.append(-1)
            body_tokens = tokens(body)
            toks.extend(body_tokens)
            step_of.extend([i] * len(body_tokens))
        return cls(toks, step_of, joined(toks))

    def occurrences(self, needle: str, size: int) -> list[tuple[int, int]]:
        """Token spans of every occurrence of ``needle`` (token indices counted incrementally). A long form
        repeated all over a long completion would cost occurrences x length to find: past
        ``MAX_SCAN_CHARS`` the form counts as not found (no genuine completion repeats a key step that
        often, and the stuffing guard reads every copy, so a truncated list could credit gaming)."""
        spans: list[tuple[int, int]] = []
        pos = self.text.find(needle)
        last_pos = token = 0
        while pos != -1:
            if len(spans) * len(needle) > MAX_SCAN_CHARS:
                return []
            token += self.text.count(" ", last_pos, pos)
            last_pos = pos
            spans.append((token, token + size))
            pos = self.text.find(needle, pos + 1)
        return spans

    def whole_terms(self, start: int, end: int) -> bool:
        """The span is not glued to a longer term: ``x = 2`` is not in ``2x = 2``, ``x = 2 * 3`` nor
        ``x is 2 less than y``."""
        before = self.tokens[start - 1] if start > 0 else ";"
        after = self.tokens[end] if end < len(self.tokens) else ";"
        return not (_continues_term(before) or _continues_term(after) or after in RELATION_WORDS)

    def clauses(self) -> list[list[tuple[int, int]]]:
        """Equation chains: each clause with an ``=`` as its list of side spans (found from the ``=`` signs,
        so a stream without one costs a single scan)."""
        if self._clauses is None:
            toks = self.tokens
            clauses: list[list[tuple[int, int]]] = []
            bounds: list[int] = []
            end = -1
            cut = _find(toks, "=", 0)
            while cut >= 0:
                if cut > end:
                    _add_clause(clauses, bounds, end)
                    start = cut
                    while start > 0 and toks[start - 1] not in _CLAUSE_BREAKS:
                        start -= 1
                    end = cut + 1
                    while end < len(toks) and toks[end] not in _CLAUSE_BREAKS:
                        end += 1
                    bounds = [start]
                bounds.append(cut)
                cut = _find(toks, "=", cut + 1)
            _add_clause(clauses, bounds, end)
            self._clauses = clauses
        return self._clauses

    def clauses_with(self, side: tuple[str, ...], at_end: bool) -> tuple[set[int], set[int]]:
        """Indices of the clauses where ``side`` can be a member: those where it is a whole member, and those where
        it can end the first member (``at_end``) or start the last (else). Built once per stream, in one pass."""
        if self._members is None:
            members: dict[tuple[str, ...], set[int]] = {}
            for c, parts in enumerate(self.clauses()):
                toks = self.tokens
                for a, b in parts:
                    members.setdefault(tuple(toks[a:b]), set()).add(c)
                (a, b), (c_start, _) = parts[0], parts[-1]
                if b > a:
                    members.setdefault((STEP_BREAK, "end", toks[b - 1]), set()).add(c)
                if c_start < len(toks):
                    members.setdefault((STEP_BREAK, "start", toks[c_start]), set()).add(c)
            self._members = members
        edge = (STEP_BREAK, "end", side[-1]) if at_end else (STEP_BREAK, "start", side[0])
        return self._members.get(side, _NONE), self._members.get(edge, _NONE)

    def word_starts(self, word: str) -> list[int]:
        """Positions of the tokens sharing ``word``'s first two letters: the only places a fuzzy window can start
        (see :func:`_word_score`)."""
        if self._by_prefix is None:
            by_prefix: dict[str, list[int]] = {}
            for i, tok in enumerate(self.tokens):
                by_prefix.setdefault(tok[:2], []).append(i)
            self._by_prefix = by_prefix
        return self._by_prefix.get(word[:2], [])


def _add_clause(clauses: list[list[tuple[int, int]]], bounds: list[int], end: int) -> None:
    """``bounds``: the clause's start and its ``=`` signs."""
    if bounds:
        bounds.append(end)
        sides = [(bounds[j] + 1, bounds[j + 1]) for j in range(1, len(bounds) - 1)]
        clauses.append([(bounds[0], bounds[1]), *sides])


def _find(toks: list[str], token: str, start: int) -> int:
    """Index of the next ``token`` from ``start`` (a C-speed search), or -1."""
    try:
        return toks.index(token, start)
    except ValueError:
        return -1


def _continues_term(token: str) -> bool:
    return is_number(token) or token in _TERM_OPERATORS


_NONE: set[int] = set()


def _both(a: tuple[set[int], set[int]], b: tuple[set[int], set[int]]) -> set[int]:
    """The clauses in both unions, each intersection costing its smaller set."""
    return (a[0] & b[0]) | (a[0] & b[1]) | (a[1] & b[0]) | (a[1] & b[1])


def _chain_spans(stream: StepStream, left: tuple[str, ...], right: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of ``left`` and ``right`` where they are two members of one chain of equalities
    (``AC = sqrt(9+16) = 5`` for ``AC = 5``); linear in the number of members."""
    toks = stream.tokens

    def ends_member(parts, i, side) -> bool:
        a, b = parts[i]
        if tuple(toks[a:b]) == side:
            return True
        head = b - len(side)
        return i == 0 and head > a and tuple(toks[head:b]) == side and not _continues_term(toks[head - 1])

    def starts_member(parts, j, side) -> bool:
        c, d = parts[j]
        if tuple(toks[c:d]) == side:
            return True
        tail = c + len(side)
        return (
            j == len(parts) - 1
            and d > tail
            and tuple(toks[c:tail]) == side
            and toks[tail][0].isalpha()
            and toks[tail] not in RELATION_WORDS
        )

    found: list[tuple[int, int]] = []
    clauses = stream.clauses()
    candidates = _both(stream.clauses_with(left, True), stream.clauses_with(right, False)) | _both(
        stream.clauses_with(right, True), stream.clauses_with(left, False)
    )
    if len(candidates) > stream.budget["chain"]:
        stream.budget["chain"] = 0
        return found
    stream.budget["chain"] -= len(candidates)
    for parts in (clauses[c] for c in sorted(candidates)):
        for first, second in ((left, right), (right, left)):
            firsts = [i for i in range(len(parts) - 1) if ends_member(parts, i, first)]
            seconds = [j for j in range(1, len(parts)) if firsts and j > firsts[0] and starts_member(parts, j, second)]
            if seconds:
                found += [(parts[i][1] - len(first), parts[i][1]) for i in firsts if i < seconds[-1]]
                found += [(parts[j][0], parts[j][0] + len(second)) for j in seconds]
    return found


def find_matches(
    alternatives: list[list[Alternative]], stream: StepStream, fuzzy_threshold: float | None
) -> list[list[Match]]:
    """Every occurrence of every group, per group; the first entry of a group is its best match."""
    result = []
    for g, group in enumerate(alternatives):
        matches: list[Match] = []
        for alt in group:
            how = (
                "numeric"
                if alt.phrase is None and alt.sides is None and any(t[0].isdigit() for t in alt.needle.split())
                else "exact"
            )
            for start, end in stream.occurrences(alt.needle, alt.size):
                if alt.sides is None or stream.whole_terms(start, end):
                    matches.append(Match(g, alt.text, how, start, end))
            if alt.sides is not None:
                swapped = joined([*alt.sides[1], "=", *alt.sides[0]])
                for start, end in stream.occurrences(swapped, alt.size):
                    if stream.whole_terms(start, end):
                        matches.append(Match(g, alt.text, "equation", start, end))
                if not matches:
                    matches += [Match(g, alt.text, "equation_chain", a, b) for a, b in _chain_spans(stream, *alt.sides)]
        if not matches and fuzzy_threshold is not None:
            matches = _fuzzy(g, group, stream, fuzzy_threshold)
        result.append(matches)
    return result


def _fuzzy(g: int, group: list[Alternative], stream: StepStream, threshold: float) -> list[Match]:
    """Every fuzzy window of every phrase alternative, the best first."""
    found = [
        Match(g, alt.text, "fuzzy", start, start + alt.size, score)
        for alt in group
        if alt.phrase is not None
        for start, score in _fuzzy_windows(alt.phrase.split(), stream, threshold)
    ]
    return sorted(found, key=lambda m: -m.score)


def _fuzzy_windows(words: list[str], stream: StepStream, threshold: float) -> list[tuple[int, float]]:
    """Windows of the stream whose words each match the phrase's word (see :func:`_word_score`), looked for
    where a token shares the first word's first two letters, within the stream's budget."""
    toks = stream.tokens
    n = len(words)
    found: list[tuple[int, float]] = []
    starts = [start for start in stream.word_starts(words[0]) if start <= len(toks) - n]
    if len(starts) * n > stream.budget["fuzzy"]:
        stream.budget["fuzzy"] = 0
        return found
    stream.budget["fuzzy"] -= len(starts) * n
    for start in starts:
        scores = []
        for word, tok in zip(words, toks[start : start + n], strict=True):
            score = _word_score(word, tok, threshold)
            if score is None:
                break
            scores.append(score)
        else:
            found.append((start, round(sum(scores) / n, 2)))
    return found


@lru_cache(maxsize=65536)
def _word_score(word: str, token: str, threshold: float) -> float | None:
    """Equal words score 100. Words of 4+ letters match with a rapidfuzz ratio >= threshold when they
    share a prefix of 60% of the shorter word (plurals, ``pythagoras`` ~ ``pythagorean``), or with a
    ratio >= threshold + 3 when they share the first two letters (typos: ``isoceles``). Different
    terms that look alike fail both: ``sines``/``cosines``, ``kinetic``/``kinematic``,
    ``exothermic``/``endothermic``, ``mitosis``/``meiosis``, ``parallel``/``parallelogram``. Cached: a stream
    repeats its words."""
    if word == token:
        return PERFECT_SCORE
    if len(word) < FUZZY_MIN_CHARS or token[:2] != word[:2]:
        return None
    prefix = len(os.path.commonprefix([word, token]))
    share, of = _PREFIX_SHARE
    needed = threshold if prefix * of >= min(len(word), len(token)) * share else threshold + TYPO_MARGIN
    return fuzz.ratio(word, token, score_cutoff=needed) or None


@dataclass(slots=True)
class Credit:
    """Which matched groups earn credit, and why the others do not."""

    credited: list[bool]
    steps: list[int | None]
    """Per group, the step (index into the stream's steps) whose match earned the credit."""
    reasons: list[tuple | None]
    """Per matched but uncredited group, the gaming shape (see :mod:`.gaming`) that took the credit."""


_PHRASE_HOWS = frozenset({"exact", "fuzzy"})
"""How a name (a phrase of words only) can match; equation pieces are never names."""


def credit_all(matches: list[list[Match]], stream: StepStream) -> Credit:
    """Every matched group credited at its best match (the guard off)."""
    steps = [stream.step_of[group[0].start] if group else None for group in matches]
    return Credit([bool(group) for group in matches], steps, [None] * len(matches))


def credit_matches(matches: list[list[Match]], stream: StepStream) -> Credit:
    """Credit each matched group once, at a match that is not part of a gaming shape (:mod:`.gaming`).

    How many words a step has, or how often it says a key step, changes nothing by itself: a key step
    stated once, tersely, earns its credit in full."""
    if not any(matches):
        return credit_all(matches, stream)
    toks = stream.tokens
    spans = set()
    names = []
    for group in matches:
        for m in group:
            spans.add((m.start, m.end, m.group))
            if m.how in _PHRASE_HOWS and _words(toks, m.start, m.end):
                names.append((m.start, m.end))
    shapes = gaming_shapes(toks, stream.step_of, sorted(spans), names, stream.clauses())
    credited, steps, reasons = [], [], []
    for g, group in enumerate(matches):
        why = ("repeated",) if g in shapes.repeated else None
        free = None if why else next((m for m in group if _blocking(m, shapes.blocked) is None), None)
        if free is None and group and why is None:
            why = _blocking(group[0], shapes.blocked)
        credited.append(free is not None)
        steps.append(stream.step_of[free.start] if free is not None else None)
        reasons.append(why)
    return Credit(credited, steps, reasons)


def _words(toks: list[str], start: int, end: int) -> bool:
    return all(toks[i][0].isalpha() for i in range(start, end))


def _blocking(m: Match, blocked: dict[int, tuple]) -> tuple | None:
    """The shape a match is part of, if any."""
    if not blocked:
        return None
    return next((blocked[i] for i in range(m.start, m.end) if i in blocked), None)
