"""StepRAR key steps: accepted input forms, soft matching over the step texts, stuffing guard.

Each key-step *group* lists equivalent alternatives; a group matches when any alternative occurs in
the steps as a whole-token sequence of the canonical stream (:mod:`.text`), as an equation with its
sides in either order or inside a chain ``AC = sqrt(9+16) = 5``, or, for word phrases, fuzzily
(word by word, rapidfuzz ``ratio`` at or above the profile's ``fuzzy_threshold``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .text import STEP_BREAK, is_number, joined, tokens

_EXTRACTOR_STEP = re.compile(r"Step\s*\d+\s*:\s*(\[[^\[\]]*\])", re.IGNORECASE)
_CLAUSE_BREAKS = frozenset(
    {",", ";", ".", ":", "?", "!", STEP_BREAK, "so", "thus", "hence", "therefore", "then", "and",
     "which", "where", "since", "because", "gives", "giving", "get", "we", "if", "or"}
)
_STOPWORDS = frozenset({"a", "and", "or", "also", "step"})
_TERM_OPERATORS = frozenset("+-*/^!%")
OWN_WORDS_PER_GROUP = 1
"""Distinct words of its own a solution needs for each key-step group it is credited with."""
FUZZY_MIN_CHARS = 4


class KeyStepError(ValueError):
    """Key steps that cannot be read; the group reports it instead of scoring against nothing."""


def key_step_groups(raw) -> list[list[str]]:
    """Groups of alternatives from a list, the dataset's ``{"Steps": ...}`` JSON, or the extractor's string."""
    if raw is None:
        return []
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return []
        if text[0] in "[{":
            try:
                return key_step_groups(json.loads(text))
            except json.JSONDecodeError as exc:
                raise KeyStepError(f"key_steps is not valid JSON: {exc.msg} at {exc.pos}") from None
        return _extractor_groups(text)
    if isinstance(raw, dict):
        steps = next((v for k, v in raw.items() if k.lower() == "steps"), [])
        if steps is None:
            raise KeyStepError('key_steps "Steps" is null')
        return key_step_groups(steps)
    if isinstance(raw, list):
        groups = []
        for i, group in enumerate(raw):
            alternatives = [group] if isinstance(group, str) else group
            if not isinstance(alternatives, list) or not all(isinstance(a, str) for a in alternatives):
                raise KeyStepError(f"key_steps[{i}] must be a string or a list of strings")
            groups.append(list(alternatives))
        return groups
    raise KeyStepError(f"key_steps must be a list, an object or a string, not {type(raw).__name__}")


def _extractor_groups(text: str) -> list[list[str]]:
    """``Image Description: [..]; Rationales: [..]; Step 1: ["a", "b"], Step 2: [..]``: one group per step element."""
    lists = _EXTRACTOR_STEP.findall(text)
    if not lists:
        raise KeyStepError("key_steps string has no 'Step N: [...]' lists")
    groups = []
    for chunk in lists:
        try:
            elements = json.loads(chunk)
        except json.JSONDecodeError:
            elements = re.findall(r"[\"']([^\"']+)[\"']", chunk)
        groups.extend([str(e)] for e in elements if str(e).strip())
    return groups


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
    score: float = 100.0


@dataclass(slots=True)
class StepStream:
    """The steps of one completion as one canonical token stream."""

    tokens: list[str]
    step_of: list[int]
    text: str
    _clauses: list | None = field(default=None)

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

    def token_at(self, char_pos: int) -> int:
        return self.text.count(" ", 0, char_pos)

    def occurrences(self, needle: str, size: int, limit: int = 256) -> list[tuple[int, int]]:
        spans = []
        pos = self.text.find(needle)
        while pos != -1 and len(spans) < limit:
            start = self.token_at(pos)
            spans.append((start, start + size))
            pos = self.text.find(needle, pos + 1)
        return spans

    def whole_terms(self, start: int, end: int) -> bool:
        """The span is not glued to a longer term: ``x = 2`` is not in ``2x = 2`` nor ``x = 2 * 3``."""
        before = self.tokens[start - 1] if start > 0 else ";"
        after = self.tokens[end] if end < len(self.tokens) else ";"
        return not (is_number(before) or before in _TERM_OPERATORS or is_number(after) or after in _TERM_OPERATORS)

    def clauses(self) -> list[list[tuple[int, int]]]:
        """Equation chains: each clause with an ``=`` as its list of side spans."""
        if self._clauses is None:
            self._clauses = []
            start = 0
            for i in range(len(self.tokens) + 1):
                if i == len(self.tokens) or self.tokens[i] in _CLAUSE_BREAKS:
                    self._add_clause(start, i)
                    start = i + 1
        return self._clauses

    def _add_clause(self, start: int, end: int) -> None:
        cuts = [i for i in range(start, end) if self.tokens[i] == "="]
        if cuts:
            bounds = [start, *cuts, end]
            self._clauses.append([(bounds[0], bounds[1])] + [(bounds[k] + 1, bounds[k + 1]) for k in range(1, len(bounds) - 1)])


def _chain_spans(stream: StepStream, left: tuple[str, ...], right: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """Places where ``left`` and ``right`` are two members of one chain of equalities."""
    found = []
    toks = stream.tokens
    for parts in stream.clauses():
        last = len(parts) - 1
        for first, second in ((left, right), (right, left)):
            for i in range(last):
                a, b = parts[i]
                whole = tuple(toks[a:b]) == first
                glued = b - len(first) - 1 >= a and (is_number(toks[b - len(first) - 1]) or toks[b - len(first) - 1] in _TERM_OPERATORS)
                if not (whole or (i == 0 and b - a > len(first) and tuple(toks[b - len(first) : b]) == first and not glued)):
                    continue
                for j in range(i + 1, last + 1):
                    c, d = parts[j]
                    if tuple(toks[c:d]) == second or (
                        j == last and d - c > len(second) and tuple(toks[c : c + len(second)]) == second and toks[c + len(second)][0].isalpha()
                    ):
                        found.append((b - len(first), b, c, c + len(second)))
    return found


def find_matches(alternatives: list[list[Alternative]], stream: StepStream, fuzzy_threshold: float | None) -> list[list[Match]]:
    """Every occurrence of every group, per group; the first entry of a group is its best match."""
    result = []
    for g, group in enumerate(alternatives):
        matches: list[Match] = []
        for alt in group:
            how = "numeric" if alt.phrase is None and alt.sides is None and any(t[0].isdigit() for t in alt.needle.split()) else "exact"
            for start, end in stream.occurrences(alt.needle, alt.size):
                if alt.sides is None or stream.whole_terms(start, end):
                    matches.append(Match(g, alt.text, how, start, end))
            if alt.sides is not None:
                swapped = joined([*alt.sides[1], "=", *alt.sides[0]])
                for start, end in stream.occurrences(swapped, alt.size):
                    if stream.whole_terms(start, end):
                        matches.append(Match(g, alt.text, "equation", start, end))
                if not matches:
                    for a, b, c, d in _chain_spans(stream, *alt.sides):
                        matches.append(Match(g, alt.text, "equation_chain", a, b))
                        matches.append(Match(g, alt.text, "equation_chain", c, d))
        if not matches and fuzzy_threshold is not None:
            matches.extend(_fuzzy(g, group, stream, fuzzy_threshold))
        result.append(matches)
    return result


def _fuzzy(g: int, group: list[Alternative], stream: StepStream, threshold: float) -> list[Match]:
    best: Match | None = None
    for alt in group:
        if alt.phrase is None:
            continue
        found = _fuzzy_window(alt.phrase.split(), stream.tokens, threshold)
        if found is not None and (best is None or found[1] > best.score):
            best = Match(g, alt.text, "fuzzy", found[0], found[0] + alt.size, found[1])
    return [best] if best else []


def _fuzzy_window(words: list[str], toks: list[str], threshold: float) -> tuple[int, float] | None:
    """First window of the stream whose words each match the phrase's: equal, or for words of
    4+ letters the same first letter and a rapidfuzz ratio >= threshold (plurals, typos, but not
    ``sines`` for ``cosines`` nor ``parallelogram`` for ``parallel``)."""
    n = len(words)
    for start in range(len(toks) - n + 1):
        scores = []
        for word, tok in zip(words, toks[start : start + n]):
            if word == tok:
                scores.append(100.0)
            elif len(word) >= 4 and tok[0] == word[0] and (r := fuzz.ratio(word, tok, score_cutoff=threshold)):
                scores.append(r)
            else:
                break
        else:
            return start, round(sum(scores) / n, 2)
    return None


@dataclass(slots=True)
class Credit:
    """What the stuffing guard left standing."""

    credited: list[bool]
    own_words: int
    bare_steps: list[int]


def credit_matches(matches: list[list[Match]], stream: StepStream) -> Credit:
    """Credit key steps only where the solution also says something of its own.

    A step that matches two or more groups and has no word or number outside key-step text (a bare
    list; list markers do not count) earns nothing. Across the other steps, each credited group needs
    ``OWN_WORDS_PER_GROUP`` distinct words or numbers outside key-step text. Repeating text adds no
    distinct words, so repetition buys nothing; a list split one item per step has no words of its own.
    """
    marked = bytearray(len(stream.tokens))
    groups_in_step: dict[int, set[int]] = {}
    for group in matches:
        for m in group:
            marked[m.start : m.end] = b"\x01" * (m.end - m.start)
            groups_in_step.setdefault(stream.step_of[m.start], set()).add(m.group)
    own: dict[int, set[str]] = {}
    for i, tok in enumerate(stream.tokens):
        if not marked[i] and tok[0].isalnum() and tok not in _STOPWORDS:
            own.setdefault(stream.step_of[i], set()).add(tok)
    bare = sorted(s for s, groups in groups_in_step.items() if len(groups) >= 2 and not own.get(s))
    words = set().union(*(w for s, w in own.items() if s not in bare))
    budget = len(words) // OWN_WORDS_PER_GROUP
    credited = []
    for group in matches:
        ok = budget > 0 and any(stream.step_of[m.start] not in bare for m in group)
        budget -= ok
        credited.append(ok)
    return Credit(credited, len(words), bare)
