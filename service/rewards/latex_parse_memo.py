"""math-verify's LaTeX parse with its ANTLR predictions remembered: the same parse tree, most of the cost gone.

math-verify reads LaTeX with latex2sympy2_extended's ANTLR parser, whose adaptive (LL) prediction is most of the
time the scorer spends on a symbolic answer. ANTLR's parse is a function of the token *types* alone (every
predicate of this grammar is a precedence predicate, which reads the parser's own state, never a token's text):
``x^2+6x+9`` and ``x^2+8x+16`` lex to the same types, take the same decisions and build trees of the same shape.
So the first parse of a token-type sequence records each decision's alternative, and a later string with that
sequence replays them without predicting: the same rules run, the same nodes are built from its own tokens.
ANTLR's faster SLL mode is no substitute: on an ambiguous grammar it can choose a different alternative than
LL (it did for 307 of 1141 symbolic answers).

A replay checks each decision's number against the record and falls back to an ordinary parse at any
difference or error, so the result is always what the ordinary parse gives. Numbers met in the LaTeX are
converted once per text. Both apply only inside :func:`remembered_parses` (the service's own math-verify
calls): the reference rules the benchmark compares against run the library unchanged.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

ENABLED = True
"""Off, every parse is the ordinary one (tests compare the two)."""
MAX_SHAPES = 2048
"""Token-type sequences whose decisions are kept (least recently used dropped). Each is two packed arrays of
machine ints, 8 bytes a token and 8 a decision: at most about 16 MB for 512-character answers, far less for
the short ones answers are."""
_ACTIVE: ContextVar[bool] = ContextVar("remembered_parses", default=False)
MAX_NUMBERS = 4096
"""Number texts whose sympy value is kept (all dropped when full): a sympy number is immutable."""
_NUMBERS: dict[tuple[str, bool], object] = {}
_DECISIONS: OrderedDict[bytes, array] = OrderedDict()
"""(token type, channel) of each token, packed -> (decision, alternative) of each prediction, flat."""
_COUNTS = {"replayed": 0, "fell_back": 0}
_LOCK = threading.Lock()
"""The memo is shared by every thread that parses (the parses themselves need no lock)."""


class _Diverged(Exception):
    """A replay met a decision other than the recorded one (never expected): parse the ordinary way."""


@contextmanager
def remembered_parses() -> Iterator[None]:
    """Within this block, math-verify's LaTeX parses replay remembered ANTLR decisions (see the module doc)."""
    token = _ACTIVE.set(ENABLED and _install())
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def memo_counts() -> dict[str, int]:
    """Token-type sequences remembered, parses replayed and replays that fell back (for tests)."""
    return {"shapes": len(_DECISIONS), **_COUNTS}


@cache
def _install() -> bool:
    """Wrap latex2sympy2_extended's parser factory and number conversion, once, when first needed (the front
    process, which never parses, does not load the parser); False (nothing changed) when the library is not
    laid out as expected, and every parse then stays the ordinary one."""
    try:
        from latex2sympy2_extended import latex2sympy2
        from sympy.core.parameters import global_parameters

        remembering_parser = _remembering_parser()
    except ImportError:
        return False
    converter = getattr(latex2sympy2, "_Latex2Sympy", None)
    if converter is None or not hasattr(converter, "create_parser") or not hasattr(converter, "parse_number"):
        return False
    if getattr(converter.create_parser, "_remembers", False):
        return True
    plain_create, plain_number = converter.create_parser, converter.parse_number

    def create_parser(self, latex_str):
        parser = plain_create(self, latex_str)
        if not _ACTIVE.get():
            return parser
        remembering = remembering_parser(parser.getTokenStream())
        remembering._listeners = list(parser._listeners)
        remembering._plain = _Fresh(lambda: plain_create(self, latex_str))
        return remembering

    def parse_number(self, text):
        if not _ACTIVE.get():
            return plain_number(self, text)
        key = (text, global_parameters.evaluate)
        value = _NUMBERS.get(key)
        if value is None:
            if len(_NUMBERS) >= MAX_NUMBERS:
                _NUMBERS.clear()
            value = _NUMBERS[key] = plain_number(self, text)
        return value

    create_parser._remembers = True  # type: ignore[attr-defined]
    converter.create_parser, converter.parse_number = create_parser, parse_number
    return True


def _simulators() -> tuple[Any, Any]:
    """ANTLR's prediction, recording each decision's alternative, and replaying recorded ones."""
    from antlr4.atn.ParserATNSimulator import ParserATNSimulator

    class Recording(ParserATNSimulator):
        def __init__(self, parser):
            super().__init__(parser, parser.atn, parser.decisionsToDFA, parser.sharedContextCache)
            self.taken = array("i")

        def adaptivePredict(self, input, decision, outerContext):  # noqa: N802 (ANTLR's name)
            alt = super().adaptivePredict(input, decision, outerContext)
            self.taken.extend((decision, alt))
            return alt

    class Replaying(ParserATNSimulator):
        def __init__(self, parser, taken):
            super().__init__(parser, parser.atn, parser.decisionsToDFA, parser.sharedContextCache)
            self.taken, self.at = taken, 0

        def adaptivePredict(self, input, decision, outerContext):  # noqa: N802 (ANTLR's name)
            at = self.at
            if at >= len(self.taken) or self.taken[at] != decision:
                raise _Diverged
            self.at = at + 2
            return self.taken[at + 1]

    return Recording, Replaying


def _remembering_parser() -> Any:
    """The parser class :func:`_install` builds its parsers from (a class, built once the library is loaded)."""
    from antlr4.error.ErrorStrategy import DefaultErrorStrategy
    from latex2sympy2_extended.antlr_parser import PSParser

    Recording, Replaying = _simulators()

    class Replayed(DefaultErrorStrategy):
        """``sync`` looks ahead for a syntax error; the same token types passed it when the decisions were
        recorded, so a replay skips it (a mismatched token is still caught where it is matched)."""

        def sync(self, recognizer):
            return None

    class RememberingParser(PSParser):
        """PSParser whose top rule replays or records the decisions for its token-type sequence."""

        def math(self):
            tokens = self._input
            try:
                tokens.fill()
            except Exception:  # a lexer error: let the ordinary parser meet it where it would
                return self._ordinary()
            shape = array("i", [v for t in tokens.tokens for v in (t.type, t.channel)]).tobytes()
            with _LOCK:
                taken = _DECISIONS.get(shape)
                if taken is not None:
                    _DECISIONS.move_to_end(shape)
            if taken is not None:
                replaying = self._interp = Replaying(self, taken)
                self._errHandler = Replayed()
                try:
                    tree = super().math()
                except Exception:
                    return self._ordinary()
                if replaying.at == len(taken):
                    _COUNTS["replayed"] += 1
                    return tree
                return self._ordinary()
            recording = self._interp = Recording(self)
            tree = super().math()
            with _LOCK:
                _DECISIONS[shape] = recording.taken
                if len(_DECISIONS) > MAX_SHAPES:
                    _DECISIONS.popitem(last=False)
            return tree

        def _ordinary(self):
            _COUNTS["fell_back"] += 1
            return self._plain.math()

    return RememberingParser


class _Fresh:
    """An ordinary parser, built only when a fallback needs one."""

    def __init__(self, build):
        self._build = build

    def math(self):
        return self._build().math()
