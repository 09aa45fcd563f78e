"""StepRAR key steps: accepted input forms, soft matching, non-matches, and the guard against gaming shapes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings, UnusableReference
from service.rewards.answers import parse_quantity
from service.rewards.keysteps import StepStream, find_matches, prepare_alternative
from service.rewards.text import tokens
from stepgrpo_references import KeyStepError, key_step_groups

STEPGRPO = PROFILES["stepgrpo"]


def match_how(alternatives, steps, fuzzy_threshold: float | None = 85.0):
    """How the single group ``alternatives`` matched the step texts, or None."""
    if isinstance(alternatives, str):
        alternatives = [alternatives]
    if isinstance(steps, str):
        steps = [steps]
    group = [a for a in map(prepare_alternative, alternatives) if a is not None]
    found = find_matches([group], StepStream.of(steps), fuzzy_threshold)[0]
    return found[0].how if found else None


def matches(alternatives, steps, fuzzy_threshold: float | None = 85.0) -> bool:
    return match_how(alternatives, steps, fuzzy_threshold) is not None


def completion(
    steps: list[str], answer: str = "10", description: str | None = None, rationales: str | None = None
) -> str:
    text = (
        "### Image Description:\n"
        + (description or "A right triangle ABC with the right angle at B, AB = 6 and BC = 8.")
        + "\n"
    )
    text += "### Rationales:\n" + (rationales or "The hypotenuse AC follows from the side lengths.") + "\n"
    text += "### Let's think step by step.\n"
    for i, body in enumerate(steps, 1):
        text += f"### Step {i}:\n{body}\n"
    return text + f"### The final answer is: {answer}"


def score(text: str, key_steps, answer: str = "10", **settings) -> dict:
    return PreparedGroup(CoreReference(answer=answer, key_steps=key_steps), STEPGRPO, Settings(**settings)).score(text)


# ---------------------------------------------------------------- accepted forms


def test_list_of_groups_is_read_as_is():
    assert key_step_groups([["AB = 5", "AB=5"], ["pythagorean theorem"]]) == [
        ["AB = 5", "AB=5"],
        ["pythagorean theorem"],
    ]


def test_plain_strings_are_one_element_groups():
    assert key_step_groups(["a", ["b", "c"]]) == [["a"], ["b", "c"]]


def test_steps_dict_is_read():
    assert key_step_groups({"Steps": [["a", "b"], "c"]}) == [["a", "b"], ["c"]]


def test_steps_dict_other_keys_are_ignored():
    assert key_step_groups({"Image Description": ["triangle"], "Rationales": ["x"], "Steps": [["a"]]}) == [["a"]]


def test_steps_dict_as_json_string_is_read():
    assert key_step_groups(json.dumps({"Steps": [["a", "b"], "c"]})) == [["a", "b"], ["c"]]


def test_list_as_json_string_is_read():
    assert key_step_groups(json.dumps([["a", "b"], "c"])) == [["a", "b"], ["c"]]


EXTRACTOR = (
    'Image Description: ["triangle", "legs 3 and 4"]; Rationales: ["pythagorean theorem"]; '
    'Step 1: ["AB^2 = 25", "9 + 16 = 25"], Step 2: ["AB = 5"]'
)


def test_extractor_string_gives_one_group_per_step_element():
    assert key_step_groups(EXTRACTOR) == [["AB^2 = 25"], ["9 + 16 = 25"], ["AB = 5"]]


def test_extractor_string_with_key_elements_prefix():
    assert key_step_groups("Key Elements:\n" + EXTRACTOR) == [["AB^2 = 25"], ["9 + 16 = 25"], ["AB = 5"]]


@pytest.mark.parametrize("raw", [None, "", "   ", []])
def test_absent_key_steps_give_no_groups(raw):
    assert key_step_groups(raw) == []


@pytest.mark.parametrize(
    "raw",
    [
        42,
        3.5,
        ("a",),
        {"Steps": None},
        "{not json",
        "just some words",
        [1, 2],
        [["a", 1]],
        [None],
        {"Steps": "no step lists"},
    ],
    ids=[
        "int",
        "float",
        "tuple",
        "steps_null",
        "bad_json",
        "words",
        "ints",
        "int_alternative",
        "none_group",
        "steps_string",
    ],
)
def test_unreadable_key_steps_raise_key_step_error(raw):
    with pytest.raises(KeyStepError):
        key_step_groups(raw)


def test_unreadable_key_steps_make_the_reference_unusable():
    with pytest.raises(UnusableReference):
        PreparedGroup(CoreReference(answer="5", key_steps="{not json"), STEPGRPO, Settings())


# ---------------------------------------------------------------- soft equivalence


@pytest.mark.parametrize("step", ["ab = 5", "AB   =   5", "so AB=5.", "we get AB = 5 cm"])
def test_whitespace_and_case_are_ignored(step):
    assert matches("AB = 5", step)


def test_case_of_phrases_is_ignored():
    assert matches("Pythagorean Theorem", "PYTHAGOREAN THEOREM applies")


@pytest.mark.parametrize("alt,step", [("5 = AB", "AB = 5"), ("AB = 5", "5 = AB"), ("AB=5", "AB = 5")])
def test_equation_sides_in_either_order_match(alt, step):
    assert matches(alt, step)


@pytest.mark.parametrize(
    "step",
    ["AC = \\sqrt{9+16} = 5", "AC = √(9+16) = 5 cm", "AC = \\sqrt{25} = 5.", "so AC = sqrt(25) = 5, the hypotenuse"],
)
def test_equation_chain_contains_its_ends(step):
    assert match_how("AC = 5", step) == "equation_chain"


@pytest.mark.parametrize(
    "alt,step",
    [("1/2", "the ratio is 0.5"), ("0.5", "\\frac{1}{2}"), ("\\frac{1}{2}", "it is 1/2"), ("0.5", "half is 0.50")],
)
def test_fraction_decimal_and_latex_fraction_match(alt, step):
    assert matches(alt, step)


@pytest.mark.parametrize(
    "alt,step",
    [
        ("\\angle ABC = 60^\\circ", "∠ABC = 60°"),
        ("angle ABC = 60 degrees", "∠ABC = 60°"),
        ("x^2", "x²"),
        ("\\sqrt{2}", "√2"),
        ("\\pi r^2", "πr²"),
        ("2 \\times 3 = 6", "2 × 3 = 6"),
        ("2*3=6", "2 · 3 = 6"),
    ],
)
def test_latex_unicode_and_plain_spellings_match(alt, step):
    assert matches(alt, step)


@pytest.mark.parametrize(
    "alt,step",
    [
        ("2 × 3 = 6", "2\\times3=6"),
        ("3 * 4 = 12", "3\\cdot4=12"),
        ("12 / 4 = 3", "12\\div4=3"),
        ("x ≤ 5", "x\\le5"),
        ("x >= 5", "x\\geq5"),
        ("x ≠ 5", "x\\neq5"),
        ("x = 1.41", "x\\approx1.41"),
    ],
)
def test_an_operator_command_written_against_a_digit_is_the_operator(alt, step):
    """``2\\times3`` is ``2 \\times 3``, as LaTeX reads it; it used to read as the word ``times`` (the command's end
    was a word boundary, and there is none before a digit)."""
    assert matches(alt, step)


@given(
    st.sampled_from(["cdot", "times", "ast", "div", "approx", "le", "leq", "ge", "geq", "ne", "neq", "quad", "left"]),
    st.from_regex(r"[0-9_]", fullmatch=True),
)
def test_how_an_operator_command_ends_never_changes_its_reading(command, after):
    assert tokens(f"7\\{command}{after}") == tokens(f"7\\{command} {after}")


def test_an_answer_in_scientific_notation_reads_the_same_unspaced():
    """The answer reader shares this normalisation: ``2\\times10^{3}`` was no quantity at all."""
    stated = parse_quantity("2\\times10^{3}")
    assert stated is not None and stated.value == 2000 and stated == parse_quantity("2 \\times 10^{3}")


@pytest.mark.parametrize(
    "alt,step", [("60°", "the angle is 60 degrees"), ("60 degrees", "the angle is 60°"), ("60^\\circ", "60 degree")]
)
def test_degree_spellings_match(alt, step):
    assert matches(alt, step)


@pytest.mark.parametrize(
    "alt,step", [("1,000", "the total is 1000 people"), ("1000", "the total is 1,000 people"), ("12,500", "12500")]
)
def test_thousands_separators_match(alt, step):
    assert matches(alt, step)


@pytest.mark.parametrize("step", ["the area is 60", "area equals 60", "area is equal to 60"])
def test_words_for_equals_match_the_sign(step):
    assert matches("area = 60", step)


# ---------------------------------------------------------------- non-equivalence


@pytest.mark.parametrize(
    "alt,step",
    [
        ("24", "the answer is 240"),
        ("6", "the value is 16"),
        ("0.5", "10.5"),
        ("3.5", "3.55"),
        ("1/2", "1/20"),
        ("x = 2", "x = 20"),
        ("x = 2", "x = -2"),
        ("x = 2", "x = 2.5"),
        ("AB = 5", "AB = 50"),
        ("AB = 5", "CAB = 5"),
        ("AB = 5", "BC = 5"),
    ],
)
def test_numbers_and_names_match_only_whole_tokens(alt, step):
    assert not matches(alt, step)


@pytest.mark.parametrize(
    "alt,step",
    [
        ("law of cosines", "by the law of sines"),
        ("law of sines", "by the law of cosines"),
        ("parallel", "ABCD is a parallelogram"),
        ("parallelogram", "the lines are parallel"),
        ("mean value", "the median value"),
        ("median", "the mean"),
        ("cos", "cosine"),
    ],
)
def test_similar_looking_concepts_do_not_match(alt, step):
    assert not matches(alt, step)


@pytest.mark.parametrize(
    "alt,step",
    [
        ("x = 2", "2x = 2"),
        ("AB = 5", "2AB = 5"),
        ("AB = 5", "AB = 5 + 1 = 6"),
        ("AB = 5", "AB = 5^2 = 25"),
        ("x = 2", "x = 2 \\cdot 3"),
    ],
)
def test_equation_does_not_match_inside_a_longer_term(alt, step):
    assert not matches(alt, step)


# ---------------------------------------------------------------- fuzzy phrases


@pytest.mark.parametrize(
    "alt,step",
    [
        ("pythagoras theorem", "by the pythagorean theorem"),
        ("pythagorean theorem", "by Pythagoras theorem"),
        ("similar triangle", "the similar triangles"),
        ("similar triangles", "similar triangle ABC"),
        ("right angle", "two right angles"),
        ("law of cosines", "using the law of cosine"),
        ("isosceles", "an isoceles triangle"),
    ],
)
def test_fuzzy_phrases_match_variants_and_plurals(alt, step):
    assert match_how(alt, step) == "fuzzy"


def test_fuzzy_matching_can_be_turned_off():
    assert not matches("pythagoras theorem", "by the pythagorean theorem", fuzzy_threshold=None)


def test_a_very_strict_threshold_rejects_variants():
    assert not matches("pythagoras theorem", "by the pythagorean theorem", fuzzy_threshold=99.0)


@pytest.mark.parametrize(
    "alt,step",
    [("sum of angles", "the sum of the angles is 180"), ("area of rectangle", "the area of the rectangle is 60")],
)
def test_phrase_matches_with_an_inserted_article(alt, step):
    assert matches(alt, step)


@pytest.mark.parametrize("step", ["by Pythagoras' theorem", "by Pythagoras's theorem"])
def test_possessive_phrase_matches(step):
    assert matches("pythagorean theorem", step)


# ---------------------------------------------------------------- only the step texts count


KEYS = [["pythagorean theorem"], ["AC^2 = 6^2 + 8^2", "AC^2 = 36 + 64", "AC^2 = 100"], ["AC = 10", "AC=10"]]
GENUINE_STEPS = [
    "Because angle B is a right angle, AC is the hypotenuse, and by the Pythagorean theorem AC² = AB² + BC².",
    "Substituting the given lengths: AC² = 6² + 8² = 36 + 64 = 100.",
    "Taking the positive square root gives AC = √100 = 10.",
]


def test_key_step_in_description_only_does_not_count():
    steps = ["We add the squares of the legs: 36 plus 64 makes 100.", "The square root of that sum is 10."]
    text = completion(steps, description="A right triangle; by the Pythagorean theorem AC^2 = 6^2 + 8^2, so AC = 10.")
    assert score(text, KEYS)["key_step_ratio"] == 0.0


def test_key_step_in_rationales_only_does_not_count():
    text = completion(
        ["Adding the squares of the legs gives one hundred, whose root is ten."],
        rationales="Use the Pythagorean theorem: AC = 10.",
    )
    assert score(text, KEYS)["key_step_ratio"] == 0.0


def test_key_step_in_final_answer_only_does_not_count():
    text = completion(["Adding the squares of the legs gives one hundred, whose root is ten."], answer="AC = 10")
    result = score(text, KEYS)
    assert result["key_step_ratio"] == 0.0


def test_key_steps_in_the_steps_count():
    assert score(completion(GENUINE_STEPS), KEYS)["key_step_ratio"] == 1.0


def test_partial_key_steps_give_a_fraction():
    steps = [
        "Because angle B is a right angle, AC is the hypotenuse, so by the Pythagorean theorem AC² = AB² + BC².",
        "Its length follows from the two legs.",
    ]
    assert score(completion(steps), KEYS)["key_step_ratio"] == pytest.approx(1 / 3)


# ---------------------------------------------------------------- the guard: gaming shapes, not word counts


GAMING_LISTS = {
    "repeated_list": ["pythagorean theorem, AC^2 = 6^2 + 8^2, AC = 10. " * 6],
    "all_alternatives_with_a_repeat": [
        "pythagorean theorem, AC^2 = 6^2 + 8^2, AC^2 = 36 + 64, AC^2 = 100, AC = 10, AC=10"
    ],
    "copied_step": ["By the pythagorean theorem AC^2 = 6^2 + 8^2, so AC = 10."] * 2,
    "enumerated": ["pythagorean theorem: AC^2 = 6^2 + 8^2, AC = 8, AC = 10, AC = 12, AC = 14"],
    "contradicted": ["pythagorean theorem: AC^2 = 6^2 + 8^2, AC = 10.", "AC = 11."],
}


@pytest.mark.parametrize("steps", list(GAMING_LISTS.values()), ids=list(GAMING_LISTS))
def test_gaming_scores_strictly_below_a_genuine_solution(steps):
    genuine, gaming = score(completion(GENUINE_STEPS), KEYS), score(completion(steps), KEYS)
    assert genuine["answer_correct"] and gaming["answer_correct"]
    assert genuine["step_rvr"] == gaming["step_rvr"] == 1.0
    assert gaming["reward"] < genuine["reward"]


@pytest.mark.parametrize("steps", list(GAMING_LISTS.values()), ids=list(GAMING_LISTS))
def test_without_the_guard_gaming_would_tie(steps):
    assert score(completion(steps), KEYS, stuffing_guard=False)["key_step_ratio"] == 1.0


CONCISE_LISTS = {
    "bare_list": ["pythagorean theorem, AC^2 = 6^2 + 8^2, AC = 10"],
    "one_per_step": ["pythagorean theorem", "AC^2 = 6^2 + 8^2", "AC = 10"],
    "padded_with_and": ["pythagorean theorem and AC^2 = 6^2 + 8^2 and AC = 10 and"],
    "semicolons": ["pythagorean theorem; AC^2 = 36 + 64; AC = 10."],
    "bulleted": ["- pythagorean theorem\n- AC^2 = 6^2 + 8^2\n- AC = 10"],
    "latex_list": ["$AC^2 = 6^2 + 8^2$, Pythagorean theorem, $AC = 10$"],
    "numbered": ["1. pythagorean theorem\n2. AC^2 = 6^2 + 8^2\n3. AC = 10"],
    "parenthesised": ["(1) pythagorean theorem (2) AC^2 = 6^2 + 8^2 (3) AC = 10"],
    "labelled": ["Facts: pythagorean theorem, AC^2 = 6^2 + 8^2, AC = 10"],
    "stray_letters": ["pythagorean theorem q AC^2 = 6^2 + 8^2 r AC = 10 w"],
}


@pytest.mark.parametrize("steps", list(CONCISE_LISTS.values()), ids=list(CONCISE_LISTS))
def test_each_key_step_stated_once_is_credited_however_terse(steps):
    """Issue 16: no words of its own are needed; a terse chain of the key steps, each said once, is
    reasoning the reward cannot tell from a padded one, and padding must neither pay nor cost."""
    assert score(completion(steps), KEYS)["reward"] == score(completion(GENUINE_STEPS), KEYS)["reward"]


# ---------------------------------------------------------------- honest solutions keep full credit

_DESC, _RAT, _THINK = "### Image Description:\n", "### Rationales:\n", "### Let's think step by step.\n"

GENUINE = {
    "right_triangle": (
        "10",
        [
            ["pythagorean theorem", "pythagoras theorem"],
            ["AC^2 = 6^2 + 8^2", "AC^2 = 36 + 64", "AC^2 = 100"],
            ["AC = 10", "AC=10"],
        ],
        _DESC
        + (
            "The image shows a right triangle ABC with the right angle at B. "
            "Side AB is labeled 6 and side BC is labeled 8. The hypotenuse AC is unknown.\n"
        )
        + _RAT
        + "The question asks for the length of the hypotenuse AC. Since the triangle has a right "
        "angle, I can use the Pythagorean theorem to relate the three sides.\n"
        + _THINK
        + "### Step 1:\nBecause angle B is a right angle, "
        "AC is the hypotenuse, and by the Pythagorean theorem AC² = AB² + BC².\n"
        "### Step 2:\nSubstituting the given lengths: AC² = 6² + 8² = 36 + 64 = 100.\n"
        "### Step 3:\nTaking the positive square root gives AC = √100 = 10.\n"
        "### The final answer is: 10",
    ),
    "bar_chart": (
        "60",
        [["Tuesday = 150", "150"], ["Wednesday = 90", "90"], ["150 - 90 = 60", "difference = 60"]],
        _DESC
        + (
            'A bar chart titled "Books sold" with three bars: Monday, Tuesday and Wednesday. '
            "The y-axis goes from 0 to 200 in steps of 50.\n"
        )
        + _RAT
        + "To find how many more books were sold on the best day than on the worst day, I need to read the "
        "tallest and the shortest bars and subtract.\n"
        + _THINK
        + "### Step 1:\nThe tallest bar is Tuesday, which reaches 150 books.\n"
        "### Step 2:\nThe shortest bar is Wednesday; it stops a little below the 100 line, at 90 books.\n"
        "### Step 3:\nThe difference is 150 − 90 = 60 books.\n### The final answer is: 60",
    ),
    "rectangle_area": (
        "60 cm^2",
        [["length × width", "length * width", "l × w"], ["12 × 5 = 60", "12 * 5 = 60", "5 × 12 = 60"]],
        _DESC
        + "A rectangle is drawn with its longer side labeled 12 cm and its shorter side labeled 5 cm.\n"
        + _RAT
        + "The question "
        "asks for the area of the rectangle, which is its length multiplied by its width.\n"
        + _THINK
        + "### Step 1:\nThe area of a "
        "rectangle equals length × width.\n### Step 2:\nHere the length is 12 cm and the width is 5 cm, so the area is "
        "$12 \\times 5 = 60$ square centimeters.\n### The final answer is: 60 cm²",
    ),
    "percentage": (
        "30",
        [["25% of 40 = 10", "0.25 × 40 = 10", "40 × 0.25 = 10"], ["40 - 10 = 30"]],
        _DESC
        + 'A price tag on a shirt shows an original price of $40 and a red sticker that says "25% off".\n'
        + _RAT
        + "The sale "
        "price is the original price minus the discount, and the discount is 25 percent of the original price.\n"
        + _THINK
        + "### Step 1:"
        "\nFirst I work out the discount: 25% of $40 is 0.25 × 40 = $10.\n"
        "### Step 2:\nThen I subtract it from the original price: $40 − $10 = $30.\n"
        "### The final answer is: $30",
    ),
    "angle_sum": (
        "70",
        [["180°", "180 degrees"], ["180° - 50° - 60° = 70°", "180 - 50 - 60 = 70", "180 - 110 = 70"]],
        _DESC
        + (
            "Triangle PQR is shown. The angle at P is marked 50° and the angle at Q is marked 60°. "
            "The angle at R is marked x.\n"
        )
        + _RAT
        + (
            "The interior angles of any triangle add up to 180 degrees, "
            "so the unknown angle is what remains after subtracting the two known angles.\n"
        )
        + _THINK
        + "### Step 1:\nThe three interior angles of triangle PQR add up to 180°.\n### Step 2:\n"
        "So x = 180° − 50° − 60° = 70°.\n### The final answer is: 70°",
    ),
    "triangle_area_latex": (
        "24",
        [
            ["\\frac{1}{2} \\times base \\times height", "1/2 × base × height"],
            ["\\frac{1}{2} \\times 8 \\times 6 = 24", "0.5 * 8 * 6 = 24"],
        ],
        _DESC
        + (
            "A triangle with a horizontal base of length 8 and a dashed altitude of length 6 "
            "drawn from the top vertex to the base.\n"
        )
        + _RAT
        + "The area of a triangle is half the product of its base and its height; both are given in the figure.\n"
        + _THINK
        + "### Step 1:\nRecall the formula: "
        "the area of a triangle is $\\frac{1}{2} \\times \\text{base} \\times \\text{height}$.\n"
        "### Step 2:\nPlugging in the base 8 and the height 6, the area is $\\frac{1}{2} \\times 8 \\times 6 = 24$.\n"
        "### The final answer is: 24",
    ),
    "terse_right_triangle": pytest.param(
        "5",
        [["pythagorean theorem"], ["AB^2 = 3^2 + 4^2", "AB^2 = 9 + 16", "AB^2 = 25"], ["AB = 5", "AB=5"]],
        _DESC
        + "A right triangle ABC with legs AC = 3 and BC = 4 and the right angle at C.\n"
        + _RAT
        + "The hypotenuse AB can be "
        "found with the Pythagorean theorem.\n"
        + _THINK
        + "### Step 1:\nApply the Pythagorean theorem: AB² = AC² + BC².\n"
        "### Step 2:\nAB² = 3² + 4² = 9 + 16 = 25.\n### Step 3:\nAB = 5.\n### The final answer is: 5",
    ),
}


@pytest.mark.parametrize("answer,key_steps,text", list(GENUINE.values()), ids=list(GENUINE))
def test_guard_keeps_full_credit_for_genuine_solutions(answer, key_steps, text):
    result = score(text, key_steps, answer=answer)
    assert result["step_rvr"] == 1.0
    assert result["key_step_ratio"] == 1.0


@pytest.mark.parametrize("answer,key_steps,text", list(GENUINE.values()), ids=list(GENUINE))
def test_guard_takes_nothing_from_genuine_solutions(answer, key_steps, text):
    guarded = score(text, key_steps, answer=answer)
    unguarded = score(text, key_steps, answer=answer, stuffing_guard=False)
    assert guarded["reward"] == unguarded["reward"]


# ---------------------------------------------------------------- robustness of the step tokenizer


@pytest.mark.parametrize("body", ["The ratio is 1/... as before.", "Then x = 3/. and we stop.", "Start with ./5 here."])
def test_slash_next_to_a_lone_dot_does_not_crash_scoring(body):
    result = score(completion(GENUINE_STEPS + [body]), KEYS)
    assert result["status"] == "ok"
    assert result["key_step_ratio"] == 1.0


def test_slash_next_to_a_lone_dot_in_a_key_step_does_not_crash():
    PreparedGroup(CoreReference(answer="10", key_steps=[["ratio 1/..."]]), STEPGRPO, Settings())


def test_zero_denominator_in_a_step_does_not_crash_scoring():
    text = completion(["Note that 1/0 1/0 1/0 1/0 are undefined, so AB = 5 is used instead."], answer="5")
    result = score(text, [["AB = 5"]], answer="5")
    assert result["key_step_ratio"] == 1.0


def test_zero_denominator_does_not_shift_match_spans():
    text = completion(["We note 1/0 is undefined, so AB = 5."], answer="5")
    result = PreparedGroup(CoreReference(answer="5", key_steps=[["AB = 5"]]), STEPGRPO, Settings()).score(
        text, explain=True
    )
    assert result["explanation"]["key_steps"][0]["matched_text"] == "ab = 5"


# ---------------------------------------------------------------- findings of the code review


def test_deeply_nested_key_steps_json_is_a_key_step_error():
    with pytest.raises(KeyStepError, match="nested"):
        key_step_groups("[" * 5000 + "]" * 5000)


def test_a_group_with_no_usable_text_still_counts_in_the_denominator():
    result = PreparedGroup(
        CoreReference(answer="10", key_steps=[["()"], ["pythagorean theorem"]]), STEPGRPO, Settings()
    ).score(completion(GENUINE_STEPS), explain=True)
    assert result["key_step_ratio"] == 0.5
    assert (
        result["explanation"]["key_steps"][0]["alternatives"] == ["()"]
        and not result["explanation"]["key_steps"][0]["matched"]
    )


def test_a_list_tacked_onto_a_partial_solution_is_credited_like_any_terse_statement():
    partial = ["Because angle B is a right angle, AC is the hypotenuse of the triangle we study here."]
    tacked = partial + ["Summary: pythagorean theorem, AC^2 = 6^2 + 8^2, AC = 10"]
    assert score(completion(tacked), KEYS)["key_step_ratio"] == 1.0


def test_repeating_a_bare_list_hundreds_of_times_buys_nothing():
    steps = ["pythagorean theorem, AC^2 = 6^2 + 8^2, AC = 10. " * 300]
    assert score(completion(steps), KEYS)["key_step_ratio"] == 0.0


def test_a_name_repeated_in_a_row_earns_nothing_even_where_it_is_used():
    steps = ["pythagorean theorems, AC^2 = 6^2 + 8^2, AC = 10, " + "pythagorean theorems " * 5]
    group = PreparedGroup(CoreReference(answer="10", key_steps=KEYS), STEPGRPO, Settings())
    result = group.score(completion(steps), explain=True)
    assert result["key_step_ratio"] == pytest.approx(2 / 3)
    assert [k["reason"] for k in result["explanation"]["key_steps"]] == ["repeated", None, None]


@pytest.mark.parametrize(
    ("alt", "step"),
    [
        ("exothermic reaction", "an endothermic reaction"),
        ("mitosis", "during meiosis"),
        ("absorption", "the adsorption"),
        ("kinetic energy", "the kinematic energy"),
        ("ionic bond", "an iconic bond"),
    ],
)
def test_fuzzy_matching_keeps_lookalike_terms_apart(alt, step):
    assert not matches(alt, step)


@pytest.mark.parametrize(
    ("alt", "step"),
    [
        ("AB = 5", "AB is 5 less than AC = 7, so AB = 2"),
        ("x = 50%", "x is 50 percent of y"),
        ("AB = 5", "AB = 5 times the height"),
    ],
)
def test_an_equation_is_not_found_inside_a_relation(alt, step):
    assert not matches(alt, step)


def test_empty_final_answer_gets_no_key_step_bonus():
    for empty in ("\\boxed{}", "$ $"):
        result = score(completion(GENUINE_STEPS, answer=empty), KEYS)
        assert result["step_rar"] == 0.0 and result["key_step_ratio"] == 1.0


def test_a_long_key_step_repeated_all_over_a_long_completion_counts_as_not_found():
    """A 42 000-character form found at every third character of a 60 000-character step would take
    ~10^9 character compares to list; past the scan budget the form is simply not found."""
    from service.rewards.keysteps import MAX_SCAN_CHARS

    form = ("ab " * 14000).strip()
    assert (20000 - 14000) * len(form) > MAX_SCAN_CHARS
    assert score(completion(["ab " * 20000]), [[form]], stuffing_guard=False)["key_step_ratio"] == 0.0
    assert score(completion(["so " + form + " then"]), [[form]], stuffing_guard=False)["key_step_ratio"] == 1.0
