"""A value restated in parentheses right after it: ``0.5 (50%)``, ``7 (3 + 4)``, ``\\frac{1}{2} (0.5)``,
``2\\sqrt{3} (about 3.46)``, ``Seven (7)``.

Models write the same value a second way, or the working that gives it, in a parenthesis after the value. Read as
maths that is a product (``7 (3 + 4)`` is 49) and read as prose a second value; it is neither: when the parenthesis
names the same number (exactly, or to the precision it shows, or as an approximation it says it is), the value
before it is the answer. A parenthesis that names another number (``7 (8)``) is left alone, for the claims reader to
grade as another value offered, and one written against the value (``3(2)``) is maths, a product.
"""

from __future__ import annotations

import re
from fractions import Fraction

from .number_words import NUMBER_WORD, number_word_value
from .numeric import numeric_value

_TRAILING = re.compile(r"(?P<before>\S.*?)\s+\(\s*(?P<inner>[^()]{1,80}?)\s*\)[\s.]*")
"""A value, then a parenthesis after a space that closes the text."""
_APPROXIMATE = re.compile(
    r"^(?:(?:about|approximately|approx\.?|roughly|around|nearly|circa|ca\.)\s+|≈\s*|~\s*|\\approx\s*|=\s*)",
    re.IGNORECASE,
)
"""What may open a restatement: an approximation word or sign, or ``=`` (``7 (= 3 + 4)``)."""
_ASSIGNED = re.compile(r"^\s*[A-Za-z](?:_\{?\w+\}?)?\s*=\s*")
_PERCENT = re.compile(r"\s*\\?%$")
_DECIMALS = re.compile(r"\d\.(\d+)")
_WRAPPING = re.compile(r"^[\s$*`]+|[\s$*`]+$")


def restated_value(text: str) -> str:
    """``text`` without a parenthesis at its end that restates the value before it (see the module); else
    ``text`` as it is."""
    m = _TRAILING.fullmatch(text)
    if m is None:
        return text
    before, inner = m.group("before"), m.group("inner")
    return before if restates(before, inner) else text


def approximation(inner: str) -> bool:
    """A parenthesis that gives an approximate value (``about 8``, ``≈ 3.46``): a restatement when it rounds the
    value before it, another value when it does not (``7 (about 8)``)."""
    opened = _APPROXIMATE.match(inner.strip())
    return opened is not None and opened.group(0).strip() != "="


def restates(value: str, inner: str) -> bool:
    """Whether ``inner`` names the number ``value`` names: exactly, rounded or cut to the decimals it shows
    (``0.333``, ``3.46``), or rounded to a whole number when it says it approximates (``about 3``); zero restates
    only zero (``\\frac{1}{3} (about 0)`` names nothing of the value). A percent is the fraction it names (``50%``
    restates ``0.5``), or its number beside a plain number of 1 or more (``50 (50%)``), as
    :func:`.answers.quantities_equal` compares them."""
    approximate = _APPROXIMATE.match(inner.strip())
    said = inner.strip()[approximate.end() :] if approximate else inner.strip()
    a, b = _number(_ASSIGNED.sub("", value)), _number(said)
    if a is None or b is None:
        return False
    (a_value, a_percent), (b_value, b_percent) = (float(a[0]), a[1]), (float(b[0]), b[1])
    pairs = [(a_value / 100 if a_percent else a_value, b_value / 100 if b_percent else b_value)]
    if a_percent != b_percent and abs(a_value if b_percent else b_value) >= 1:
        pairs.append((a_value, b_value))
    if b_value == 0 != a_value:
        return False
    shown = max((len(d) for d in _DECIMALS.findall(said)), default=None)
    if shown is None and (approximate is None or approximate.group(0).strip() == "="):
        return any(x == y or abs(x - y) <= 1e-12 * max(1.0, abs(x)) for x, y in pairs)
    return any(_rounded_or_cut(x, y, shown or 0) for x, y in pairs)


def names_another(value: str, inner: str) -> bool:
    """Whether a parenthesis after ``value`` evaluates to another number: working that gives another value
    (``7 (3 + 5)``, ``7 (= 4 + 4)``, ``7 (8/1)``, ``7 (4 + 4 = 8)``: an equation's last side) or an approximation of
    another (``\\frac{1}{3} (about 0)``) is a second value, not the first one's working."""
    opened = _APPROXIMATE.match(inner.strip())
    said = inner.strip()[opened.end() :] if opened else inner.strip()
    if "=" in said:
        said = inner = said.rsplit("=", 1)[1]
    return _number(said) is not None and _number(_ASSIGNED.sub("", value)) is not None and not restates(value, inner)


def other_working(text: str) -> str | None:
    """The parenthesis closing ``text`` when it names another number than the value before it (``7 (3 + 5)``,
    :func:`names_another`); else None."""
    m = _TRAILING.fullmatch(text)
    if m is None or not names_another(m.group("before"), m.group("inner")):
        return None
    return m.group("inner")


def _rounded_or_cut(value: float, shown: float, places: int) -> bool:
    """``shown`` is ``value`` rounded or cut to ``places`` decimals (``0.333`` and ``0.334`` of ``1/3`` are not
    both: only ``0.333`` is)."""
    step, slack = 10.0**-places, 1e-9 * max(1.0, abs(value))
    diff = value - shown
    return abs(diff) <= step / 2 + slack or (0 <= diff * (1 if value >= 0 else -1) < step)


def _number(text: str) -> tuple[Fraction | float, bool] | None:
    """The number a piece of text names, in digits, maths or words, and whether it is a percent."""
    s = _WRAPPING.sub("", text).rstrip(".")
    percent = _PERCENT.search(s)
    if percent is not None:
        s = s[: percent.start()]
    if (word := NUMBER_WORD.fullmatch(s)) is not None:
        s = number_word_value(word)
    if not re.search(r"\d", s) and "\\" not in s:
        return None
    value = numeric_value(s)
    return None if value is None else (value, percent is not None)
