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

MAX_LENGTH = 200
MAX_EXPONENT = 1000.0
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


def numeric_value(answer: str) -> float | None:
    """The answer's value as a float, or None when it is not a closed-form number we can evaluate."""
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
    return value if math.isfinite(value) else None


def _python_expression(answer: str) -> str | None:
    s = answer
    for _ in range(4):
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
        kind, text = ("num", number) if number else ((name, name) if name else (op, "**" if op == "^" else op))
        if kinds and kinds[-1] in _LEFT_OPERAND and kind in _RIGHT_OPERAND and not (kinds[-1] == kind == "num"):
            tokens.append("*")
            kinds.append("*")
        tokens.append(text)
        kinds.append(kind)
        pos = m.end()
    return " ".join(tokens) or None


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id == "pi":
        return math.pi
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sqrt" and len(node.args) == 1 and not node.keywords:
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
            if abs(right) > MAX_EXPONENT or (abs(left) > 1e6 and abs(right) > 50):
                raise OverflowError("exponent too large")
            return math.pow(left, right)
    raise ValueError(f"not arithmetic: {type(node).__name__}")
