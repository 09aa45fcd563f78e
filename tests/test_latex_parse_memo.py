"""Remembered ANTLR decisions change no parse: a LaTeX string parsed by replaying the decisions recorded for
another string of the same token types gives exactly the expression (or the error) the ordinary parse gives."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from latex2sympy2_extended import latex2sympy
from sympy import srepr

from service.rewards import latex_parse_memo
from service.rewards.latex_parse_memo import memo_counts, remembered_parses
from tests.answer_corpus import CASES

MATH_VERIFY = json.loads((Path(__file__).parent / "data" / "math_verify_cases.json").read_text())
_NUMBER = re.compile(r"\d+")
SHORT = 120
"""Longer texts are prose math-verify extracts from, never parsed whole (and LL prediction over them is slow)."""


def _parsed(text: str) -> str:
    """The expression as math-verify asks for it (real symbols, no normalisation), or the error it raises."""
    try:
        return srepr(latex2sympy(text, is_real=True, normalization_config=None))
    except Exception as exc:  # the error is part of the result: a replay must raise the same one
        return f"{type(exc).__name__}: {exc}"


def _renumbered(text: str, shift: int) -> str:
    """The same token types with other numbers: ``x^2+6x+9`` -> ``x^3+7x+10``."""
    return _NUMBER.sub(lambda m: str(int(m.group(0)) + shift), text)


def _same_with_and_without(texts: list[str]) -> tuple[list, list]:
    plain = [_parsed(text) for text in texts]
    with remembered_parses():
        remembered = [_parsed(text) for text in texts]
    return plain, remembered


ATOMS = st.sampled_from(["x", "y", "2", "17", "3.5", "\\pi", "e", "i", "a_1", "0"])
OPS = st.sampled_from(["+", "-", "", "\\cdot ", "/", "^", "=", ",", "<"])


@st.composite
def latex(draw, depth: int = 3) -> str:
    """Small LaTeX expressions mixing fractions, roots, powers, functions, brackets, sets and relations."""
    if depth == 0 or draw(st.booleans()):
        return draw(ATOMS)
    inner, other = draw(latex(depth - 1)), draw(latex(depth - 1))
    shape = draw(st.integers(0, 8))
    return [
        f"{inner}{draw(OPS)}{other}",
        f"\\frac{{{inner}}}{{{other}}}",
        f"\\sqrt{{{inner}}}",
        f"({inner})^{{{other}}}",
        f"\\sin({inner})",
        f"\\left({inner}, {other}\\right]",
        f"\\{{{inner}, {other}\\}}",
        f"|{inner}|",
        f"{inner}!",
    ][shape]


@settings(max_examples=200, deadline=None)
@given(latex(), st.integers(1, 50))
def test_a_replayed_parse_is_the_ordinary_parse(text, shift):
    other = _renumbered(text, shift)
    with remembered_parses():
        _parsed(text)  # records the decisions for these token types
        replayed = _parsed(other)
    assert replayed == _parsed(other), (text, other)


def test_every_math_verify_case_and_corpus_answer_parses_the_same():
    texts = [s for case in MATH_VERIFY["cases"] for s in (case["gold"], case["pred"])]
    texts += [s for reference, stated, _, _ in CASES for s in (reference, stated)]
    texts = sorted({t.replace("$", "") for t in texts if len(t) <= SHORT})
    texts += [_renumbered(t, 3) for t in texts]  # the same shapes again: replayed
    before = memo_counts()
    plain, remembered = _same_with_and_without(texts)
    assert plain == remembered
    after = memo_counts()
    assert after["replayed"] - before["replayed"] >= len(texts) // 4  # the replay path was taken


def test_off_the_memo_is_never_used(monkeypatch):
    monkeypatch.setattr(latex_parse_memo, "ENABLED", False)
    before = memo_counts()
    with remembered_parses():
        _parsed("x^2+6x+9")
        _parsed("x^2+8x+16")
    assert memo_counts() == before


def test_threads_parsing_at_once_get_the_ordinary_parses(monkeypatch):
    """The memo is shared: threads recording, replaying and evicting at once still get the ordinary parse."""
    monkeypatch.setattr(latex_parse_memo, "MAX_SHAPES", 3)  # evictions all the time
    shapes = ["x^2+6x+9", "\\frac{x^2-9}{x-3}", "\\frac{6x}{\\sqrt{20}}", "(x+3)(x-5)", "\\frac{x}{4}+\\frac{x}{6}"]
    texts = [_renumbered(shape, shift) for shift in range(1, 9) for shape in shapes]
    expected = [_parsed(text) for text in texts]

    def remembered(offset: int) -> list[str]:
        with remembered_parses():
            return [_parsed(text) for text in texts[offset:] + texts[:offset]]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(remembered, range(4)))
    for offset, result in enumerate(results):
        assert result == expected[offset:] + expected[:offset]
