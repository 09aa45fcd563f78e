"""The safe evaluator of closed-form numeric answers."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.rewards.numeric import numeric_value

PIECES = [
    "\\frac", "\\dfrac", "\\sqrt", "{", "}", "(", ")", "[", "]", "^", "**", "2", "10", "0", "0.5", ".", "+", "-", "*",
    "/", "\\cdot", "\\times", "\\div", "×", "÷", "π", "√", "\\pi", "pi", "sqrt", " ", "\\left(", "\\right)", "\\,",
    "$", "x", "!", "\\frac{1}{2}", "2\\frac{1}{3}", "999", "9^{9}",
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5\\sqrt{2}", 5 * math.sqrt(2)),
        ("\\frac{3}{4}\\pi", 0.75 * math.pi),
        ("2^{10}", 1024.0),
        ("(1+2)(3+4)", 21.0),
        ("-\\frac{1}{2}", -0.5),
        ("2 \\times 10^{3}", 2000.0),
        ("3.5", 3.5),
    ],
)
def test_values(text, value):
    assert numeric_value(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "x+1",
        "\\{1,2\\}",
        "(0,1]",
        "5!",
        "e^2",
        "3 cm",
        "\\sqrt[3]{8}",
        "",
        "1/0",
        "10^{10^{10}}",
        "__import__('os').system('true')",
        "(lambda: 1)()",
        "[1][0]",
        "2**2**2**2**2",
        "1" * 300,
    ],
)
def test_anything_else_is_none(text):
    assert numeric_value(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2^3^2", 512.0),  # read as Python reads it: 2^(3^2)
        ("2^-1^2", 0.5),  # the sign takes the rest of the run: 2^-(1^2)
        ("-2^2", -4.0),
        ("6/2(3)", 9.0),
        ("2 * -3 * 4", -24.0),
        ("-2\\frac{1}{2}", -2.5),  # a mixed number
        ("3 \\cdot 2\\frac{1}{2}", 7.5),
        ("2\\frac{1}{3}^2", 49 / 9),  # (2 1/3)^2
        ("1\\,000", 1000.0),  # a thin space between digit groups
        ("\\left(1+2\\right)^{2}", 9.0),
        ("sqrt(2)^2", 2.0),
        ("\\frac{1}{\\frac{1}{\\frac{1}{\\frac{1}{2}}}}", 2.0),
        ("\\sqrt{\\sqrt{\\sqrt{\\sqrt{16}}}}", 16 ** (1 / 16)),
    ],
)
def test_the_reading_of_operators(text, value):
    assert numeric_value(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "2 3",  # two numbers side by side
        "012",  # a leading zero: a code or a time
        "\\frac{1}{2^{3}}",  # braces inside a fraction's argument
        "\\frac{1}{\\frac{1}{\\frac{1}{\\frac{1}{\\frac{1}{2}}}}}",  # nested past four rounds
        "\\sqrt{\\sqrt{\\sqrt{\\sqrt{\\sqrt{16}}}}}",
        "\\frac12",
        "\\cfrac{1}{2}",
        "\\sqrt(4)",
        "[2]",
        "2)",
        "1, 2",
        "x = 2",
        "\\pm 2",
        "pipi",
    ],
)
def test_what_is_left_to_math_verify(text):
    assert numeric_value(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("√2", math.sqrt(2)),  # was None (only √0.5 was read, by an accident of its spelling)
        ("2√3", 2 * math.sqrt(3)),
        ("\\pi2", 2 * math.pi),  # \pi touching a digit or command was left unread
        ("\\pi\\sqrt{3}", math.pi * math.sqrt(3)),
        ("\\displaystyle\\frac{1}{2}", 0.5),  # sizing commands are dropped, as the growth guard drops them
        ("\\big(2\\big)", 2.0),
        ("2\\,\\frac{1}{2}", 2.5),  # a mixed number with a thin space (was 2 x 1/2 = 1)
    ],
)
def test_readings_the_tree_added(text, value):
    """Readings that changed when numeric evaluation moved onto the LaTeX tree (service/rewards/latex.py)."""
    assert numeric_value(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["3××2", "2*\\times 3", "10\\cdot·2"])
def test_two_multiplication_signs_are_not_a_power(text):
    """The old rewrite into Python turned ``××`` into ``**``: ``3××2`` was 9."""
    assert numeric_value(text) is None


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_any_text_is_a_value_or_none(text):
    value = numeric_value(text)
    assert value is None or isinstance(value, Fraction) or math.isfinite(value)
