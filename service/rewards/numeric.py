"""The value of a closed-form numeric answer (``5\\sqrt{2}``, ``\\frac{3}{4}\\pi``, ``2^{10}``), cheaply.

Most benchmark answers that are not plain numbers are still numbers: evaluating them with a small,
safe arithmetic walker settles them in microseconds, before math-verify would spend milliseconds in
sympy. Only numbers, ``+ - * / ^``, parentheses, ``sqrt`` and ``pi`` are understood; anything else
(variables, sets, intervals, functions) returns None and is left to math-verify. Nothing is executed:
the expression is parsed with :mod:`ast` and walked over an allow-list of node types.
"""

from __future__ import annotations

import ast
import math
import re
from fractions import Fraction
from typing import cast

MAX_LENGTH = 200
MAX_EXPONENT = 1000.0
MAX_DIGITS = 5000
_NESTING_PASSES = 4
"""Levels of nested ``\\frac`` / ``\\sqrt`` rewritten into Python syntax (deeper ones are left unread)."""
"""Largest exact power worth computing (digits); beyond it the answer is left to the guard."""
_MIXED = re.compile(r"(?<![\d.])(\d+)\s*\\[dt]?frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}")
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
_REPLACEMENTS = [
    (re.compile(r"\\left|\\right|\\[,;:! ]|\$"), ""),
    (re.compile(r"\\sqrt\s*(\d+(?:\.\d+)?)"), r"sqrt(\1)"),
    (re.compile(r"\\pi\b|π"), "pi"),
    (re.compile(r"\\cdot|\\times|[×·∙⋅]"), "*"),
    (re.compile(r"\\div|÷"), "/"),
    (re.compile(r"√"), "sqrt"),
    (re.compile(r"[−–]"), "-"),
]
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|(sqrt|pi)|(\*\*|[-+*/^()]))")
_LEFT_OPERAND = ("num", "pi", ")")
_RIGHT_OPERAND = ("num", "pi", "sqrt", "(")


def numeric_value(answer: str) -> Fraction | float | None:
    """The answer's value — an exact Fraction when only rational arithmetic is involved, a float once
    ``sqrt`` or ``pi`` are — or None when it is not a closed-form number we can evaluate."""
    if len(answer) > MAX_LENGTH:
        return None
    expr = _python_expression(answer)
    if expr is None:
        return None
    try:
        tree = ast.parse(expr, mode="eval")
        value = _evaluate(tree.body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, RecursionError, TypeError):
        return None
    return value if isinstance(value, Fraction) or math.isfinite(value) else None


def _python_expression(answer: str) -> str | None:
    s = _MIXED.sub(r"(\1+\2/\3)", answer)
    for _ in range(_NESTING_PASSES):
        replaced = _SQRT.sub(r"sqrt(\1)", _FRAC.sub(r"((\1)/(\2))", s))
        if replaced == s:
            break
        s = replaced
    for pattern, repl in _REPLACEMENTS:
        s = pattern.sub(repl, s)
    s = s.replace("{", "(").replace("}", ")")
    tokens: list[str] = []
    kinds: list[str] = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None:
            if s[pos:].strip():
                return None
            break
        number, name, op = m.groups()
        kind, text = (
            ("num", _rational(number)) if number else ((name, name) if name else (op, "**" if op == "^" else op))
        )
        if kinds and kinds[-1] in _LEFT_OPERAND and kind in _RIGHT_OPERAND and not (kinds[-1] == kind == "num"):
            tokens.append("*")
            kinds.append("*")
        tokens.append(text)
        kinds.append(kind)
        pos = m.end()
    return " ".join(tokens) or None


def _rational(number: str) -> str:
    """``0.25`` -> ``(25/100)``: decimals stay exact (a float ``0.1`` is not one tenth)."""
    if "." not in number:
        return number
    whole, frac = number.split(".", 1)
    return f"({int(whole or 0) * 10 ** len(frac) + int(frac)}/{10 ** len(frac)})" if frac else whole


def _evaluate(node: ast.AST) -> Fraction | float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return Fraction(node.value)
    if isinstance(node, ast.Name) and node.id == "pi":
        return math.pi
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "sqrt"
        and len(node.args) == 1
        and not node.keywords
    ):
        return math.sqrt(_evaluate(node.args[0]))
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
        if isinstance(node.op, ast.Pow):
            if (
                isinstance(left, Fraction)
                and isinstance(right, Fraction)
                and right.denominator == 1
                and (left or right > 0)
            ):
                size = len(str(abs(left.numerator))) + len(str(left.denominator))
                if abs(left) != 1 and size * abs(right) > MAX_DIGITS:
                    raise OverflowError("power too large")
                return left ** int(right)
            if cast("Fraction | float", abs(right)) > MAX_EXPONENT:  # mypy joins abs(Fraction | float) to object
                raise OverflowError("exponent too large")
            return math.pow(left, right)
    raise ValueError(f"not arithmetic: {type(node).__name__}")
