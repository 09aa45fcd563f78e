"""Where a token span of the canonical stream lies in the original text, for explanations only.

Normalisation (:mod:`.text`) keeps no offsets, so a span is found by tokenising prefixes. To keep that
cheap on long steps, the text is first cut into short pieces (at line ends, and at spaces once a piece is
long) whose tokens, concatenated, are the text's tokens; each search then runs inside the
few pieces that hold the span. Never used on the scoring path.
"""

from __future__ import annotations

import re
from itertools import pairwise

from .text import tokens

QUOTES = frozenset("\"“”‘’'")
"""Quote marks: paired, as :func:`.text.tokens` writes them (``"``); alone in a prefix, as written."""

_CUT = re.compile(r"\n|[ \t]+")
PIECE_CHARS = 200
"""A piece is cut after punctuation once it is this long, at any space once twice as long; lines
always end a piece."""
_SCAN_CHARS = 64
"""How far past the previous token the next one's first character is looked for."""
_ARTICLE = re.compile(r"(?:the|an?)\s+", re.IGNORECASE)
"""Dropped by normalisation: not part of the token that follows."""


class TextOffsets:
    """Character offsets of the tokens of one text (a step's body)."""

    def __init__(self, text: str):
        self.text = text
        self.pieces = _pieces(text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Character span ``[a, b)`` holding tokens ``[start, end)`` of ``tokens(text)``."""
        first = last = None
        before = seen = 0
        for i, (_, _, toks) in enumerate(self.pieces):
            if first is None and start < seen + len(toks):
                first, before = i, seen
            if end <= seen + len(toks):
                last = i
                break
            seen += len(toks)
        if first is None:
            return len(self.text), len(self.text)
        last = len(self.pieces) - 1 if last is None else last
        offset, stop = self.pieces[first][0], self.pieces[last][1]
        a, b = _span_by_prefixes(self.text[offset:stop], start - before, end - before)
        return offset + a, offset + b


def _pieces(text: str) -> list[tuple[int, int, list[str]]]:
    """``(start, end, tokens)`` of consecutive pieces whose tokens add up to the text's, or the whole
    text as one piece when a cut would change how the text reads."""
    bounds = [0]
    for m in _CUT.finditer(text):
        cut = m.end()
        size = cut - bounds[-1]
        after_punctuation = m.start() > 0 and text[m.start() - 1] in ".,;:!?"
        if cut < len(text) and (
            text[m.start()] == "\n" or size >= 2 * PIECE_CHARS or (after_punctuation and size >= PIECE_CHARS)
        ):
            bounds.append(cut)
    bounds.append(len(text))
    pieces: list[tuple[int, int, list[str]]] = []
    for a, b in pairwise(bounds):
        toks = tokens(text[a:b])
        if pieces:
            head, _, head_tokens = pieces[-1]
            merged = tokens(text[head:b])
            if merged != head_tokens + toks:
                pieces[-1] = (head, b, merged)
                continue
        pieces.append((a, b, toks))
    if [t for _, _, toks in pieces for t in toks] != tokens(text):
        return [(0, len(text), tokens(text))]
    return pieces


def _span_by_prefixes(text: str, start: int, end: int) -> tuple[int, int]:
    """Quote marks are compared away: a prefix cut inside quotes (``The key step is 'AC = 5``) has no pair to
    read them as quotes, yet its other tokens are the text's."""
    full = tokens(text)
    unquoted = _unquoted(full)
    kept = [0]
    for t in full:
        kept.append(kept[-1] + (t not in QUOTES))
    """How many tokens that are not quote marks come before each token."""

    def holds(p: int, k: int) -> bool:
        prefix = _unquoted(tokens(text[:p]))
        return len(prefix) >= kept[k] and prefix[: kept[k]] == unquoted[: kept[k]]

    def reads_rest(p: int) -> bool:
        """From ``p`` on, the text reads as ``full[start:]`` (after a clause break, as it is inside the text:
        ``1. `` there is no list marker, and ``/ 1`` is still part of the fraction before)."""
        return _unquoted(tokens("; " + text[p:])[1:]) == unquoted[kept[start] :]

    def covered(k: int) -> int:
        """The shortest prefix whose tokens begin with ``full[:k]``: a binary search, then a look just
        before its answer, where what follows (an article's noun, an unfinished ``\\frac``, ``equal to``)
        can hide a shorter prefix that already holds them."""
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi) // 2
            if holds(mid, k):
                hi = mid
            else:
                lo = mid + 1
        return next((p for p in range(max(0, lo - _SCAN_CHARS), lo) if _splits(text, p) and holds(p, k)), lo)

    previous_end = first_new = covered(start)
    limit = min(len(text), previous_end + _SCAN_CHARS)
    while first_new < limit and _unquoted(tokens(text[: first_new + 1])) == unquoted[: kept[start]]:
        first_new += 1  # "$", "(", a lone apostrophe: no token of their own
    after, before = range(first_new, limit), range(first_new - 1, previous_end - 1, -1)
    begin = next((p for p in (*after, *before) if not text[p].isspace() and reads_rest(p)), first_new)
    article = _ARTICLE.match(text, begin)
    if article and _unquoted(tokens(text[: article.end()])) == unquoted[: kept[start]]:
        begin = article.end()
    return begin, max(covered(end), begin + 1)


def _unquoted(toks: list[str]) -> list[str]:
    return [t for t in toks if t not in QUOTES]


def _splits(text: str, p: int) -> bool:
    """``p`` is not inside a run of letters and digits."""
    return p == 0 or p == len(text) or not (text[p - 1].isalnum() and text[p].isalnum())
