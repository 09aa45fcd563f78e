"""math-verify's verdict on two plain algebraic parses, decided without sympy's ``simplify`` where it is certain.

``math_verify.verify`` ends in ``simplify`` of the difference, the slowest thing the scorer does. For two
plain expressions (sums, products and small powers of rationals, ``pi``, ``e`` and symbols; no floats,
percentages, relations, sets, matrices, lone symbols or numbers, which math-verify compares by other rules):

- **equal**: ``cancel`` of the difference is exactly 0, a proof that the difference is identically zero, so
  ``simplify`` (which starts from the same normal form and keeps the shortest result) reduces it to 0 too;
- **different**: both sides differ clearly (relative difference above 1e-8, evaluated to 30 digits) at every
  one of three points, so they are different functions and no simplification can make the difference 0.

Anything else, including a point where either side is undefined or a difference near rounding, is left to
math-verify. Agreement at points never accepts an answer.
"""

from __future__ import annotations

import math

from sympy import Add, Expr, Mul, NumberSymbol, Pow, Rational, Symbol, cancel, preorder_traversal

_POINTS = (
    (Rational(7, 5), Rational(13, 11), Rational(29, 17)),
    (Rational(23, 9), Rational(5, 13), Rational(41, 19)),
    (Rational(3, 7), Rational(37, 23), Rational(11, 31)),
)
"""Values given to the free symbols (the n-th symbol by name takes the n-th value of a point): positive,
so a symbol math-verify declares real is within its domain, and no integer, where a denominator like
``x - 3`` vanishes."""
_MAX_SYMBOLS = 3
_MAX_NODES = 200
_MAX_EXPONENT = 64
"""Larger expressions, and powers past this, are left to math-verify (evaluating them is no longer cheap)."""
_DIGITS = 30
_CLEAR = 1e-8
"""A relative difference above this is no rounding error of a 30-digit evaluation."""
_PLAIN = (Add, Mul, Pow, Rational, Symbol, NumberSymbol)


def _plain(expr: object) -> bool:
    """An expression built only of sums, products, small powers, rationals, ``pi``/``e`` and symbols, and not a
    lone symbol or number."""
    if not isinstance(expr, Expr) or isinstance(expr, (Symbol, Rational, NumberSymbol)):
        return False
    for n, node in enumerate(preorder_traversal(expr)):
        if n > _MAX_NODES or not isinstance(node, _PLAIN):
            return False
        if isinstance(node, Pow):
            e = node.exp
            if not isinstance(e, Rational) or abs(e.p) > _MAX_EXPONENT or e.q > _MAX_EXPONENT:
                return False
    return True


def _value(expr: Expr, point: dict) -> complex | None:
    try:
        value = complex(expr.xreplace(point).evalf(_DIGITS))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return value if math.isfinite(value.real) and math.isfinite(value.imag) else None


def _clearly_different(gold: Expr, pred: Expr) -> bool:
    symbols = sorted(gold.free_symbols | pred.free_symbols, key=str)
    if len(symbols) > _MAX_SYMBOLS or any(s.is_integer or s.is_nonpositive for s in symbols):
        return False  # the points are positive non-integers: such a symbol could not take them
    for values in _POINTS:
        point = dict(zip(symbols, values, strict=False))
        a, b = _value(gold, point), _value(pred, point)
        if a is None or b is None or abs(a - b) <= _CLEAR * max(1.0, abs(a), abs(b)):
            return False
    return True


def _proved_equal(gold: Expr, pred: Expr) -> bool:
    try:
        return cancel(gold - pred) == 0
    except Exception:  # sympy's polys raise many kinds on odd input; math-verify then decides
        return False


def quick_verdict(gold: list, pred: list) -> bool | None:
    """``math_verify.verify(gold, pred)`` on these parses (at any float rounding) where it is certain, else None.
    verify compares every pair: two strings by their text, a string beside an expression never equal."""
    pairs = [(g, p) for g in gold for p in pred]
    if not pairs:
        return None
    unsure = False
    for g, p in pairs:
        if isinstance(g, str) or isinstance(p, str):
            if isinstance(g, str) and isinstance(p, str) and g.strip() == p.strip() and g.strip():
                return None
            continue
        if not (_plain(g) and _plain(p)):
            unsure = True
        elif _clearly_different(g, p):  # the cheaper check first: most pairs a group's answers make differ
            continue
        elif _proved_equal(g, p):
            return True
        else:
            unsure = True
    return None if unsure else False
