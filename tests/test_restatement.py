"""A value restated in parentheses right after it (``0.5 (50%)``, ``7 (3 + 4)``, ``\\frac{1}{2} (0.5)``) is the
value, neither a product with it nor a second claim; a parenthesis that names another number stays a second value,
and one written against the value (``3(2)``) stays a product."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from service.rewards.answers import AnswerJudge
from service.rewards.restatement import restated_value

SETTINGS = settings(max_examples=150, deadline=None)


def right(reference: str, section: str) -> bool:
    return AnswerJudge(reference).judge(section).correct


def _decimal(value: Fraction, places: int) -> str:
    return f"{float(value):.{places}f}"


@SETTINGS
@given(st.integers(1, 99), st.integers(2, 12), st.integers(2, 4), st.sampled_from(["{d}", "about {d}", "≈ {d}"]))
def test_a_fraction_restated_as_its_rounded_decimal_is_right(p, q, places, shape):
    value = Fraction(p, q)
    section = f"\\frac{{{p}}}{{{q}}} ({shape.format(d=_decimal(value, places))})"
    assert right(f"{p}/{q}", section), section


@SETTINGS
@given(st.integers(1, 99), st.integers(2, 12), st.integers(2, 4), st.integers(2, 9))
def test_a_fraction_beside_another_decimal_is_never_right(p, q, places, off):
    value = Fraction(p, q)
    other = float(value) + off * 10.0**-places
    section = f"\\frac{{{p}}}{{{q}}} ({other:.{places}f})"
    assert not right(f"{p}/{q}", section), section


@SETTINGS
@given(st.integers(0, 50), st.integers(0, 50), st.integers(-3, 3))
def test_working_in_parentheses_after_a_space_is_no_factor(a, b, off):
    """``7 (3 + 4)`` states 7 and shows its working: in text a parenthesis after a space is a clause, never a
    product (``3(2)`` against the value is one). Working that gives another number (``7 (3 + 5)``) is a second
    value: wrong against either."""
    total = a + b + off
    section = f"{total} ({a} + {b})"
    assert right(str(total), section) == (off == 0), section
    if total * (a + b) != total:
        assert not right(str(total * (a + b)), section), section


@SETTINGS
@given(st.integers(1, 99), st.sampled_from(["{p}%", "{p} \\%"]))
def test_a_share_restated_as_its_percent_is_right_and_another_percent_is_not(p, shape):
    share = _decimal(Fraction(p, 100), 2)
    assert right(share, f"{share} ({shape.format(p=p)})")
    assert not right(share, f"{share} ({shape.format(p=p + 1)})")


def test_restatements_in_the_styles_models_write():
    for reference, section in [
        ("0.5", "0.5 (50%)"),
        ("7", "7 (3 + 4)"),
        ("1/2", "\\frac{1}{2} (0.5)"),
        ("2\\sqrt{3}", "2\\sqrt{3} (about 3.46)"),
        ("7", "Seven (7)."),
        ("7", "7 (seven)"),
        ("0.5", "The answer is 0.5 (50%)."),
        ("\\pi", "\\pi (about 3.14)"),
        ("50", "50 (50%)"),
    ]:
        assert right(reference, section), section


def test_another_number_in_parentheses_is_not_a_restatement():
    for reference, section in [
        ("7", "7 (8)"),
        ("8", "7 (8)"),
        ("7", "7 (about 8)"),
        ("0.5", "0.5 (0.5%)"),
        ("0.005", "0.5 (0.5%)"),
        ("1/3", "\\frac{1}{3} (0.4)"),
        ("1/2", "\\frac{1}{2} (\\frac{1}{3})"),
        ("7", "7 (or 8)"),
        ("56", "7 (3 + 5)"),
        ("49", "7 (3 + 4)"),
    ]:
        assert not right(reference, section), section


def test_maths_against_the_value_stays_a_product():
    assert right("6", "$3(2)$")
    assert right("6", "3\\left(2\\right)")
    assert restated_value("3(2)") == "3(2)"
    assert not right("32", "$3(2)$")
