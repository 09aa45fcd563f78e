"""Key-step normalisation reads LaTeX from the one front end's tree (service/rewards/latex_plain.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.rewards.latex_plain import plain_latex
from service.rewards.text import latex_to_plain, tokens
from tests.test_latex import SOUP


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        ("\\frac{\\sqrt{3}}{2}", "√3/2"),
        ("\\frac{1}{2}", "1/2"),
        ("\\frac12", "0.5"),
        ("\\dfrac1{2}", "1/2"),
        ("\\tfrac{1}2", "1/2"),
        ("\\frac {3} {4}", "0.75"),
        ("10 \\cdot \\frac{\\sqrt{2}}{2}", "10 × √2/2"),
        ("\\frac{x+1}{2}", "(x + 1)/2"),
        ("\\frac{1}{x+2}", "1/(x+2)"),
        ("\\frac{\\frac{1}{2}}{3}", "(1/2)/3"),
        ("2\\frac{1}{2}", "2 1/2"),
        ("\\angle A = 60^{\\circ}", "angle A = 60 degrees"),
        ("\\angle A = 60^\\circ", "∠A = 60°"),
        ("AB \\le 5", "AB <= 5"),
        ("12 \\text{ cm}", "12 cm"),
        ("\\mathbf{AB} = 5", "AB = 5"),
        ("$x$ \\approx 3", "x = 3"),
        ("\\begin{pmatrix} \\frac{1}{2} & 1 \\end{pmatrix}", "begin pmatrix 0.5 & 1 end pmatrix"),
        ("\\\\frac{4}{3}", "4/3"),
    ],
)
def test_latex_reads_as_its_plain_spelling(latex, plain):
    assert tokens(latex) == tokens(plain)


def test_a_root_keeps_its_index():
    """``\\sqrt[3]{8}`` is a cube root, not ``\\sqrt{8}`` (the index was dropped before)."""
    assert tokens("\\sqrt[3]{8}") == ["root", "3", "of", "8"]
    assert tokens("\\sqrt[3]{8}") != tokens("\\sqrt{8}")
    assert tokens("\\sqrt{8}") == tokens("√8") == ["sqrt", "8"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(x+1)/2", ["x", "+", "1", "/", "2"]),
        ("1/(2+x)", ["1", "/", "2", "+", "x"]),
        ("(1)/(2)", ["0.5"]),
        ("x + 1/2", ["x", "+", "0.5"]),
        ("(3/4)", ["0.75"]),
        ("√2/2", ["sqrt", "2", "/", "2"]),
        ("x^2/4", ["x", "^", "2", "/", "4"]),
        ("s = (6 + 8 + 10) / 2", ["s", "=", "6", "+", "8", "+", "10", "/", "2"]),
    ],
)
def test_a_fraction_folds_only_where_it_divides_two_numbers(text, expected):
    """``n/m`` folds into one number only when ``n`` and ``m`` are the whole operands of the division: ``(x+1)/2``
    never reads as ``x + 0.5``, nor ``√2/2`` as ``√1``."""
    assert tokens(text) == expected


def test_the_written_text_around_latex_is_kept():
    assert plain_latex("Using \\frac{1}{2}bh, the  area is $12$.") == "Using  1/2 bh, the  area is  12 ."
    assert latex_to_plain("Café \\alpha") == "café alpha"
    assert plain_latex("2\\pi r + \\alpha\\beta") == "2pi r + alpha beta"


PROSE = st.text(st.characters(codec="ascii", exclude_characters="\\$\x00"), max_size=80)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=PROSE)
def test_text_without_latex_reads_as_written(text):
    assert plain_latex(text) == text


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=SOUP, prose=PROSE)
def test_any_latex_reads_without_raising(text, prose):
    tokens(prose + text + prose)
