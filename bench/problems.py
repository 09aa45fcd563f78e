"""What every bench problem template returns, and the number formatting and names they share."""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction


@dataclass
class Problem:
    template: str
    answer_type: str
    description: list[str]
    rationale: list[str]
    steps: list[str]
    wrong_steps: list[str]
    answer: str
    """The reference answer as the data set states it."""
    said: list[str]
    """Ways a genuine completion states the right answer."""
    wrong_said: list[str]
    key_steps: list[list[str]]
    value: str = ""
    """The right value as text (for multiple-choice options)."""
    wrong_value: str = ""
    choices: dict[str, str] | None = None


def num(x) -> str:
    """A number as a model would write it: ``5``, ``7.5``, ``31.25``."""
    if isinstance(x, Fraction):
        x = float(x) if x.denominator != 1 else x.numerator
    if isinstance(x, float):
        if x.is_integer():
            return str(int(x))
        return f"{x:.4f}".rstrip("0").rstrip(".")
    return str(x)


def latex_frac(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"\\frac{{{f.numerator}}}{{{f.denominator}}}"


def simplify_sqrt(n: int) -> tuple[int, int]:
    """``sqrt(n) = k * sqrt(m)`` with m square-free."""
    k, m = 1, n
    d = 2
    while d * d <= m:
        while m % (d * d) == 0:
            m //= d * d
            k *= d
        d += 1
    return k, m


def sqrt_latex(k: int, m: int) -> str:
    if m == 1:
        return str(k)
    return f"\\sqrt{{{m}}}" if k == 1 else f"{k}\\sqrt{{{m}}}"


def pick(r: random.Random, *options):
    return r.choice(options)


UNITS = ("cm", "m", "units", "in", "mm")
VERTICES = (("A", "B", "C"), ("P", "Q", "R"), ("D", "E", "F"), ("X", "Y", "Z"), ("M", "N", "K"), ("L", "M", "N"))
