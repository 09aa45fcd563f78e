"""The shortcuts around math-verify change no verdict: quick_verdict agrees with math-verify wherever it answers,
and the bench workloads score the same with and without the shortcuts, the caches, the per-group memo and the
remembered LaTeX parses (:mod:`service.rewards.latex_parse_memo`)."""

from __future__ import annotations

import logging
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from math_verify import verify
from math_verify.parser import parse_latex_cached
from sympy import cancel, expand

from bench.grpo import GrpoWorkload
from bench.inprocess import core_reference, settings_for
from bench.symbolic import SymbolicWorkload, poly
from service.rewards import PROFILES, PreparedGroup, answers, latex_parse_memo, reference_rules
from service.rewards.answers import _mv_parse
from service.rewards.quick_verdict import _POINTS, _plain, _value, quick_verdict

logging.getLogger("math_verify").setLevel(logging.ERROR)


def _forms(a: int, b: int) -> list[str]:
    """LaTeX forms in ``x`` built from two small integers; forms of the same (a, b) are often equal."""
    return [
        f"(x+{a})^2",
        poly(1, 2 * a, a * a),
        poly(1, a, a * a),
        f"(x+{a})(x-{b})",
        poly(1, a - b, -a * b),
        f"\\frac{{x^2-{a * a}}}{{x-{a}}}",
        f"x+{a}",
        f"\\frac{{x}}{{{a}}}+\\frac{{x}}{{{b}}}",
        f"\\frac{{{a + b}x}}{{{a * b}}}",
        f"\\frac{{{2 * a}x}}{{\\sqrt{{{4 * b}}}}}",
        f"\\frac{{{a}\\sqrt{{{b}}}x}}{{{b}}}",
        f"{a}\\sqrt{{{b}}}x",
        f"x^{{{a}}}\\cdot x^{{{b}}}",
        f"x^{{{a + b}}}",
        f"\\pi x^{a % 3 + 1}",
        f"{a}.5x",
        f"x^2 = {a * a}",
        f"\\{{{a}, {b}\\}}",
        f"\\sin(x)+{a}",
        f"\\frac{{1}}{{x-{a}}}-\\frac{{1}}{{x-{b}}}",
    ]


PAIRS = st.tuples(st.integers(1, 30), st.integers(1, 30), st.integers(0, 19), st.integers(0, 19))


@settings(max_examples=150, deadline=None)
@given(PAIRS)
def test_quick_verdict_is_math_verify_where_it_answers(case):
    a, b, i, j = case
    forms = _forms(a, b)
    gold, pred = _mv_parse(forms[i]), _mv_parse(forms[j])
    quick = quick_verdict(gold, pred)
    assert quick in (None, verify(gold, pred, timeout_seconds=None)), (forms[i], forms[j])


POLES = [
    "\\frac{1}{5x-7}",
    "\\frac{x}{25x^2-49}",
    "\\frac{1}{9x-23}+x",
    "\\frac{1}{3x-\\frac{9}{7}}",
    "\\frac{1}{\\sqrt{2}\\sqrt{x}-\\sqrt{2x}}",
    "\\frac{1}{\\sqrt{25x^2}-7}",
    "(5x-7)^{-\\frac{1}{2}}",
    "\\frac{1}{(9x-23)^{3}}",
    "\\pi x^{\\frac{1}{3}}-\\sqrt{x}",
    "(x-3)^{\\frac{1}{2}}",
    "\\frac{\\pi^{2}}{x-\\frac{7}{5}}",
]
"""Expressions undefined at some of the points, or complex there, or irrational: the exact arithmetic must see
the same values (and the same undefined points) as sympy's own substitution."""


def _sympy_value(expr, point) -> complex | None:
    try:
        value = complex(expr.xreplace(point).evalf(30))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return value if math.isfinite(value.real) and math.isfinite(value.imag) else None


@pytest.mark.parametrize("latex", POLES + _forms(3, 7) + _forms(12, 5))
def test_the_value_at_each_point_is_sympys_substitution(latex):
    expr = _mv_parse(latex)[0]
    if not _plain(expr):
        assert latex not in POLES
        pytest.skip("quick_verdict evaluates plain expressions only")
    symbols = sorted(expr.free_symbols, key=str)
    for values in _POINTS:
        point = dict(zip(symbols, values, strict=False))
        ours, theirs = _value(expr, point), _sympy_value(expr, point)
        if theirs is None:
            assert ours is None, (latex, point, ours)
        elif ours is not None:
            assert abs(ours - theirs) <= 1e-12 * max(1.0, abs(theirs)), (latex, point, ours, theirs)


@settings(max_examples=150, deadline=None)
@given(PAIRS)
def test_a_numerator_that_expands_to_zero_is_a_difference_that_cancels_to_zero(case):
    a, b, i, j = case
    forms = _forms(a, b)
    gold, pred = _mv_parse(forms[i])[0], _mv_parse(forms[j])[0]
    assume(_plain(gold) and _plain(pred))
    numerator, _ = (gold - pred).as_numer_denom()
    if expand(numerator) == 0:
        assert cancel(gold - pred) == 0, (forms[i], forms[j])


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("(x+3)^2", "x^2+6x+9", True),
        ("\\frac{6x}{\\sqrt{20}}", "\\frac{3\\sqrt{5}x}{5}", True),
        ("\\frac{x}{4}+\\frac{x}{6}", "\\frac{10x}{24}", True),
        ("(x+3)^2", "x^2+3x+9", False),
        ("\\frac{x^2-9}{x-3}", "x-3", False),
        ("(x+3)^2", "0.5x", None),  # a float: math-verify's rounding rules decide
        ("x^2 = 4", "x^2+4", None),  # a relation
        ("\\sin(x)", "x", None),  # a function outside the plain ones
    ],
)
def test_quick_verdict_decides_plain_expressions_only(gold, pred, expected):
    g, p = _mv_parse(gold), _mv_parse(pred)
    assert quick_verdict(g, p) is expected
    if expected is not None:
        assert verify(g, p, timeout_seconds=None) is expected


def _scores(groups, profile: str, explain: bool, fresh: bool) -> list:
    """Every completion's score: with one prepared group per group (its memo in use), or a fresh one per
    completion."""
    out = []
    for g in groups:
        prepared = PreparedGroup(core_reference(g.reference), PROFILES[profile], settings_for(profile))
        for text in g.completions:
            if fresh:
                prepared = PreparedGroup(core_reference(g.reference), PROFILES[profile], settings_for(profile))
            out.append(prepared.score(text, explain))
    return out


def _clear_caches() -> None:
    for cached in (
        answers.math_verify_equal,
        answers._mv_parse,
        reference_rules._parse_whole,
        reference_rules._verify_parsed_cached,
        parse_latex_cached,
    ):
        cached.cache_clear()


@pytest.mark.parametrize("profile", ["stepgrpo", "r1vl-reference"])
def test_scores_identical_without_shortcuts_caches_and_memo(profile, monkeypatch):
    groups = SymbolicWorkload(0, start=11 * 10**6).take(3) + GrpoWorkload(0, start=11 * 10**6).take(4)
    assert any(len(set(g.completions)) < len(g.completions) for g in groups)  # duplicates reach the memo
    fast = {explain: _scores(groups, profile, explain, fresh=False) for explain in (False, True)}
    _clear_caches()
    monkeypatch.setattr(answers, "quick_verdict", lambda gold, pred: None)
    monkeypatch.setattr(reference_rules, "quick_verdict", lambda gold, pred: None)
    monkeypatch.setattr(latex_parse_memo, "ENABLED", False)
    try:
        slow = {explain: _scores(groups, profile, explain, fresh=True) for explain in (False, True)}
    finally:
        _clear_caches()
    assert fast == slow
