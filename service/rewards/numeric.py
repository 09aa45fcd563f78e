"""The value of a closed-form numeric answer (``5\\sqrt{2}``, ``\\frac{3}{4}\\pi``, ``2^{10}``), cheaply.

Most benchmark answers that are not plain numbers are still numbers: evaluating them settles them in
microseconds, before math-verify would spend milliseconds in sympy. The answer's tree (:mod:`.latex`, the
parse the growth guard reads too) is evaluated over an allow-list: numbers, ``+ - * / ^``, brackets,
``\\frac`` and ``\\sqrt`` (braced), a mixed number (``2\\frac{1}{2}``) and ``pi``; anything else (variables,
sets, intervals, functions) returns None and is left to math-verify. Nothing is executed.

Operators read as Python reads them (``-2^2`` is -4, ``2^3^2`` is 2^9, ``6/2(3)`` is 9), and what the reader
has always left to math-verify still is: two numbers side by side (``2 3``), a fraction or root whose
argument holds other braces (``\\frac{1}{2^{3}}``) or nests more than four deep, ``\\sqrt[3]{8}``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from .latex import (
    DIVIDE,
    MULTIPLY,
    Chain,
    Constant,
    Frac,
    Group,
    Missing,
    Node,
    Number,
    Power,
    Product,
    Signed,
    Sqrt,
    Symbol,
    parse,
)

MAX_LENGTH = 200
MAX_EXPONENT = 1000.0
MAX_DIGITS = 5000
"""Largest exact power worth computing (digits); beyond it the answer is left to the guard."""
_NESTING = 4
"""Levels of nested ``\\frac`` / ``\\sqrt`` read (deeper ones are left to math-verify)."""
_FRACTIONS = frozenset({"\\frac", "\\dfrac", "\\tfrac"})
_SPACING = re.compile(r"\\left|\\right|\\[,;:! ]|\$")
"""Spacing commands, ``\\left`` / ``\\right`` and ``$``, removed wherever they stand (``1\\,000`` is 1000, ``-\\,\\pi``
is -pi); the parser reads unicode operators (``×``, ``÷``, ``π``, ``√``, ``–``) as the commands they spell."""
_READABLE = re.compile(
    r"(?:\\(?:[dt]?frac|sqrt|pi|cdot|times|div|displaystyle|limits|nolimits|big|Big|bigg|Bigg)(?![A-Za-z])"
    r"|sqrt|pi|[\d.+\-*/^(){}\s−π×·∙⋅÷√–])*"
)
"""Every character an evaluable answer can hold: anything else (a letter, ``=``, ``,``, ``!``) is refused before
parsing, as the evaluator would refuse it after."""
_INTEGER = re.compile(r"\d+")
_ROOTED = re.compile(r"\d+(?:\.\d+)?")
"""A number ``\\sqrt`` takes without braces (``\\sqrt 2``, ``\\sqrt2.5``)."""
_LEADING_ZERO = re.compile(r"0+[1-9]\d*\.?$")
"""A whole number with a leading zero (``012``) may be a code or a time: left to math-verify."""
_SQRT_WORD = Symbol("sqrt")
_PARENS = frozenset({"(", "{"})
_CLOSERS = frozenset({")", "}"})


class _NotArithmetic(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class _Mixed(Node):
    """``2\\frac{1}{2}``: a whole number and a fraction of whole numbers side by side (made while reading a
    product, never by the parser)."""

    whole: Number
    fraction: Frac


def numeric_value(answer: str) -> Fraction | float | None:
    """The answer's value — an exact Fraction when only rational arithmetic is involved, a float once
    ``sqrt`` or ``pi`` are — or None when it is not a closed-form number we can evaluate."""
    if len(answer) > MAX_LENGTH:
        return None
    answer = _SPACING.sub("", answer)
    if not _READABLE.fullmatch(answer):
        return None
    items = parse(answer, unicode=True).items
    if len(items) != 1:
        return None
    try:
        _nesting(items[0])
        value = _value(items[0])
    except (ValueError, ZeroDivisionError, OverflowError, TypeError, RecursionError):
        return None
    return value if isinstance(value, Fraction) or math.isfinite(value) else None


def _braced(node: Node) -> Node:
    """The body of a ``{...}`` argument."""
    if isinstance(node, Group) and node.open == "{" and node.close == "}":
        return node.body
    raise _NotArithmetic("not a braced argument")


def _nesting(node: Node) -> None:
    """Refuses what is left to math-verify: fractions and roots nested past ``_NESTING`` levels, or one whose
    argument holds other braces (``\\frac{1}{2^{3}}``)."""
    _heights(node, inside=False)


def _heights(node: Node, inside: bool) -> tuple[int, int]:
    """The nesting levels of the outermost fractions and roots in ``node``: a fraction is a level above everything
    in it, a root a level above the roots in it and level with the fractions in it (``\\sqrt{\\frac{1}{4}}`` is one
    level, as the reader has always counted)."""
    if isinstance(node, Frac) and node.command in _FRACTIONS:
        fractions, roots = _combined(_heights(_braced(node.numerator), True), _heights(_braced(node.denominator), True))
        height = 1 + max(fractions, roots)
        heights = (height, 0)
    elif isinstance(node, Sqrt) and node.index is None and isinstance(node.radicand, Group):
        fractions, roots = _heights(_braced(node.radicand), True)
        height = max(1, fractions, roots + 1)
        heights = (0, height)
    elif isinstance(node, Group):
        if inside and (node.open != "(" or node.close != ")"):
            raise _NotArithmetic("braces inside a fraction's or root's argument")
        return _heights(node.body, inside)
    elif isinstance(node, (Chain, Product)):
        items = [item for item in _with_mixed_numbers(_flat(node)) if not isinstance(item, str)]
        return _combined(*(_heights(item, inside) for item in items))
    else:
        return _combined(*(_heights(child, inside) for child in _children(node)))
    if height > _NESTING:
        raise _NotArithmetic("nested too deeply")
    return heights


def _combined(*heights: tuple[int, int]) -> tuple[int, int]:
    return max((f for f, _ in heights), default=0), max((r for _, r in heights), default=0)


def _children(node: Node) -> list[Node]:
    if isinstance(node, (Chain, Product)):
        return [node.first, *(operand for _, operand in node.rest)]
    if isinstance(node, Signed):
        return [node.operand]
    if isinstance(node, Power):
        return [node.base, node.exponent]
    if isinstance(node, Sqrt):
        return [node.radicand]
    return []


def _value(node: Node) -> Fraction | float:
    if isinstance(node, Number):
        if node.literal == "." or _LEADING_ZERO.match(node.literal):
            return _refuse(node)
        return Fraction(node.literal.rstrip("."))
    if isinstance(node, Constant) and node.name in ("\\pi", "pi") and not node.upright:
        return math.pi
    if isinstance(node, Group):
        if node.open not in _PARENS or node.close not in _CLOSERS:
            raise _NotArithmetic(f"a {node.open} bracket")
        return _value(node.body)
    if isinstance(node, Frac) and node.command in _FRACTIONS:
        return _value(_braced(node.numerator)) / _value(_braced(node.denominator))
    if isinstance(node, _Mixed):
        whole = _value(node.whole)
        return whole + Fraction(_whole(node.fraction.numerator), _whole(node.fraction.denominator))
    if isinstance(node, Sqrt) and node.index is None:
        radicand = node.radicand
        if isinstance(radicand, Number) and not _ROOTED.fullmatch(radicand.literal):
            raise _NotArithmetic("a root of a number written so")
        if not isinstance(radicand, Number):
            radicand = _braced(radicand)
        return math.sqrt(_value(radicand))
    if isinstance(node, _Root):
        return math.sqrt(_value(node.bracket))
    if isinstance(node, Signed):
        return _signed(node.signs, _value(node.operand))
    if isinstance(node, Power):
        return _power_run(node)
    if isinstance(node, (Chain, Product)):
        return _expression(_flat(node))
    return _refuse(node)


def _refuse(node: Node) -> Fraction:
    raise _NotArithmetic(f"not arithmetic: {type(node).__name__}")


def _signed(signs: tuple[str, ...], value: Fraction | float) -> Fraction | float:
    if any(sign not in ("+", "-") for sign in signs):
        raise _NotArithmetic("a sign that is not + or -")
    return -value if signs.count("-") % 2 else value


def _whole(node: Node) -> int:
    return int(cast(Number, _braced(node)).literal)


def _mixed_fraction(node: Node) -> bool:
    """``\\frac{1}{2}`` of whole numbers in braces: the fraction of a mixed number."""
    if not (isinstance(node, Frac) and node.command in _FRACTIONS):
        return False
    parts = (node.numerator, node.denominator)
    return all(
        isinstance(p, Group)
        and p.open == "{"
        and p.close == "}"
        and isinstance(p.body, Number)
        and _INTEGER.fullmatch(p.body.literal)
        for p in parts
    )


def _power_run(node: Power) -> Fraction | float:
    """``a^b^c`` is ``a^(b^c)``, and a sign on an exponent takes the rest of the run (``2^-1^2`` is 2^-(1^2))."""
    exponents: list[Node] = []
    base: Node = node
    while isinstance(base, Power):
        exponents.append(base.exponent)
        base = base.base
    exponents.reverse()
    value = _exponent(exponents[-1], None)
    for exponent in reversed(exponents[:-1]):
        value = _exponent(exponent, value)
    return _power(_value(base), value)


def _exponent(node: Node, above: Fraction | float | None) -> Fraction | float:
    if isinstance(node, Signed):
        inner = _value(node.operand)
        return _signed(node.signs, inner if above is None else _power(inner, above))
    inner = _value(node)
    return inner if above is None else _power(inner, above)


def _power(left: Fraction | float, right: Fraction | float) -> Fraction | float:
    if isinstance(left, Fraction) and isinstance(right, Fraction) and right.denominator == 1 and (left or right > 0):
        size = len(str(abs(left.numerator))) + len(str(left.denominator))
        if abs(left) != 1 and size * abs(right) > MAX_DIGITS:
            raise OverflowError("power too large")
        return cast(Fraction, left ** int(right))
    if cast("Fraction | float", abs(right)) > MAX_EXPONENT:  # mypy joins abs(Fraction | float) to object
        raise OverflowError("exponent too large")
    return math.pow(left, right)


def _flat(node: Node) -> list[Node | str]:
    """A sum or product as one run of operands and operators, as the text reads: ``2 * -3`` is parsed as a
    product left waiting for its factor and a sign, put back together here."""
    out: list[Node | str] = []
    stack: list[Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (Chain, Product)):
            parts: list[Node | str] = [item.first]
            for operator, operand in item.rest:
                parts += [operator, operand]
            stack.extend(reversed(parts))
        elif not isinstance(item, Missing):
            out.append(item)
    return out


def _expression(run: list[Node | str]) -> Fraction | float:
    """Terms joined by ``+`` and ``-``, each a product of signed factors (Python's reading)."""
    return _Arithmetic(_with_mixed_numbers(run)).expression()


class _Arithmetic:
    """A run of nodes and operators read left to right: each rule reads from ``position`` on and advances it."""

    def __init__(self, run: list[Node | str]):
        self.run = run
        self.position = 0

    def expression(self) -> Fraction | float:
        value = self.term()
        while self.position < len(self.run):
            operator = self.run[self.position]
            if operator not in ("+", "-"):
                raise _NotArithmetic(f"the operator {operator}")
            self.position += 1
            right = self.term()
            value = value + right if operator == "+" else value - right
        return value

    def factor(self) -> Fraction | float:
        signs: list[str] = []
        while self.position < len(self.run) and self.run[self.position] in ("+", "-"):
            signs.append(cast(str, self.run[self.position]))
            self.position += 1
        if self.position >= len(self.run) or isinstance(self.run[self.position], str):
            raise _NotArithmetic("an operator without an operand")
        node = cast(Node, self.run[self.position])
        self.position += 1
        if isinstance(node, Signed) and node.operand == _SQRT_WORD:
            signs += node.signs
            node = node.operand
        if node == _SQRT_WORD:
            value = self._called_root()
        else:
            value = _value(node)
        return _signed(tuple(signs), value)

    def _called_root(self) -> Fraction | float:
        """``sqrt(2)``, ``sqrt{2}^2``, ``√2``: the plain root applied to the bracket or number that follows it."""
        if (
            self.position + 1 >= len(self.run)
            or self.run[self.position] != ""
            or isinstance(self.run[self.position + 1], str)
        ):
            raise _NotArithmetic("sqrt without a bracket")
        node = cast(Node, self.run[self.position + 1])
        self.position += 2
        exponents: list[Node] = []
        while isinstance(node, Power):
            exponents.append(node.exponent)
            node = node.base
        if _first(node) != "(" and not (isinstance(node, Number) and not exponents):
            raise _NotArithmetic("sqrt without a bracket or a number")
        rebuilt: Node = _Root(node)
        for exponent in reversed(exponents):
            rebuilt = Power(rebuilt, exponent)
        return _value(rebuilt)

    def term(self) -> Fraction | float:
        value = self.factor()
        while (
            self.position < len(self.run)
            and isinstance(self.run[self.position], str)
            and self.run[self.position] not in ("+", "-")
        ):
            operator = cast(str, self.run[self.position])
            if (
                operator == ""
                and _last(cast(Node, self.run[self.position - 1])) == "num"
                and self._first_of(self.position + 1) == "num"
            ):
                raise _NotArithmetic("two numbers side by side")
            if operator != "" and operator not in MULTIPLY:
                raise _NotArithmetic(f"the operator {operator}")
            self.position += 1
            right = self.factor()
            value = value / right if operator in DIVIDE else value * right
        return value

    def _first_of(self, index: int) -> str | None:
        if index >= len(self.run) or isinstance(self.run[index], str):
            return None
        return _first(cast(Node, self.run[index]))


@dataclass(frozen=True, slots=True)
class _Root(Node):
    """``sqrt(...)`` written as a word before a bracket."""

    bracket: Node


def _with_mixed_numbers(run: list[Node | str]) -> list[Node | str]:
    """A whole number written just before a fraction of whole numbers is a mixed number: ``2\\frac{1}{2}``,
    ``-2\\frac{1}{2}`` (-2.5), ``3 \\cdot 2\\frac{1}{2}``."""
    out: list[Node | str] = []
    for item in run:
        exponents: list[Node] = []
        fraction = item
        while isinstance(fraction, Power):
            exponents.append(fraction.exponent)
            fraction = fraction.base
        if (
            _mixed_fraction(cast(Node, fraction))
            and len(out) >= 2
            and out[-1] == ""
            and not isinstance(out[-2], str)
            and (merged := _merged(cast(Node, out[-2]), cast(Frac, fraction), exponents)) is not None
        ):
            out[-2:] = [merged]
        else:
            out.append(item)
    return out


def _merged(node: Node, fraction: Frac, exponents: list[Node]) -> Node | None:
    """``node`` with the whole number it ends in made a mixed number with ``fraction`` (raised to the
    ``exponents`` written on the fraction: ``2\\frac{1}{3}^2`` is (2⅓)²), or None."""
    if isinstance(node, Number):
        if not _INTEGER.fullmatch(node.literal):
            return None
        mixed: Node = _Mixed(node, fraction)
        for exponent in reversed(exponents):
            mixed = Power(mixed, exponent)
        return mixed
    if isinstance(node, Signed):
        inner = _merged(node.operand, fraction, exponents)
        return None if inner is None else Signed(node.signs, inner)
    if isinstance(node, Power):
        inner = _merged(node.exponent, fraction, exponents)
        return None if inner is None else Power(node.base, inner)
    if isinstance(node, Sqrt) and isinstance(node.radicand, Number):
        return Symbol("\\sqrt")  # ``\\sqrt 2\\frac{1}{2}``: the root of a mixed number, written so, is not read
    return None


def _first(node: Node) -> str | None:
    """The kind of the first token the node is written with: ``num``, ``(`` or another."""
    while isinstance(node, Power):
        node = node.base
    if isinstance(node, Number):
        return "num"
    if isinstance(node, (Group, Frac, _Mixed)):
        return "("
    return None


def _last(node: Node) -> str | None:
    """The kind of the last token the node is written with: ``num`` for a number."""
    while isinstance(node, (Power, Signed)):
        node = node.exponent if isinstance(node, Power) else node.operand
    return "num" if isinstance(node, Number) else None
