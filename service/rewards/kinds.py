"""The kind of a reference answer, decided once per group, and the structured values some kinds have.

A reference is one of: an option (with or without ``choices``), yes/no, a quantity, a ratio, text (a word, a
name or a title: ``Garfield 2019 Wall Calendar`` is a title, not the number 2019), an expression, a set, a
list, an interval, a point, an equation with a left-hand label (``y = t^2 - 1``: the label is not part of
the value) or several named unknowns (``m = 4, n = 1``). Each kind has one grader in :mod:`.answers`;
this module holds the parsing they share. Every scan here is one pass over the text (linear time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction


class Kind(Enum):
    OPTION = "option"
    YES_NO = "yes_no"
    QUANTITY = "quantity"
    RATIO = "ratio"
    TEXT = "text"
    EXPRESSION = "expression"
    SET = "set"
    LIST = "list"
    INTERVAL = "interval"
    POINT = "point"
    EQUATION = "equation"
    NAMED = "named"


_SUBSCRIPT = r"(?:_(?:\{[^{}=]{1,20}\}|\w))?"
_NAME = rf"(?:[A-Za-z]{_SUBSCRIPT}'?|\\[A-Za-z]{{2,12}}{_SUBSCRIPT})"
_FUNCTION_HEAD = rf"{_NAME}(?:\s*\(\s*[A-Za-z](?:\s*,\s*[A-Za-z]){{0,3}}\s*\))?"
LABEL = re.compile(rf"^\s*{_FUNCTION_HEAD}\s*=\s*(?=\S)")
"""A left-hand label before a value: ``y = ``, ``g(t) = ``, ``I_{max} = ``, ``\\theta = ``."""
_POINT_LABEL = re.compile(r"^\s*[A-Z](?:_\{?\w{1,4}\}?)?'*\s*=?\s*(?=[(\[])")
"""A point's name before its coordinates: ``Q(4, -1)``, ``P = (1, 2)``."""
_SEPARATOR = re.compile(r"\s*(?:,|;|\\q?quad|\\text\{\s*(?:and|,)\s*\}|\band\b|\\(?:and|land|wedge)\b)\s*")
_ASSIGNMENT = re.compile(rf"(?<![\w\\])({_NAME})\s*=\s*")
_TUPLE_ASSIGNMENT = re.compile(rf"\(\s*({_NAME}(?:\s*,\s*{_NAME})+)\s*\)\s*=\s*\(([^()=]*)\)")
_RATIO = re.compile(r"(?<![\w.:])(-?\d+(?:\.\d+)?)((?:\s*(?::|\\colon|∶)\s*-?\d+(?:\.\d+)?)+)(?!\w|\.\d|\s*:\s*\d)")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_RATIO_PART = re.compile(r"-?\d+(?:\.\d+)?")
_INFINITY = re.compile(r"^[-+]?\s*(?:\\infty|∞|inf(?:inity)?)$", re.IGNORECASE)
_RELATION = re.compile(r"\\leqslant|\\geqslant|\\leq?|\\geq?|\\lt|\\gt|<=|>=|≤|≥|<|>")
_VARIABLE = re.compile(r"^\s*(?:[A-Za-z]|\\[a-z]+)\s*$")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
_MATH_MARK = re.compile(r"[\\^_=+*/(){}\[\]<>|$]")


@dataclass(frozen=True, slots=True)
class Bracketed:
    """``[1/3, 1/4]``, ``(4, -1)``, ``[-2, 3)``: the brackets and the items between them."""

    opening: str
    items: tuple[str, ...]
    closing: str


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """``text`` split at ``separator`` outside brackets and braces, in one pass."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def bracketed(text: str) -> Bracketed | None:
    """Two or more items between one pair of brackets (``\\left`` / ``\\right`` allowed)."""
    s = re.sub(r"\\left\s*|\\right\s*", "", text).strip()
    if len(s) < 2 or s[0] not in "([" or s[-1] not in ")]":
        return None
    inner = s[1:-1]
    depth = 0
    for ch in inner:
        depth += (ch in "([{") - (ch in ")]}")
        if depth < 0:
            return None
    items = split_top_level(inner)
    if depth or len(items) < 2 or not all(items):
        return None
    return Bracketed(s[0], tuple(items), s[-1])


def is_infinity(item: str) -> bool:
    return bool(_INFINITY.match(item.replace("+", "", 1).strip()))


def infinity_sign(item: str) -> int:
    return -1 if item.strip().startswith("-") else 1


def inequality_interval(text: str) -> Bracketed | None:
    """``-2 \\le x < 3`` -> ``[-2, 3)``, ``x > 5`` -> ``(5, \\infty)``: an inequality in one variable as the
    interval it describes; None for anything else."""
    s = text.replace("$", "").strip()
    relations = list(_RELATION.finditer(s))
    if not 1 <= len(relations) <= 2:
        return None
    sides = [s[: relations[0].start()]]
    sides += [s[a.end() : b.start()] for a, b in zip(relations, relations[1:], strict=False)]
    sides.append(s[relations[-1].end() :])
    ops = [_direction(r.group(0)) for r in relations]
    if len(relations) == 2:
        if ops[0][0] != ops[1][0] or not _VARIABLE.match(sides[1]) or _VARIABLE.match(sides[0]):
            return None
        low, high = (sides[0], sides[2]) if ops[0][0] == "<" else (sides[2], sides[0])
        inclusive_low, inclusive_high = (ops[0][1], ops[1][1]) if ops[0][0] == "<" else (ops[1][1], ops[0][1])
        return _interval(low.strip(), inclusive_low, high.strip(), inclusive_high)
    (direction, inclusive), (left, right) = ops[0], sides
    if _VARIABLE.match(left) and not _VARIABLE.match(right):
        bound, upper = right.strip(), direction == "<"
    elif _VARIABLE.match(right) and not _VARIABLE.match(left):
        bound, upper = left.strip(), direction == ">"
    else:
        return None
    if upper:
        return _interval("-\\infty", False, bound, inclusive)
    return _interval(bound, inclusive, "\\infty", False)


def _direction(relation: str) -> tuple[str, bool]:
    less = relation in ("<", "<=", "≤", "\\lt") or relation.startswith(("\\le", "\\leq"))
    inclusive = relation not in ("<", ">", "\\lt", "\\gt")
    return ("<" if less else ">"), inclusive


def _interval(low: str, inclusive_low: bool, high: str, inclusive_high: bool) -> Bracketed | None:
    if not low or not high:
        return None
    return Bracketed("[" if inclusive_low else "(", (low, high), "]" if inclusive_high else ")")


def without_point_label(text: str) -> str:
    """``Q(4, -1)`` -> ``(4, -1)``."""
    label = _POINT_LABEL.match(text)
    return text[label.end() :] if label else text


def assignments(text: str) -> list[tuple[str, str]]:
    """Every ``name = value`` in ``text``, in order: ``m = 4 and n = 1``, ``(x, y) = (2, 3)``. The value runs
    to the next separator (``,``, ``;``, ``and``, ``\\quad``) or the next assignment; in a chain
    (``m = 2 + 2 = 4``) it is the last side."""
    found: list[tuple[int, str, str]] = []
    for m in _TUPLE_ASSIGNMENT.finditer(text):
        names = [n.strip() for n in m.group(1).split(",")]
        values = split_top_level(m.group(2))
        if len(names) == len(values):
            found.extend((m.start(), name, value) for name, value in zip(names, values, strict=True))
    tuples = [(m.start(), m.end()) for m in _TUPLE_ASSIGNMENT.finditer(text)]
    depth = _depths(text)
    matches = [
        m
        for m in _ASSIGNMENT.finditer(text)
        if depth[m.start()] == 0 and not any(a <= m.start() < b for a, b in tuples)
    ]
    for m, after in zip(matches, [*matches[1:], None][: len(matches)], strict=True):
        end = after.start() if after is not None else len(text)
        value = _SEPARATOR.split(text[m.end() : end], maxsplit=1)[0]
        value = value.split("=")[-1].strip().rstrip(".").strip().strip("$").strip()
        if value:
            found.append((m.start(), m.group(1), value))
    found.sort()
    return [(name, value) for _, name, value in found]


def _depths(text: str) -> list[int]:
    """The bracket depth at each position (``k = 0`` in ``\\sum_{k=0}`` is not an answer's assignment)."""
    depths, depth = [], 0
    for ch in text:
        depths.append(depth)
        depth += (ch in "([{") - (ch in ")]}")
    return depths


def named_values(text: str) -> dict[str, str] | None:
    """A reference made only of two or more assignments to different names (``m = 4, n = 1``)."""
    pairs = assignments(text)
    if len(pairs) < 2 or len({name for name, _ in pairs}) != len(pairs):
        return None
    rest = _ASSIGNMENT.sub("", text)
    for _, value in pairs:
        rest = rest.replace(value, "", 1)
    if _SEPARATOR.sub("", rest).strip(" .$()") or "=" in "".join(v for _, v in pairs):
        return None
    return dict(pairs)


def ratios(text: str) -> list[tuple[Fraction, ...]]:
    """Every ratio of numbers written in ``text`` (``3:5``, ``6 : 10``, ``1:2:3``), as its parts."""
    found = []
    for m in _RATIO.finditer(text):
        found.append(tuple(Fraction(part) for part in _RATIO_PART.findall(m.group(0))))
    return found


def ratio_value(text: str) -> tuple[Fraction, ...] | None:
    """A reference that is exactly one ratio; a time of day (``12:00``, ``4:30``) is not one."""
    text = text.replace("$", "").strip()
    if _CLOCK.fullmatch(text):
        return None
    m = _RATIO.fullmatch(text)
    return tuple(Fraction(part) for part in _RATIO_PART.findall(m.group(0))) if m else None


def proportional(a: tuple[Fraction, ...], b: tuple[Fraction, ...]) -> bool:
    """``6:10`` and ``3:5`` name the same ratio."""
    if len(a) != len(b):
        return False
    return all(x * b[0] == y * a[0] for x, y in zip(a, b, strict=True)) and any(a) and any(b)


def is_title(text: str) -> bool:
    """Words with a number inside, and no maths: a name or a title (``Best Short Stories 2011``), judged as
    text, never by the number in it."""
    if _MATH_MARK.search(text):
        return False
    words = _TITLE_WORD.findall(text)
    return len([w for w in words if len(w) >= 3]) >= 2 and bool(re.search(r"\d", text))
