"""math-verify's verdict on two plain algebraic parses, decided without sympy's ``simplify`` where it is certain.

``math_verify.verify`` ends in ``simplify`` of the difference, the slowest thing the scorer does. For two
plain expressions (sums, products and small powers of rationals, ``pi``, ``e`` and symbols; no floats,
percentages, relations, sets, matrices, lone symbols or numbers, which math-verify compares by other rules):

- **equal**: the difference's numerator expands to 0, or ``cancel`` of the difference is exactly 0, a proof
  that the difference is identically zero, so ``simplify`` (which starts from the same normal form and keeps
  the shortest result) reduces it to 0 too;
- **different**: both sides differ clearly (relative difference above 1e-8; evaluated exactly in rationals, else
  to 40 digits) at every one of three points, so they are different functions and no simplification can make
  the difference 0.

Anything else, including a point where either side is undefined or a difference near rounding, is left to
math-verify. Agreement at points never accepts an answer.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath
from sympy import Add, Expr, Mul, NumberSymbol, Pow, Rational, Symbol, cancel, expand, preorder_traversal

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
_WORKING_DIGITS = 40
_MP = mpmath.MPContext()
_MP.dps = _WORKING_DIGITS
"""A context of its own: the evaluation never changes the precision sympy or anyone else uses."""
_TINY = _MP.mpf("1e-25")
_CONSTANTS: dict[NumberSymbol, Any] = {}
_FLOAT_BITS = 1000
"""Integers past this are not tried for an exact root (the float estimate of the root is lost)."""
_CLEAR = 1e-8
"""A relative difference above this is no rounding error of a 40-digit evaluation."""
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


class _Unsure(Exception):
    """The value at a point is undefined there, or too near a cancellation to be sure of."""


def _value(expr: Expr, point: dict) -> complex | None:
    """The expression's value at the point: exact in rationals wherever it can be (so a denominator that vanishes
    there is found, as sympy's own substitution finds it), else to 40 digits; None where it is undefined or a sum
    cancels to within 1e-25 of its terms (a pole or a zero that only exact arithmetic could tell)."""
    try:
        value = complex(_evaluated(expr, point))
    except (_Unsure, OverflowError, ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value.real) and math.isfinite(value.imag) else None


def _evaluated(node: Expr, point: dict) -> Fraction | Any:
    if isinstance(node, Rational):
        return Fraction(int(node.p), int(node.q))
    if isinstance(node, Symbol):
        return Fraction(int(point[node].p), int(point[node].q))
    if isinstance(node, NumberSymbol):
        if node not in _CONSTANTS:
            _CONSTANTS[node] = _MP.mpf(str(node.evalf(_WORKING_DIGITS + 10)))
        return _CONSTANTS[node]
    values = [_evaluated(arg, point) for arg in node.args]
    if isinstance(node, Add):
        if all(isinstance(v, Fraction) for v in values):
            return sum(values, Fraction(0))
        total = _MP.fsum([_inexact(v) for v in values])
        if abs(total) < _TINY * max(abs(_inexact(v)) for v in values):
            raise _Unsure
        return total
    if isinstance(node, Mul):
        if any(v == 0 for v in values if isinstance(v, Fraction)):
            return Fraction(0)
        if all(isinstance(v, Fraction) for v in values):
            return math.prod(values, start=Fraction(1))
        return _MP.fprod([_inexact(v) for v in values])
    base, exponent = values  # a Pow, its exponent a small rational (``_plain``)
    p, q = exponent.numerator, exponent.denominator
    if isinstance(base, Fraction):
        if base == 0:
            if p < 0:
                raise _Unsure
            return Fraction(0)
        if q == 1:
            return base**p
        root = _exact_root(base, q) if base > 0 else None
        if root is not None:
            return root**p
    elif abs(base) < _TINY and p < 0:
        raise _Unsure
    return _MP.power(_inexact(base), _MP.mpf(p) / q)


def _inexact(value: Fraction | Any) -> Any:
    return _MP.mpf(value.numerator) / value.denominator if isinstance(value, Fraction) else value


def _exact_root(value: Fraction, q: int) -> Fraction | None:
    """The positive rational ``q``-th root of a positive rational, if it has one (``sqrt(49/25)`` is ``7/5``)."""
    roots = []
    for part in (value.numerator, value.denominator):
        near = round(part ** (1 / q)) if part.bit_length() < _FLOAT_BITS else None
        root = next((r for r in (near, near + 1, near - 1) if r**q == part), None) if near is not None else None
        if root is None:
            return None
        roots.append(root)
    return Fraction(roots[0], roots[1])


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
    """The difference is identically 0: its numerator over a common denominator expands to 0 (a few times cheaper
    than ``cancel``, and the same fact: the numerator is then the zero polynomial in the same generators, so
    ``cancel`` gives 0 too), else ``cancel`` of it is 0."""
    difference = gold - pred
    try:
        numerator, _ = difference.as_numer_denom()
        return expand(numerator) == 0 or cancel(difference) == 0
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
