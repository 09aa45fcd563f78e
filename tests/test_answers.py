"""Final-answer equivalence (AnswerJudge), one answer family at a time, and its non-equivalences."""

from __future__ import annotations

import pytest

from service.rewards.answers import AnswerJudge, braced_exponents, clean_answer
from service.rewards.sections import answer_text, parse_completion


def same(reference: str, stated: str, choices: dict[str, str] | None = None) -> bool:
    return AnswerJudge(reference, choices).judge(stated).correct


CHOICES = {"A": "3", "B": "5", "C": "7", "D": "12 cm"}


# ---------------------------------------------------------------- no answer


def test_no_stated_answer_is_wrong():
    verdict = AnswerJudge("5").judge(None)
    assert not verdict.correct and verdict.method == "none"


def test_empty_stated_answer_is_wrong():
    assert not same("5", "  $ $ ")


# ---------------------------------------------------------------- multiple choice


@pytest.mark.parametrize(
    "stated",
    [
        "B",
        "b",
        "(B)",
        "[B]",
        "B.",
        "B:",
        "B) 5",
        "Option B",
        "option b",
        "Choice B",
        "**B**",
        "$B$",
        "\\boxed{B}",
        "The answer is B",
    ],
)
def test_letter_spellings_match_letter_reference(stated):
    assert same("B", stated)


@pytest.mark.parametrize("reference", ["(B)", "B.", "B)"])
def test_letter_reference_spellings_match_bare_letter(reference):
    assert same(reference, "B")


@pytest.mark.parametrize("stated", ["C", "(C)", "Option A", "c."])
def test_other_letter_is_wrong(stated):
    assert not same("B", stated)


@pytest.mark.parametrize("stated", ["Both", "Because", "B 5"])
def test_word_starting_with_the_letter_is_not_the_letter(stated):
    assert not same("B", stated)


def test_choice_text_matches_letter_reference_when_choices_given():
    assert same("B", "5", CHOICES)
    assert same("B", "5.0", CHOICES)
    assert same("D", "12", CHOICES)


def test_other_choice_text_is_wrong():
    assert not same("B", "3", CHOICES)


def test_text_matching_no_choice_is_wrong():
    assert not same("B", "six", CHOICES)
    assert not same("B", "seven", CHOICES)


def test_a_number_word_names_the_choice_with_that_value():
    assert same("B", "five", CHOICES)


def test_reference_given_as_choice_text_matches_letter():
    assert same("5", "B", CHOICES)
    assert same("12 cm", "D", CHOICES)
    assert not same("5", "C", CHOICES)


def test_letter_not_among_choices_is_wrong():
    assert not same("B", "E", {"A": "3", "B": "5"})


@pytest.mark.parametrize("stated", ["(A) or (B)", "(B) or (C)", "B) or C)", "B: or C:", "B. or C.", "B. C."])
def test_answer_marking_several_options_is_wrong(stated):
    assert not same("B", stated)
    assert not same("B", stated, {"A": "3", "B": "5", "C": "7"})


def test_letter_with_option_text_matches():
    assert same("B", "(B) 5", {"A": "3", "B": "5"})


def test_option_spelled_reference_matches_bare_letter():
    assert same("Option C", "C")


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "stated", ["5", "5.0", "5.00", "5 cm", "5cm", "5 cm^2", "5 units", "$5$", "\\boxed{5}", "**5**", "5."]
)
def test_number_with_unit_or_wrapper_matches(stated):
    assert same("5", stated)


def test_reference_with_unit_matches_bare_number():
    assert same("5 cm", "5")


@pytest.mark.parametrize(
    "reference, stated, correct",
    [
        ("60", "60 km/h", True),
        ("60 km/h", "60", True),
        ("9.8", "9.8 m/s^2", True),
        ("5", "5 m / s", True),
        ("61", "60 km/h", False),
        ("3", "3 a/b", False),
        ("60", "60 km/h/s/x", False),
    ],
)
def test_units_with_a_slash_are_units(reference, stated, correct):
    assert same(reference, stated) is correct
    assert same("25 m^2", "25")


@pytest.mark.parametrize(
    "reference,stated",
    [("50%", "50"), ("50%", "0.5"), ("0.5", "50%"), ("50%", "50 percent"), ("50%", "50\\%"), ("10%", "0.1")],
)
def test_percent_forms_match(reference, stated):
    assert same(reference, stated)


def test_percent_is_not_confused_with_a_hundredth():
    assert not same("50%", "0.5%")
    assert not same("0.5", "50")


@pytest.mark.parametrize(
    "reference,stated",
    [
        ("30", "30°"),
        ("30°", "30"),
        ("30", "30^\\circ"),
        ("30", "30^{\\circ}"),
        ("30", "30 degrees"),
        ("45°", "45 degrees"),
    ],
)
def test_degree_forms_match(reference, stated):
    assert same(reference, stated)


def test_different_angles_do_not_match():
    assert not same("30°", "60°")


@pytest.mark.parametrize(
    "reference,stated", [("1000", "1,000"), ("1,000", "1000"), ("1234567", "1,234,567"), ("1234.5", "1,234.50")]
)
def test_thousands_separators_match(reference, stated):
    assert same(reference, stated)


def test_comma_is_not_a_decimal_point():
    assert not same("1,000", "1.000")


@pytest.mark.parametrize(
    "reference,stated",
    [
        ("1000", "1e3"),
        ("0.001", "1e-3"),
        ("1500", "1.5e3"),
        ("1500", "1.5 × 10^3"),
        ("1000", "1 \\times 10^3"),
        ("30000", "3 \\times 10^{4}"),
        ("1.2E-4", "0.00012"),
    ],
)
def test_scientific_notation_matches(reference, stated):
    assert same(reference, stated)


def test_unicode_minus_matches_ascii_minus():
    assert same("-3", "−3")
    assert same("-3", "−3.0")
    assert same("-3 cm", "−3 cm")


def test_sign_matters():
    assert not same("-3", "3")
    assert not same("12", "-12")


def test_pi_symbol_matches_latex_pi():
    assert same("\\pi", "π")
    assert same("2\\pi", "2π")


def test_times_sign_is_multiplication():
    assert same("6", "2×3")
    assert same("6", "2 \\times 3")


def test_fraction_and_decimal_match():
    assert same("0.5", "1/2")
    assert same("1/2", "0.5")


def test_rounded_decimal_matches_fraction_to_shown_places():
    assert same("1/3", "0.33")
    assert not same("1/3", "0.3")


@pytest.mark.parametrize(
    "reference,stated",
    [
        ("5", "6"),
        ("0", "0.4"),
        ("0.4", "0"),
        ("5", "50"),
        ("12", "1.2"),
        ("5", "5.01"),
        ("2.5", "2.50001"),
        ("100", "99.99"),
    ],
)
def test_different_numbers_do_not_match(reference, stated):
    assert not same(reference, stated)


def test_number_with_variable_is_not_the_number():
    assert not same("2", "2x")
    assert not same("2x", "2")
    assert not same("5", "5x")


def test_multiple_of_pi_is_not_the_number():
    assert not same("5", "5 pi")


def test_unit_with_superscript_matches():
    assert same("5", "5 cm²")


def test_superscript_square_is_a_power():
    assert same("25", "5²")
    assert not same("52", "5²")


def test_unicode_scientific_notation():
    assert same("30000", "3 × 10⁴")
    assert not same("312", "3 × 10⁴")


# ---------------------------------------------------------------- powers: braced exponents


def test_braced_exponents_braces_parenthesised_powers_recursively():
    assert braced_exponents("5^(5^(5^5))") == "5^{(5^{(5^{5})})}"


@pytest.mark.parametrize(
    "text,expected",
    [("x^10", "x^{10}"), ("5^(2+1)", "5^{(2+1)}"), ("2**3", "2^{3}"), ("a^ (b)", "a^{(b)}"), ("x^{2}", "x^{2}")],
)
def test_braced_exponents_forms(text, expected):
    assert braced_exponents(text) == expected


def test_braced_exponents_leaves_unbalanced_parentheses_alone():
    assert braced_exponents("5^(2") == "5^(2"


@pytest.mark.parametrize("stated", ["5^(2)", "5^2", "5**2"])
def test_power_is_not_its_base(stated):
    assert not same("5", stated)


def test_power_equals_its_value():
    assert same("25", "5^(2)")
    assert same("25", "5^2")


# ---------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    "reference,stated",
    [
        ("Yes", "yes"),
        ("Yes", "Yes."),
        ("yes", "True"),
        ("yes", "Y"),
        ("No", "no."),
        ("no", "n"),
        ("yes", "Yes, it is."),
        ("No", "No, because the bars differ."),
    ],
)
def test_yes_no_forms_match(reference, stated):
    assert same(reference, stated)


@pytest.mark.parametrize("reference,stated", [("Yes", "No"), ("No", "Yes"), ("yes", "yesterday"), ("no", "none")])
def test_yes_no_mismatches(reference, stated):
    assert not same(reference, stated)


# ---------------------------------------------------------------- short text


@pytest.mark.parametrize(
    "reference,stated",
    [
        ("red", "Red"),
        ("red", "red."),
        ("New York", "new york!"),
        ("the cat", "cat"),
        ("a circle", "Circle"),
        ("circle", "A circle."),
        ("triangle", "an triangle"),
    ],
)
def test_short_text_ignores_case_punctuation_and_articles(reference, stated):
    assert same(reference, stated)


@pytest.mark.parametrize(
    "reference,stated",
    [("red", "blue"), ("red", "reddish"), ("red", "The red one"), ("triangle", "an equilateral triangle")],
)
def test_short_text_mismatches(reference, stated):
    assert not same(reference, stated)


# ---------------------------------------------------------------- LaTeX and symbolic (math-verify)


@pytest.mark.parametrize(
    "reference,stated",
    [
        ("\\frac{3}{4}", "0.75"),
        ("\\frac{3}{4}", "3/4"),
        ("3/4", "\\frac{3}{4}"),
        ("\\dfrac{3}{4}", "\\frac34"),
        ("\\frac{1}{2}", "0.5"),
        ("\\frac{\\pi}{2}", "\\pi/2"),
    ],
)
def test_latex_fractions_match(reference, stated):
    assert same(reference, stated)


@pytest.mark.parametrize(
    "reference,stated", [("\\sqrt{2}", "\\sqrt 2"), ("2\\sqrt{2}", "\\sqrt{8}"), ("\\sqrt{2}", "1.41421356")]
)
def test_square_roots_match(reference, stated):
    assert same(reference, stated)


def test_closed_forms_follow_the_rounding_rule_of_quantities():
    """A decimal with two or more shown places matches a closed form rounded to as many places."""
    assert same("\\sqrt{2}", "1.414") and same("5\\sqrt{2}", "7.07") and same("25\\pi", "78.54")
    assert not same("\\sqrt{2}", "1.4") and not same("\\sqrt{2}", "1.42") and not same("\\pi", "3")


@pytest.mark.parametrize(
    ("reference", "stated"),
    [
        ("5\\sqrt{2}", "\\sqrt{50}"),
        ("1024", "2^{10}"),
        ("50%", "\\frac{1}{2}"),
        ("25\\pi", "25π"),
        ("\\frac{\\sqrt{3}}{2}", "\\frac{1}{2}\\sqrt{3}"),
    ],
)
def test_closed_form_numbers_are_evaluated_without_sympy(reference, stated):
    verdict = AnswerJudge(reference).judge(stated)
    assert (verdict.correct, verdict.method) == (True, "numeric")


def test_different_roots_do_not_match():
    assert not same("\\sqrt{8}", "2\\sqrt{3}")
    assert not same("4\\sqrt{3}", "4\\sqrt{2}")


def test_sets_match_in_any_order():
    assert same("\\{1,2,3\\}", "\\{3,2,1\\}")
    assert not same("\\{1,2\\}", "\\{1,3\\}")


@pytest.mark.parametrize(
    "reference,stated", [("(0,1)", "(0, 1)"), ("(-\\infty,2)", "(-\\infty, 2)"), ("[1,3)", "[1, 3)")]
)
def test_intervals_match_up_to_spacing(reference, stated):
    assert same(reference, stated)


def test_disjoint_intervals_do_not_match():
    assert not same("(-\\infty,2)", "(2,\\infty)")


@pytest.mark.parametrize(
    "reference,stated",
    [("x^2+2x+1", "(x+1)^2"), ("2x+3", "3+2x"), ("2(x+1)", "2x+2"), ("x=2", "2"), ("2", "x=2"), ("y = 2x+1", "2x+1")],
)
def test_equivalent_expressions_match(reference, stated):
    assert same(reference, stated)


@pytest.mark.parametrize(
    "reference,stated",
    [("x^2+1", "(x+1)^2"), ("2x", "2y"), ("\\frac{1}{2}", "\\frac{1}{3}"), ("x \\geq 2", "x \\leq 2")],
)
def test_different_expressions_do_not_match(reference, stated):
    assert not same(reference, stated)


@pytest.mark.parametrize(
    "reference,stated",
    [
        ("x+1", "x-1"),
        ("2x+3", "2x-3"),
        ("x>2", "x<2"),
        ("x=-2", "x=2"),
        ("-x", "x"),
        ("2-\\sqrt{3}", "2+\\sqrt{3}"),
        ("5!", "5"),
        ("1/2", "1-2"),
        ("(0,1)", "[0,1]"),
        ("(1,3]", "[1,3]"),
    ],
)
def test_answers_differing_only_in_operators_or_brackets_do_not_match(reference, stated):
    assert not same(reference, stated)


# ---------------------------------------------------------------- extraction from a completion


def test_clean_answer_strips_wrappers():
    assert clean_answer("$\\boxed{42}$.") == "42"
    assert clean_answer("**The answer is 42**") == "42"


def test_bold_answer_after_header_is_judged():
    parsed = parse_completion("### Step 1:\nwork\n**The final answer is:** B")
    assert AnswerJudge("B").judge(answer_text(parsed)).correct


@pytest.mark.parametrize(
    "line", ["### The final answer is: **B**", "**The final answer is: B**", "### **The final answer is: B**"]
)
def test_bolded_letter_answer_is_judged_correct(line):
    parsed = parse_completion("### Step 1:\nwork\n" + line)
    assert AnswerJudge("B").judge(answer_text(parsed)).correct


@pytest.mark.parametrize(
    ("reference", "stated"),
    [
        ("\\sqrt{58}", "\\sqrt{58} in"),
        ("196\\pi", "196\\pi square in"),
        ("5\\sqrt{2}", "5\\sqrt{2} cm"),
        ("62.83", "\\approx 62.83"),
        ("62.83", "≈ 62.83"),
    ],
)
def test_units_after_latex_and_approximately_are_read_through(reference, stated):
    assert same(reference, stated)


@pytest.mark.parametrize(
    ("reference", "stated", "method"),
    [("\\frac{4}{11}", "4/11", "numeric"), ("\\frac{4}{11}", "\\frac{4}{7}", "numeric")],
)
def test_latex_fractions_take_the_cheap_numeric_path(reference, stated, method):
    verdict = AnswerJudge(reference).judge(stated)
    assert verdict.method == method and verdict.correct == (stated == "4/11")


def test_math_words_are_not_units():
    assert not same("2", "2 pi") and not same("3", "3 sin x")


@pytest.mark.parametrize("stated", ["5 is wrong", "5 or six", "maybe 5", "5, probably", "6 = 5", "5 = 5 or 6"])
def test_hedged_or_commented_numbers_are_wrong(stated):
    assert not same("5", stated)


def test_a_text_reference_is_never_read_as_maths():
    assert not same("red", "d*e*r") and same("red", "Red.")


def test_boxed_answers_are_unboxed_in_linear_time():
    from service.rewards.answers import unboxed

    assert unboxed("\\boxed{\\frac{1}{2}} cm") == "\\frac{1}{2}"
    assert unboxed("\\boxed{" * 20000) == "\\boxed{" * 20000


def test_huge_numbers_are_not_quantities():
    from service.rewards.answers import parse_quantity

    assert parse_quantity("9" * 5000) is None


@pytest.mark.parametrize(
    "stated",
    [
        "10^{10^{10}}",
        "2^{2^{100}}",
        "10^{10}!",
        "99999999999!",
        "(1+x)^{1000000}",
        "e^{e^{e^{e^{e}}}}",
        "9^{9^{9^9}}",
        "5^(5^(5^5))",
        "9" * 5000,
    ],
)
def test_answers_too_large_to_evaluate_are_wrong_without_sympy(stated):
    verdict = AnswerJudge("5").judge(stated)
    assert (verdict.correct, verdict.method) == (False, "guard")


def test_the_guard_leaves_ordinary_powers_to_math_verify():
    assert same("25", "5^2") and same("1024", "2^{10}") and same("120", "5!")


@pytest.mark.parametrize(
    ("reference", "stated", "correct"),
    [
        ("7", "x = 7", True),
        ("7", "x = 8", False),
        ("12\\sqrt{2}", "12\\sqrt{2} m", True),
        ("\\sqrt{85}", "11 cm", False),
        ("25\\pi", "25\\pi square mm", True),
        ("2x", "y = 2x", True),
    ],
)
def test_assignments_and_units_take_the_cheap_path(reference, stated, correct):
    verdict = AnswerJudge(reference).judge(stated)
    assert verdict.correct is correct
    if reference != "2x":
        assert verdict.method == "numeric"


@pytest.mark.parametrize(
    ("reference", "stated", "correct"),
    [
        ("2^{40}", "2^{40}-1", False),
        ("3^{20}", "3486784403", False),
        ("3486784401", "3486784403", False),
        ("1099511627776", "2^{40}+1", False),
        ("\\frac{\\pi}{1000}", "0.00", False),
        ("\\frac{5}{2}", "2\\frac{1}{2}", True),
        ("0.3", "0.1+0.2", True),
        ("1", "(-1)^{2024}", True),
        ("yes", "x = yes", False),
        ("12\\sqrt{2}", "12\\sqrt{2} S", False),
        ("1024", "2^{10} minus one", False),
        ("5\\sqrt{2}", "5\\sqrt{2} squared", False),
        ("120", "(5)!", True),
        ("n(n-1)", "\\frac{n!}{(n-2)!}", True),
        ("7", "((10^{999})^{999})^{999}", False),
    ],
)
def test_exact_values_stay_exact_and_the_guard_spares_ordinary_answers(reference, stated, correct):
    assert same(reference, stated) is correct


def test_unit_stripping_and_long_answers_cost_little():
    from service.rewards.answers import without_units

    assert without_units("1" + " m" * 8000 + " 1").endswith(" 1")
    verdict = AnswerJudge("7").judge("1" + " ab" * 6000 + " 1")
    assert (verdict.correct, verdict.method) == (False, "guard")


@pytest.mark.parametrize("stated", ["5 squared", "5 doubled twice", "5 over 2", "5 more"])
def test_value_changing_words_are_not_units(stated):
    assert not same("5", stated)


def test_long_prose_with_no_value_goes_to_math_verify_or_the_guard():
    """A long final-answer sentence that states no readable value, against a symbolic reference: math-verify
    reads the whole text unless its maths grows without bound (this path once raised a NameError)."""
    prose = (
        "Considering everything established about the triangle and the angle at the vertex, together with "
        "the symmetry argument and the identity for the sine of sixty degrees, the quantity we want is "
    )
    plain = AnswerJudge(r"\frac{\sqrt{3}}{2}").judge(prose + "the familiar half of root three.")
    assert (plain.correct, plain.method) == (False, "math_verify_text")
    stated = AnswerJudge(r"\frac{\sqrt{3}}{2}").judge(prose + r"equal to $\frac{\sqrt{3}}{2}$ as derived above.")
    assert stated.correct
    huge = AnswerJudge(r"\frac{\sqrt{3}}{2}").judge(prose + "the number 10^{10^{10^{10}}} as derived above.")
    assert (huge.correct, huge.method) == (False, "guard")
