"""Numbers written in words, with their scale and fraction words: ``seven hundred`` is 700, ``two fifths`` 2/5.

A scale or fraction word is part of the value it follows: reading ``seven hundred`` as 7 or ``one third`` as 1
would pay an answer a hundred times too large, or one that names a different number. One pattern finds a
number phrase (no nested repetition, so it runs in linear time) and :func:`number_word_value` turns it into
the digits the graders read.
"""

from __future__ import annotations

import re
from fractions import Fraction

_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
TENS = frozenset(_TENS)
UNITS = frozenset(_SMALL[1:10])
"""``twenty`` and ``one`` of ``twenty-one``: a hyphenated number is one word (:func:`.text.tokens`)."""
_CARDINALS = {word: i for i, word in enumerate(_SMALL)} | {word: 20 + 10 * i for i, word in enumerate(_TENS)}
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12, "dozen": 12}
"""Words that multiply the number before them, in words or digits (``4 thousand``, ``7 dozen``)."""
_DENOMINATORS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "quarter": 4,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "hundredth": 100,
    "thousandth": 1000,
}
_CARDINAL = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b)?|"
    r"(?:" + "|".join(sorted(_SMALL, key=len, reverse=True)) + r"))\b"
)
_DENOMINATOR = r"(?:" + "|".join(sorted(_DENOMINATORS, key=len, reverse=True)) + r")s?\b"
_SCALE = r"(?:" + "|".join(SCALES) + r")\b"
_HUNDREDS = rf"{_CARDINAL}(?:\s+hundred\b(?:\s+(?:and\s+)?{_CARDINAL})?)?"
NUMBER_WORD = re.compile(
    rf"\b(?:(?P<sign>negative|minus)\s+)?(?:(?P<article>an?)\s+(?P<single>{_DENOMINATOR})(?!-)|{_CARDINAL}"
    rf"(?:\s+and\s+(?:an?|{_CARDINAL})[-\s]+(?P<part>{_DENOMINATOR})"
    rf"|[-\s]+(?P<fraction>{_DENOMINATOR})"
    rf"|(?:\s+hundred\b(?:\s+(?:and\s+)?{_CARDINAL})?)?(?:\s+{_SCALE}(?:\s+(?:and\s+)?{_HUNDREDS})?)*))",
    re.IGNORECASE,
)
"""A number in words: ``twenty-one``, ``seven hundred``, ``two hundred and five``, ``four thousand``, ``two
thousand five hundred``, ``one half``, ``a half``, ``one third``, ``three quarters``, ``one and a half``, ``two and
three quarters``, ``negative three``. Each repeat starts at a scale word, so a phrase is matched in one pass."""
FRACTION_GROUPS = ("fraction", "single", "part")
"""The groups of :data:`NUMBER_WORD` that hold a fraction word: the word is part of the number, no operation."""


def number_word_value(match: re.Match[str]) -> str:
    """The digits a :data:`NUMBER_WORD` match names: ``700``, ``2/5``, ``-3``, ``3/2`` (``one and a half``)."""
    words = re.findall(r"[a-z]+", match.group(0).lower())
    sign = "-" if match.group("sign") else ""
    if match.group("sign"):
        words = words[1:]
    if match.group("single"):
        return f"{sign}1/{_denominator(words[-1])}"
    if match.group("part"):
        whole = sum(_CARDINALS.get(word, 0) for word in words[: words.index("and")])
        numerator = _CARDINALS.get(words[-2], 1)
        return f"{sign}{Fraction(whole) + Fraction(numerator, _denominator(words[-1]))}"
    if match.group("fraction"):
        numerator = sum(_CARDINALS[word] for word in words[:-1])
        return f"{sign}{numerator}/{_denominator(words[-1])}"
    total, group = 0, 0
    for word in words:
        if word in _CARDINALS:
            group += _CARDINALS[word]
        elif word in ("hundred", "dozen"):
            group *= SCALES[word]
        elif word in SCALES:
            total, group = total + group * SCALES[word], 0
    return f"{sign}{total + group}"


def _denominator(word: str) -> int:
    return _DENOMINATORS.get(word, _DENOMINATORS.get(word[:-1], 1))
