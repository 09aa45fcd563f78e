"""Key-step credit (issue 16): concise genuine reasoning earns it in full, padding neither pays nor costs,
and the four gaming shapes (repetition, enumeration, contradiction, names listed without use) pay less
than the genuine reasoning they imitate. Completions are written the way models write them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from service.client import RewardClient
from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings
from tests import keystep_corpus

STEPGRPO = PROFILES["stepgrpo"]


def full(description: str, rationale: str, steps: list[str], answer: str) -> str:
    text = f"### Image Description:\n{description}\n### Rationales:\n{rationale}\n### Let's think step by step.\n"
    for i, body in enumerate(steps, 1):
        text += f"### Step {i}:\n{body}\n"
    return text + f"### The final answer is: {answer}"


@dataclass
class Case:
    answer: str
    key_steps: list
    description: str
    rationale: str
    steps: list[str]

    def text(self, steps: list[str] | None = None) -> str:
        return full(self.description, self.rationale, self.steps if steps is None else steps, self.answer)


def score(case: Case, steps: list[str] | None = None, explain: bool = False, **options) -> dict:
    group = PreparedGroup(CoreReference(answer=case.answer, key_steps=case.key_steps), STEPGRPO, Settings(**options))
    return group.score(case.text(steps), explain=explain)


# ---------------------------------------------------------------- concise genuine reasoning

GENUINE = {
    "measures_verb": Case(
        "13",
        [["AB = 5"], ["BC = 12"], ["AC = 13"]],
        "A right triangle ABC with the right angle at B.",
        "Pythagorean theorem.",
        ["AB measures 5 and BC measures 12.", "Hence AC measures 13."],
    ),
    "segment_bars": Case(
        "13",
        [["AB = 5"], ["BC = 12"], ["AC = 13"]],
        "A right triangle ABC with the right angle at B.",
        "Pythagorean theorem.",
        ["|AB| = 5, |BC| = 12", "|AC| = sqrt(25 + 144) = 13"],
    ),
    "hypotenuse_pq": Case(
        "10",
        [["PQ = 8"], ["QR = 6"], ["PR = 10"]],
        "Right triangle PQR with the right angle at Q; PQ is labelled 8 and QR is labelled 6.",
        "PR is the hypotenuse.",
        ["PQ = 8 and QR = 6.", "By the Pythagorean theorem PR = 10."],
    ),
    "perimeter": Case(
        "32",
        [["side a = 7"], ["side b = 9"], ["perimeter = 32"]],
        "A rectangle with sides labelled a = 7 and b = 9.",
        "Perimeter of a rectangle.",
        ["Side a = 7, side b = 9.", "Perimeter = 2(7 + 9) = 32."],
    ),
    "linear_equation": Case(
        "7",
        [["x - 3 = 4"], ["x = 7"]],
        "The equation x - 3 = 4 is written on a card.",
        "Solve for x.",
        ["x - 3 = 4, so x = 7."],
    ),
    "hypotenuse_c": Case(
        "13",
        [["pythagorean theorem"], ["c = 13"]],
        "A right triangle with legs 5 and 12.",
        "Find the hypotenuse c.",
        ["By the Pythagorean theorem, c² = 5² + 12² = 169, so c = 13."],
    ),
    "similar_triangles": Case(
        "8",
        [["similar"], ["x = 8"]],
        "Two triangles ABC and DEF with AB = 6, DE = 3, EF = 4 and BC = x.",
        "The triangles have equal angles.",
        ["Triangles ABC and DEF are similar, so AB/DE = BC/EF.", "6/3 = x/4, so x = 8."],
    ),
    "circumference": Case(
        "31.4",
        [["d = 10"], ["10π", "10\\pi"]],
        "A circle with a diameter of 10 drawn across it.",
        "Circumference.",
        ["d = 10, so C = πd = 10π ≈ 31.4."],
    ),
    "speed": Case(
        "60",
        [["distance = 120"], ["speed = 60"]],
        "A road sign: 120 km. A clock shows 2 hours of driving.",
        "Speed.",
        ["Distance = 120 km, time = 2 h.", "Speed = 120 / 2 = 60 km/h."],
    ),
    "trig_opposite": Case(
        "5",
        [["sin 30° = 0.5", "sin 30 = 1/2"], ["opposite = 5"]],
        "A right triangle with hypotenuse 10 and a 30° angle.",
        "Use the sine.",
        ["sin 30° = 0.5.", "Opposite = 10 × 0.5 = 5."],
    ),
    "third_angle": Case(
        "70",
        [["∠A = 50°"], ["∠B = 60°"], ["∠C = 70°", "angle C = 70"]],
        "Triangle ABC with ∠A = 50° and ∠B = 60°.",
        "Angles of a triangle sum to 180°.",
        ["∠A = 50°, ∠B = 60°.", "∠C = 180° − 50° − 60° = 70°."],
    ),
    "isosceles_base": Case(
        "70",
        [["isosceles"], ["70°"]],
        "An isosceles triangle whose apex angle is 40°.",
        "Base angles are equal.",
        ["The triangle is isosceles, so the base angles are equal.", "Each base angle = (180° − 40°) / 2 = 70°."],
    ),
    "supplementary": Case(
        "65",
        [["supplementary"], ["∠2 = 65°"]],
        "Two angles on a straight line; ∠1 = 115°.",
        "A straight angle.",
        ["∠1 and ∠2 are supplementary.", "∠2 = 180° − 115° = 65°."],
    ),
    "alternate_angles": Case(
        "55",
        [["alternate angles"], ["x = 55"]],
        "Two parallel lines cut by a transversal; one angle is 55°.",
        "Parallel lines.",
        ["The lines are parallel, so alternate angles are equal: ∠x = 55°."],
    ),
    "hexagon_sum": Case(
        "720",
        [["720°"]],
        "A regular hexagon.",
        "Interior angle sum.",
        ["(6 − 2) × 180° = 720°."],
    ),
    "rectangle_area": Case(
        "60",
        [["length = 12"], ["width = 5"], ["area = 60"]],
        "A rectangle 12 by 5.",
        "Area.",
        ["Length = 12, width = 5.", "Area = 12 × 5 = 60."],
    ),
    "triangle_area": Case(
        "24",
        [["\\frac{1}{2} \\times 8 \\times 6 = 24"], ["area = 24"]],
        "A triangle with base 8 and height 6.",
        "Half base times height.",
        ["Area = $\\frac{1}{2} \\times 8 \\times 6 = 24$."],
    ),
    "circle_area": Case(
        "28.27",
        [["r = 3"], ["9π"]],
        "A circle of radius 3 cm.",
        "Area of a circle.",
        ["r = 3 cm.", "Area = πr² = 9π ≈ 28.27 cm²."],
    ),
    "cube_volume": Case(
        "27",
        [["3^3"], ["V = 27"]],
        "A cube with edge 3 cm.",
        "Volume of a cube.",
        ["Side = 3 cm.", "V = 3³ = 27 cm³."],
    ),
    "apples": Case(
        "12",
        [["3 × 4 = 12", "3 * 4 = 12"]],
        "Apples in 3 rows of 4.",
        "Multiply.",
        ["There are 3 rows of 4 apples.", "3 × 4 = 12 apples."],
    ),
    "pictograph": Case(
        "30",
        [["6 × 5 = 30"]],
        "A pictograph; each car symbol stands for 5 cars.",
        "Count the symbols.",
        ["Each symbol stands for 5 cars; Monday has 6 symbols.", "6 × 5 = 30 cars."],
    ),
    "marbles": Case(
        "0.375",
        [["P(red) = 3/8", "3/8"]],
        "3 red and 5 blue marbles in a bag.",
        "Probability.",
        ["There are 3 red and 5 blue marbles.", "P(red) = 3/8."],
    ),
    "ratio_boys": Case(
        "15",
        [["boys = 15"]],
        "A class of 40 with boys : girls = 3 : 5.",
        "Ratio.",
        ["Boys : girls = 3 : 5, total 40.", "Boys = 3/8 × 40 = 15."],
    ),
    "discount": Case(
        "30",
        [["25% of 40 = 10"], ["40 - 10 = 30"]],
        "A $40 shirt with a 25% off sticker.",
        "Sale price.",
        ["25% of $40 is $10.", "$40 − $10 = $30."],
    ),
    "pencils": Case(
        "3",
        [["0.75"], ["4 × 0.75 = 3", "4 * 0.75 = 3"]],
        "Pencils at $0.75 each.",
        "Four pencils.",
        ["Each pencil costs $0.75.", "4 × 0.75 = 3."],
    ),
    "change": Case(
        "5.5",
        [["change = 5.50"]],
        "Three $4 notebooks and a $2.50 pen, paid with $20.",
        "Change.",
        ["Total = 3 × $4 + $2.50 = $14.50.", "Change = $20 − $14.50 = $5.50."],
    ),
    "interest": Case(
        "560",
        [["500 × 0.04 × 3 = 60"], ["500 + 60 = 560"]],
        "$500 at 4% simple interest for 3 years.",
        "Interest.",
        ["Interest = 500 × 0.04 × 3 = 60.", "Total = 500 + 60 = 560."],
    ),
    "bar_chart": Case(
        "60",
        [["Tuesday = 150"], ["Wednesday = 90"], ["150 - 90 = 60"]],
        "Bar chart of books sold.",
        "Difference.",
        ["Tuesday is 150 and Wednesday is 90.", "150 − 90 = 60."],
    ),
    "line_chart": Case(
        "15",
        [["40"], ["55"], ["55 - 40 = 15"]],
        "Line chart of sales, 2019 and 2020.",
        "Increase.",
        ["In 2019 sales were 40 and in 2020 they were 55.", "55 − 40 = 15."],
    ),
    "pie_chart": Case(
        "50",
        [["25%"], ["0.25 × 200 = 50"]],
        "Pie chart of 200 pets; cats are 25%.",
        "Cats.",
        ["Cats are 25% of 200 pets.", "0.25 × 200 = 50 cats."],
    ),
    "table_sum": Case(
        "19",
        [["12 + 7 = 19"]],
        "Table: Maria 12 books, Tom 7 books.",
        "Total.",
        ["Maria read 12 books and Tom read 7.", "12 + 7 = 19."],
    ),
    "median": Case(
        "7",
        [["median = 7"]],
        "Dot plot of 3, 9, 5, 11, 7.",
        "Middle value.",
        ["Sorted values: 3, 5, 7, 9, 11.", "The median is 7."],
    ),
    "mean": Case(
        "6",
        [["4 + 6 + 8 = 18"], ["mean = 6"]],
        "Scores 4, 6 and 8.",
        "Average.",
        ["4 + 6 + 8 = 18.", "Mean = 18 / 3 = 6."],
    ),
    "two_step_equation": Case(
        "5",
        [["3x = 15"], ["x = 5"]],
        "3x + 5 = 20 on the board.",
        "Solve.",
        ["3x + 5 = 20, so 3x = 15.", "x = 5."],
    ),
    "system": Case(
        "6",
        [["2x = 12"], ["x = 6"], ["y = 4"]],
        "x + y = 10 and x − y = 2.",
        "Solve the system.",
        ["x + y = 10 and x − y = 2.", "Adding: 2x = 12, so x = 6 and y = 4."],
    ),
    "exponent": Case(
        "5",
        [["2^x = 32"], ["x = 5"]],
        "2^x = 32.",
        "Powers of two.",
        ["2^x = 32 = 2^5, so x = 5."],
    ),
    "restated_value": Case(
        "10",
        [["PR = 10"]],
        "Right triangle PQR, legs 6 and 8.",
        "Hypotenuse.",
        ["PR = √(36 + 64) = 10.", "So PR = 10 cm."],
    ),
    "iterative_update": Case(
        "10",
        [["n = 5"], ["n = 10"]],
        "Start at 3, add 2, then double.",
        "Follow the steps.",
        ["Start with n = 3.", "Add 2: n = 3 + 2 = 5.", "Double it: n = 5 × 2 = 10."],
    ),
    "update_by_name": Case(
        "9",
        [["x = 9"]],
        "A counter starts at 4 and goes up by 5.",
        "Update.",
        ["x = 4.", "x = x + 5 = 9."],
    ),
    "candidates_compared": Case(
        "12",
        [["AC = 12"]],
        "Triangle with AB = 5, BC = 15 and perimeter 32.",
        "Find AC.",
        [
            "AC cannot be 11 since the perimeter would be 31.",
            "If AC = 11, the perimeter would be 31, not 32, so AC = 12.",
        ],
    ),
    "theorem_named_then_applied": Case(
        "10",
        [["pythagorean theorem"], ["AC = 10"]],
        "Right triangle, legs 6 and 8.",
        "Hypotenuse.",
        ["We use the Pythagorean theorem.", "AC² = 36 + 64 = 100, so AC = 10."],
    ),
    "two_methods_planned": Case(
        "10",
        [["pythagorean theorem"], ["similar triangles"], ["AC = 10"]],
        "Nested right triangles.",
        "Plan.",
        ["We use the Pythagorean theorem and similar triangles.", "AC² = 36 + 64 = 100, so AC = 10."],
    ),
    "two_rectangles": Case(
        "32",
        [["area of first rectangle = 12"], ["area of second rectangle = 20"], ["12 + 20 = 32"]],
        "Two rectangles, 3 by 4 and 4 by 5.",
        "Add the areas.",
        [
            "The area of the first rectangle is 3 × 4 = 12 and the area of the second rectangle is 4 × 5 = 20.",
            "Together: 12 + 20 = 32.",
        ],
    ),
    "square_and_rectangle": Case(
        "8",
        [["16"], ["24"], ["24 - 16 = 8"]],
        "A square of side 4 and a 4 by 6 rectangle.",
        "Compare the areas.",
        ["The square's area is 16 and the rectangle's area is 24.", "24 − 16 = 8."],
    ),
    "two_triangles": Case(
        "13",
        [["pythagorean theorem"], ["AD = 5"], ["AC = 13"]],
        "Triangles ABD and ADC share AD.",
        "Twice.",
        [
            "By the Pythagorean theorem in ABD, AD² = 3² + 4² = 25, so AD = 5.",
            "By the Pythagorean theorem in ADC, AC² = 5² + 12² = 169, so AC = 13.",
        ],
    ),
}


def test_the_corpus_is_large_and_varied():
    assert len(GENUINE) >= 30


@pytest.mark.parametrize("name", sorted(GENUINE))
def test_concise_genuine_reasoning_gets_full_credit(name):
    case = GENUINE[name]
    result = score(case, explain=True)
    assert result["step_rvr"] == 1.0
    assert result["key_step_ratio"] == 1.0, [k for k in result["explanation"]["key_steps"] if not k["credited"]]


@pytest.mark.parametrize("name", sorted(GENUINE))
def test_the_guard_takes_nothing_from_genuine_reasoning(name):
    assert score(GENUINE[name]) == score(GENUINE[name], stuffing_guard=False)


# ---------------------------------------------------------------- gaming shapes

GAMING = {
    "list_repeated": (
        "hypotenuse_pq",
        ["PQ = 8, QR = 6, PR = 10, PQ = 8, QR = 6, PR = 10."],
        "repeated",
    ),
    "step_copied": (
        "perimeter",
        ["Side a = 7, side b = 9.", "Side a = 7, side b = 9.", "Perimeter = 2(7 + 9) = 32."],
        "repeated",
    ),
    "list_repeated_across_steps": (
        "third_angle",
        ["∠A = 50°, ∠B = 60°, ∠C = 70°.", "∠A = 50°, ∠B = 60°, ∠C = 70°."],
        "repeated",
    ),
    "twice_in_a_row": (
        "linear_equation",
        ["x - 3 = 4, so x = 7, x = 7."],
        "repeated",
    ),
    "name_in_a_row": (
        "hypotenuse_c",
        ["By the Pythagorean theorem, Pythagorean theorem, Pythagorean theorem, c² = 5² + 12² = 169, so c = 13."],
        "repeated",
    ),
    "list_three_times": (
        "bar_chart",
        [
            "Tuesday = 150, Wednesday = 90. Tuesday = 150, Wednesday = 90. Tuesday = 150, Wednesday = 90.",
            "150 − 90 = 60.",
        ],
        "repeated",
    ),
    "enumerated_in_a_step": (
        "hypotenuse_pq",
        ["PQ = 8 and QR = 6.", "PR = 9, PR = 10, PR = 11, PR = 12."],
        "enumerated: PR has 4 values",
    ),
    "enumerated_value_list": (
        "third_angle",
        ["∠A = 50°, ∠B = 60°.", "∠C = 70°, 60° or 80°."],
        "enumerated: ∠C has 3 values",
    ),
    "enumerated_across_steps": (
        "rectangle_area",
        ["Length = 12, width = 5.", "Area = 50.", "Area = 60.", "Area = 70."],
        "enumerated: Area has 3 values",
    ),
    "enumerated_with_or": (
        "linear_equation",
        ["x - 3 = 4, so x = 6 or x = 7 or x = 8."],
        "enumerated",
    ),
    "enumerated_widths": (
        "rectangle_area",
        ["Length = 12, width = 4, width = 5, width = 6.", "Area = 12 × 5 = 60."],
        "enumerated",
    ),
    "contradicted_later": (
        "hypotenuse_pq",
        ["PQ = 8 and QR = 6.", "PR = 10.", "PR = 14."],
        "contradicted in step 3",
    ),
    "contradicted_perimeter": (
        "perimeter",
        ["Side a = 7, side b = 9.", "Perimeter = 32.", "Perimeter = 30."],
        "contradicted in step 3",
    ),
    "contradicted_speed": (
        "speed",
        ["Distance = 120 km, speed = 60 km/h.", "Speed = 50 km/h."],
        "contradicted in step 2",
    ),
    "contradicted_in_one_step": (
        "system",
        ["2x = 12, so x = 6 and y = 4. x = 5."],
        "contradicted in step 1",
    ),
    "contradicted_angle": (
        "third_angle",
        ["∠A = 50°, ∠B = 60°, ∠C = 70°.", "So ∠C = 75°."],
        "contradicted in step 2",
    ),
    "side_restated_otherwise": (
        "perimeter",
        ["Side a = 7, side b = 9.", "Side a = 8.", "Perimeter = 2(7 + 9) = 32."],
        "contradicted in step 2",
    ),
    "names_dumped": (
        "hypotenuse_c",
        ["Pythagorean theorem, law of cosines, similar triangles.", "c² = 5² + 12² = 169, so c = 13."],
        "named without use",
    ),
    "names_dumped_isosceles": (
        "isosceles_base",
        ["Isosceles triangle, angle sum theorem, exterior angle theorem.", "Each base angle = (180° − 40°) / 2 = 70°."],
        "named without use",
    ),
    "names_dumped_parallel": (
        "alternate_angles",
        ["Alternate angles, corresponding angles theorem, parallel postulate.", "∠x = 55°."],
        "named without use",
    ),
    "names_dumped_similar": (
        "similar_triangles",
        ["Similar triangles, Pythagorean theorem, Thales' theorem.", "6/3 = x/4, so x = 8."],
        "named without use",
    ),
    "names_one_per_step": (
        "hypotenuse_c",
        ["Pythagorean theorem.", "Law of sines.", "Law of cosines.", "c = 13."],
        "named without use",
    ),
}


def test_the_gaming_corpus_covers_every_shape():
    assert len(GAMING) >= 20
    shapes = {why.split(":")[0].split(" in ")[0] for _, _, why in GAMING.values()}
    assert shapes == {"repeated", "enumerated", "contradicted", "named without use"}


@pytest.mark.parametrize("name", sorted(GAMING))
def test_gaming_earns_less_than_its_genuine_counterpart(name):
    genuine_name, steps, why = GAMING[name]
    case = GENUINE[genuine_name]
    genuine, gaming = score(case), score(case, steps, explain=True)
    assert gaming["answer_correct"] and gaming["step_rvr"] == 1.0
    assert gaming["reward"] < genuine["reward"]
    reasons = [k["reason"] for k in gaming["explanation"]["key_steps"] if k["matched"] and not k["credited"]]
    assert any(r.startswith(why) for r in reasons), reasons


@pytest.mark.parametrize("name", sorted(GAMING))
def test_gaming_ties_with_the_guard_off(name):
    genuine_name, steps, _ = GAMING[name]
    assert score(GENUINE[genuine_name], steps, stuffing_guard=False)["key_step_ratio"] == 1.0


def test_none_of_the_enumerated_values_is_credited():
    case = Case(
        "12",
        [["AC = 11"], ["AC = 12"], ["AC = 13"], ["AC = 14"]],
        "Triangle ABC.",
        "Find AC.",
        ["AC = 11, AC = 12, AC = 13, AC = 14."],
    )
    result = score(case, explain=True)
    assert result["key_step_ratio"] == 0.0
    assert {k["reason"] for k in result["explanation"]["key_steps"]} == {"enumerated: AC has 4 values"}


def test_a_hedge_between_two_values_pays_no_more_than_its_last_value_alone():
    case = Case("5", [["AB = 5"]], "A segment AB.", "Length.", ["AB = 5."])
    hedged, last_alone = score(case, ["AB = 5. AB = 6."]), score(case, ["AB = 6."])
    assert hedged["key_step_ratio"] == last_alone["key_step_ratio"] == 0.0
    corrected = score(case, ["AB = 6.", "That contradicts the figure; AB = 5."], explain=True)
    assert corrected["key_step_ratio"] == 1.0


def test_an_update_needs_its_derivation():
    """``n = 3`` then ``n = 5``, with nothing showing that 5 came from 3, is a contradiction; ``n = 3 + 2 = 5``
    is an update."""
    case = GENUINE["iterative_update"]
    bare = score(case, ["Start with n = 3.", "Add 2: n = 5.", "Double it: n = 5 × 2 = 10."], explain=True)
    assert bare["key_step_ratio"] == 1.0  # n = 3 is given up, but it is no key step: 5 and 10 still count
    keys = Case("10", [["n = 3"], ["n = 5"], ["n = 10"]], case.description, case.rationale, case.steps)
    assert score(keys)["key_step_ratio"] == 1.0
    underived = ["Start with n = 3.", "Add 2: n = 5.", "Double it: n = 5 × 2 = 10."]
    assert score(keys, underived)["key_step_ratio"] == pytest.approx(2 / 3)


def test_a_name_used_once_and_listed_elsewhere_keeps_its_credit():
    case = GENUINE["hypotenuse_c"]
    steps = [
        "Candidates: law of sines, law of cosines, Pythagorean theorem.",
        "By the Pythagorean theorem, c² = 5² + 12² = 169, so c = 13.",
    ]
    assert score(case, steps)["key_step_ratio"] == 1.0


def test_a_word_leading_into_a_statement_does_not_make_another_quantity():
    case = GENUINE["rectangle_area"]
    result = score(
        case, ["Length = 12, width = 5.", "Area = 50.", "Now area = 60.", "Clearly area = 70."], explain=True
    )
    assert result["explanation"]["key_steps"][2]["reason"] == "enumerated: area has 3 values"


def test_the_explanation_names_the_quantity_as_written():
    case = GENUINE["hypotenuse_pq"]
    result = score(case, ["PQ = 8 and QR = 6.", "$PR = 9$, $PR = 10$, $PR = 11$."], explain=True)
    assert result["explanation"]["key_steps"][2]["reason"] == "enumerated: PR has 3 values"


# ---------------------------------------------------------------- padding neither pays nor costs

FILLER_LEADS = [
    "Clearly, ",
    "Now ",
    "Indeed ",
    "Next, ",
    "Note: ",
    "Looking at the figure carefully, ",
    "Okay, ",
    "Hmm, ",
]
FILLER_SENTENCES = [
    "Let me check this carefully.",
    "This looks right.",
    "Okay, let me continue.",
    "I double-checked the figure.",
    "Everything agrees with the picture.",
    "Good.",
]
"""Neutral: no numbers, symbols, key-step text, method words, nor the words the rules read ("is", "equals",
"and", "or")."""
_SENTENCE_START = re.compile(r"(?:^|(?<=\. ))(?=\S)")


def padded(steps: list[str], choices: list[int]) -> list[str]:
    """Filler at sentence starts and between sentences; ``choices`` picks what goes where (0: nothing)."""
    picks = iter(choices)
    out = []
    for body in steps:
        starts = [m.start() for m in _SENTENCE_START.finditer(body)]
        pieces, last = [], 0
        for at in [*starts, len(body)]:
            pieces.append(body[last:at])
            last = at
            pick = next(picks, 0)
            if at == len(body):
                if pick % 3:
                    pieces.append(" " + FILLER_SENTENCES[pick % len(FILLER_SENTENCES)])
            elif pick % 3 == 1:
                pieces.append(FILLER_LEADS[pick % len(FILLER_LEADS)])
            elif pick % 3 == 2:
                pieces.append(FILLER_SENTENCES[pick % len(FILLER_SENTENCES)] + " ")
        out.append("".join(pieces))
    return out


CORPUS = [(GENUINE[n], GENUINE[n].steps) for n in sorted(GENUINE)]
CORPUS += [(GENUINE[g], steps) for g, steps, _ in GAMING.values()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(CORPUS) - 1), choices=st.lists(st.integers(0, 50), max_size=30))
def test_padding_neither_pays_nor_costs(which, choices):
    """Adding filler never changes the result; read the other way, removing it never does either."""
    case, steps = CORPUS[which]
    filled = padded(steps, choices)
    assert score(case, filled) == score(case, steps)


def test_the_padding_generator_really_pads():
    steps = GENUINE["hypotenuse_pq"].steps
    expected = ["Note: PQ = 8 and QR = 6. Good.", "Good. By the Pythagorean theorem PR = 10."]
    assert padded(steps, [4, 5, 5, 0]) == expected


# ---------------------------------------------------------------- through the real server


def test_reasons_come_back_over_http_with_explain(client):
    case = GENUINE["hypotenuse_pq"]
    completions = [
        case.text(),
        case.text(["PQ = 8 and QR = 6.", "PR = 10.", "PR = 14."]),
        case.text(["PQ = 8, QR = 6, PR = 10, PQ = 8, QR = 6, PR = 10."]),
    ]
    body = {
        "groups": [{"reference": {"answer": case.answer, "key_steps": case.key_steps}, "completions": completions}],
        "options": {"explain": True},
    }
    r = client.post("/v1/score", json=body)
    assert r.status_code == 200, r.text
    genuine, contradicted, repeated = r.json()["groups"][0]["results"]
    assert genuine["key_step_ratio"] == 1.0 and all(k["reason"] is None for k in genuine["explanation"]["key_steps"])
    assert contradicted["key_step_ratio"] == pytest.approx(2 / 3)
    assert [k["reason"] for k in contradicted["explanation"]["key_steps"]] == [None, None, "contradicted in step 3"]
    assert repeated["key_step_ratio"] == 0.0
    assert {k["reason"] for k in repeated["explanation"]["key_steps"]} == {"repeated"}
    assert genuine["explanation"]["stuffing_guard"] == {"applied": True}
    off = client.post("/v1/score", json={**body, "options": {"explain": True, "stuffing_guard": False}}).json()
    assert [r["key_step_ratio"] for r in off["groups"][0]["results"]] == [1.0, 1.0, 1.0]
    assert off["groups"][0]["results"][1]["explanation"]["stuffing_guard"] == {"applied": False}


def test_unmatched_key_steps_say_not_found(client):
    case = GENUINE["hypotenuse_pq"]
    reference = {"answer": case.answer, "key_steps": case.key_steps}
    body = {
        "groups": [{"reference": reference, "completions": [case.text(["PR = 10."])]}],
        "options": {"explain": True},
    }
    keys = client.post("/v1/score", json=body).json()["groups"][0]["results"][0]["explanation"]["key_steps"]
    assert [k["reason"] for k in keys] == ["not found", "not found", None]


def test_reasons_come_back_over_grpc(server):
    case = GENUINE["hypotenuse_pq"]
    groups = [
        {
            "reference": {"answer": case.answer, "key_steps": case.key_steps},
            "completions": [case.text(["PQ = 8 and QR = 6.", "PR = 9, PR = 10, PR = 11."])],
        }
    ]
    with RewardClient("grpc://" + server.grpc_target) as rpc:
        result = rpc.score(groups, options={"explain": True}).groups[0].results[0]
    assert [k.reason for k in result.explanation.key_steps] == [None, None, "enumerated: PR has 3 values"]
    assert result.explanation.stuffing_guard.applied is True


# ---------------------------------------------------------------- issue 26: corpora of gaming shapes and genuine styles

SHAPES = keystep_corpus.gaming_shapes()
DUMPED = keystep_corpus.dumped_before_values() | keystep_corpus.dumped_after_values()
STYLES = keystep_corpus.genuine_styles()


def scored(answer: str, key_steps: list, description: str, rationale: str, steps: list[str], **options) -> dict:
    group = PreparedGroup(CoreReference(answer=answer, key_steps=key_steps), STEPGRPO, Settings(**options))
    return group.score(keystep_corpus.full(description, rationale, steps, answer), explain=True)


def test_the_issue_26_corpora_are_large():
    assert len(SHAPES) + len(DUMPED) >= 100
    assert len(STYLES) >= 100
    assert {name.split("_")[0] for name in SHAPES} == {"negated", "enumerated", "unused", *keystep_corpus.NOT_ASSERTED}
    assert len([name for name in SHAPES if name.split("_")[0] in keystep_corpus.NOT_ASSERTED]) >= 100


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_gaming_shape_is_paid_less_than_its_genuine_twin_and_the_same_as_without_it(name):
    answer, keys, description, rationale, genuine, gaming, cleaned, why = SHAPES[name]
    paid = scored(answer, keys, description, rationale, gaming)
    twin = scored(answer, keys, description, rationale, genuine)
    without = scored(answer, keys, description, rationale, cleaned)
    assert twin["key_step_ratio"] == 1.0 and twin["step_rvr"] == 1.0
    assert paid["reward"] < twin["reward"]
    assert paid["reward"] == without["reward"] and paid["key_step_ratio"] == without["key_step_ratio"]
    reasons = [k["reason"] for k in paid["explanation"]["key_steps"] if k["matched"] and not k["credited"]]
    assert any(r.startswith(why) for r in reasons), reasons
    assert scored(answer, keys, description, rationale, gaming, stuffing_guard=False)["reward"] == twin["reward"]


@pytest.mark.parametrize("name", sorted(DUMPED))
def test_method_names_dumped_around_values_earn_nothing_but_the_values_count(name):
    answer, keys, description, rationale, genuine, gaming, values_only = DUMPED[name]
    paid = scored(answer, keys, description, rationale, gaming)
    assert paid["reward"] < scored(answer, keys, description, rationale, genuine)["reward"]
    assert paid["reward"] == scored(answer, keys, description, rationale, values_only)["reward"]
    names = [k for k in paid["explanation"]["key_steps"] if k["matched"] and not k["credited"]]
    assert names and all(k["reason"] == "named without use" for k in names)
    assert any(k["credited"] for k in paid["explanation"]["key_steps"])


@pytest.mark.parametrize("name", sorted(STYLES))
def test_a_genuine_step_style_earns_full_credit(name):
    result = scored(*STYLES[name])
    assert result["step_rvr"] == 1.0 and result["answer_correct"]
    assert result["key_step_ratio"] == 1.0, [k for k in result["explanation"]["key_steps"] if not k["credited"]]


def test_the_issue_26_examples():
    """The table of issue 26, as written there."""
    case = Case("6", [["AB = 6"]], "A segment AB.", "Length.", ["AB = 6."])
    for refuted in ["It is not true that AB = 6.", "AB = 6 is wrong.", "Suppose AB = 6 (which is false)."]:
        assert score(case, [refuted])["key_step_ratio"] == 0.0, refuted
    assert score(case, ["AB equals six."])["key_step_ratio"] == 1.0
    ac = Case("10", [["AC = 10"]], "Triangle ABC.", "Find AC.", ["AC = 10."])
    walk = ["AC = 9.", "AC = 9 + 1 = 10.", "AC = 10 + 1 = 11.", "AC = 11 + 1 = 12."]
    assert score(ac, walk, explain=True)["explanation"]["key_steps"][0]["reason"] == "enumerated: AC has 4 values"
    assert score(ac, ["p = AC = 9, q = AC = 10, r = AC = 11."])["key_step_ratio"] == 0.0
    heron = Case("24", [["heron's formula"]], "Sides 6, 8, 10.", "Area.", ["By Heron's formula, A = √144 = 12."])
    for unused in ["Law of sines 1, Heron's formula 2, angle bisector theorem 3.", "By Heron's formula, 1 = 1."]:
        assert score(heron, [unused])["key_step_ratio"] == 0.0, unused
    dump = Case("10", [["heron's formula"], ["AB = 6"], ["BC = 8"], ["AC = 10"]], "Triangle.", "Sides.", ["x"])
    listed = "Heron's formula, law of sines, law of cosines, similar triangles, angle sum, AB = 6, BC = 8, AC = 10."
    result = score(dump, [listed], explain=True)
    assert [k["credited"] for k in result["explanation"]["key_steps"]] == [False, True, True, True]


def test_why_a_statement_is_not_asserted_is_explained():
    case = keystep_corpus.BASES["hypotenuse"]
    steps = [*case.without, "It is not true that PR = 10."]
    result = scored(case.answer, case.key_steps, case.description, case.rationale, steps)
    assert result["explanation"]["key_steps"][2]["reason"] == "not asserted: negated (not)"


RIGHT_ANGLE_KEYS = [["AB = 6"], ["BC = 8"], ["AC = 10"], ["pythagorean theorem"]]


@pytest.mark.parametrize(
    ("steps", "credited"),
    [
        (["Is AB = 6? Is BC = 8? Is AC = 10? Could the Pythagorean theorem apply?"], [False] * 4),
        (["Maybe AB = 6. Perhaps BC = 8. Possibly AC = 10."], [False, False, False, None]),
        (["AB = 6?", "I guess BC = 8."], [False, False, None, None]),
        (["The key steps are 'AB = 6', 'BC = 8', 'AC = 10' and the Pythagorean theorem."], [False] * 4),
        (["We need to check whether AB = 6."], [False, None, None, None]),
        (["If AB = 6 then AC = 10 follows."], [False, None, True, None]),
        (["AB = 6, BC = 8, AC = 10, Pythagorean theorem."], [True, True, True, False]),
        (["By the Pythagorean theorem, AC = sqrt(6^2 + 8^2) = 10."], [None, None, True, True]),
        (["AB = 6 (given).", "Check: BC = 8 ✓", "Is AC = 10? Yes: AC = 10 by the figure."], [True, True, True, None]),
        (["AB = 6 is not given.", "BC = 8, which is not a coincidence."], [True, True, None, None]),
        (["AB = 6 is not given, but we compute it: AB = 6."], [True, None, None, None]),
        (["AB = 6 is not true.", "BC = 8 does not hold."], [False, False, None, None]),
    ],
)
def test_the_coordinator_probe_of_issue_26(steps, credited):
    """The shapes still fully credited after issue 26's first round: each statement the step does not assert earns
    nothing (None: not matched), the values beside a dumped name count."""
    case = Case("10", RIGHT_ANGLE_KEYS, "Right triangle ABC, right angle at B.", "Pythagoras.", steps)
    keys = score(case, explain=True)["explanation"]["key_steps"]
    assert [k["credited"] if k["matched"] else None for k in keys] == credited, keys


def test_a_hyphenated_number_word_states_its_value():
    case = Case("21", [["AB = 21"]], "A segment.", "Length.", ["AB = twenty-one."])
    assert score(case)["key_step_ratio"] == 1.0
    assert score(case, ["AB = twenty-two."])["key_step_ratio"] == 0.0


def test_the_documented_limits_of_assertion_hold():
    """docs/rewards.md, limits: a negation before a statement negates it whatever it negates; after it, only a
    truth word refutes it; a rhetorical question asks; backticks are no quotes and ``likely`` no doubt; a
    confirmation anywhere after a condition confirms it."""
    case = Case("10", [["AB = 6"], ["AC = 10"]], "Triangle.", "Sides.", ["AB = 6.", "AC = 10."])
    assert score(case, ["It is not hard to see that AB = 6.", "AC = 10."])["key_step_ratio"] == 0.5
    assert score(case, ["AB = 6 is not what we want.", "AC = 10."])["key_step_ratio"] == 1.0
    assert score(case, ["AB = 6.", "Why is AC = 10?"])["key_step_ratio"] == 0.5
    assert score(case, ["`AB = 6`", "Likely AC = 10."])["key_step_ratio"] == 1.0
    assert score(case, ["If AB = 6, then AC = 10, which checks out."])["key_step_ratio"] == 1.0


@pytest.mark.parametrize(
    ("step", "why"),
    [
        ("Maybe PR = 10.", "not asserted: doubted (maybe)"),
        ("Is PR = 10?", "not asserted: asked (?)"),
        ("We need to check whether PR = 10.", "not asserted: asked (whether)"),
        ("The key steps include 'PR = 10'.", "not asserted: quoted, not stated"),
        ("If PR = 10, then the figure closes.", "not asserted: a hypothesis never confirmed (if)"),
    ],
)
def test_why_a_doubt_a_question_a_quote_or_a_hypothesis_is_not_credited_is_explained(step, why):
    case = keystep_corpus.BASES["hypotenuse"]
    result = scored(case.answer, case.key_steps, case.description, case.rationale, [*case.without, step])
    assert result["explanation"]["key_steps"][2]["reason"] == why


# ---------------------------------------------------------------- issue 26: properties

_BASE_NAMES = sorted(keystep_corpus.BASES)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(_BASE_NAMES),
    template=st.sampled_from(keystep_corpus.NEGATED),
    lead=st.sampled_from(["", *FILLER_LEADS]),
    before=st.sampled_from(["", *FILLER_SENTENCES]),
    after=st.sampled_from(["", *FILLER_SENTENCES]),
)
def test_negating_a_credited_key_step_statement_removes_its_credit(base, template, lead, before, after):
    case = keystep_corpus.BASES[base]
    target = len(case.key_steps) - 1
    assert scored(case.answer, case.key_steps, case.description, case.rationale, case.genuine)["explanation"][
        "key_steps"
    ][target]["credited"]
    negated = " ".join(x for x in [before, lead + template.format(s=case.target), after] if x)
    steps = [*case.without, negated]
    result = scored(case.answer, case.key_steps, case.description, case.rationale, steps)
    key = result["explanation"]["key_steps"][target]
    assert key["matched"] and not key["credited"], (negated, key)


_UNASSERTING = [
    "Is {s}?",
    "{s}?",
    "Is it true that {s}?",
    "Does {s} hold?",
    "We need to check whether {s}.",
    "Maybe {s}.",
    "Perhaps {s}.",
    "Probably {s}.",
    "I guess {s}.",
    "{s}, maybe.",
    "It might be that {s}.",
]
"""A statement turned into a question or a doubt."""


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    label=st.from_regex(r"[A-Z]{2}|[a-z]", fullmatch=True).filter(lambda s: s not in {"a", "e", "i", "is", "IS"}),
    value=st.integers(1, 999),
    template=st.sampled_from(_UNASSERTING),
    lead=st.sampled_from(["", *FILLER_LEADS]),
    after=st.sampled_from(["", *FILLER_SENTENCES]),
)
def test_turning_a_credited_statement_into_a_question_or_a_doubt_removes_its_credit(
    label, value, template, lead, after
):
    statement = f"{label} = {value}"
    case = Case(str(value), [[statement]], "A figure.", "Read it.", [f"{statement}."])
    assert score(case, explain=True)["explanation"]["key_steps"][0]["credited"]
    asked = " ".join(x for x in [lead + template.format(s=statement), after] if x)
    key = score(case, [asked], explain=True)["explanation"]["key_steps"][0]
    assert key["matched"] and not key["credited"], (asked, key)


_METHOD_NAMES = ["Pythagorean theorem", "law of sines", "law of cosines", "Heron's formula", "angle bisector theorem"]


_GENUINE_CASES = [(c.answer, c.key_steps, c.description, c.rationale, c.steps) for c in GENUINE.values()]
_GENUINE_CASES += list(STYLES.values())
_EQUATION = re.compile(r"^\s*([A-Za-z∠]{1,3})\s*=\s*(\d+)\s*$")


def _statements_of(key_steps: list) -> list[tuple[str, int]]:
    return [(m.group(1), int(m.group(2))) for group in key_steps for alt in group if (m := _EQUATION.match(alt))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(_GENUINE_CASES) - 1), how=st.integers(0, 5), pick=st.integers(0, 50))
def test_appending_a_copy_or_an_enumeration_never_raises_the_reward(which, how, pick):
    answer, keys, description, rationale, steps = _GENUINE_CASES[which]
    before = scored(answer, keys, description, rationale, steps)["reward"]
    statements = _statements_of(keys)
    if how == 0 or not statements:
        extra = [steps[pick % len(steps)]]
    elif how == 1:
        extra = [" ".join(steps)]
    else:
        quantity, value = statements[pick % len(statements)]
        values = [value + d for d in (-1, 1, 2)[: how - 1 if how < 5 else 3]]
        shapes = [
            [f"{quantity} = {v}." for v in values],
            [f"{quantity} = {v} + 1 = {v + 1}." for v in values],
            [", ".join(f"{chr(112 + i)} = {quantity} = {v}" for i, v in enumerate(values)) + "."],
        ]
        extra = shapes[pick % len(shapes)]
    after = scored(answer, keys, description, rationale, [*steps, *extra])["reward"]
    assert after <= before, (steps, extra)


_NEW_CORPUS = [(a, k, d, r, steps) for a, k, d, r, _, steps, _, _ in SHAPES.values()]
_NEW_CORPUS += [case for case in _GENUINE_CASES if not re.match(r"[-*] |\d\. ", case[4][0])]
_NEW_CORPUS += [(a, k, d, r, steps) for a, k, d, r, _, steps, _, _ in keystep_corpus.list_frames().values()]
_NEW_CORPUS += list(keystep_corpus.genuine_list_frames().values())
_NEW_CORPUS = [case for case in _NEW_CORPUS if not any(re.search(r"\n|(?:^|\. )[-*] ", step) for step in case[4])]
"""Padded at sentence starts, a list marker would stop being one (``Good. - AB = 6``) and a numbered item would take
a lead (``3. Clearly, AC = 10``): lists one a line are left out."""


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(_NEW_CORPUS) - 1), choices=st.lists(st.integers(0, 50), max_size=30))
def test_padding_neither_pays_nor_costs_in_the_issue_26_corpora(which, choices):
    answer, keys, description, rationale, steps = _NEW_CORPUS[which]
    before = scored(answer, keys, description, rationale, steps)
    after = scored(answer, keys, description, rationale, padded(steps, choices))
    assert (after["reward"], after["key_step_ratio"]) == (before["reward"], before["key_step_ratio"])


def test_issue_26_reasons_come_back_over_http(client):
    case = keystep_corpus.BASES["hypotenuse"]
    shapes = [
        [*case.without, "It is not true that PR = 10."],
        [*case.without, "PR = 9.", "PR = 9 + 1 = 10.", "PR = 10 + 1 = 11.", "PR = 11 + 1 = 12."],
        [*case.without, "p = PR = 9, q = PR = 10, r = PR = 11."],
    ]
    completions = [keystep_corpus.full(case.description, case.rationale, s, case.answer) for s in shapes]
    reference = {"answer": case.answer, "key_steps": case.key_steps}
    body = {"groups": [{"reference": reference, "completions": completions}], "options": {"explain": True}}
    response = client.post("/v1/score", json=body)
    assert response.status_code == 200, response.text
    reasons = [r["explanation"]["key_steps"][2]["reason"] for r in response.json()["groups"][0]["results"]]
    assert reasons == ["not asserted: negated (not)", "enumerated: PR has 4 values", "enumerated: PR has 3 values"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, len(_GENUINE_CASES) - 1),
    name=st.sampled_from(_METHOD_NAMES),
    joint=st.sampled_from([", ", " and ", ", and the ", ", then "]),
    step=st.integers(0, 50),
)
def test_appending_a_method_name_to_a_sentence_of_values_never_raises_the_reward(which, name, joint, step):
    """A name dumped after the values it did not produce earns nothing, whatever the key steps and steps."""
    answer, keys, description, rationale, steps = _GENUINE_CASES[which]
    keys = [*keys, [name.lower()]]
    before = scored(answer, keys, description, rationale, steps)["reward"]
    k = step % len(steps)
    assume(re.search(r"\d", re.split(r"[.;?!]\s", steps[k].rstrip())[-1]))
    appended = [*steps[:k], steps[k].rstrip().rstrip(".") + joint + name + ".", *steps[k + 1 :]]
    assert scored(answer, keys, description, rationale, appended)["reward"] <= before, appended


# ---------------------------------------------------------------- issue 26: a stance scopes over the list it governs

LIST_FRAMES = keystep_corpus.list_frames()
GENUINE_LISTS = keystep_corpus.genuine_list_frames()


def _credits(result: dict) -> list[bool | None]:
    return [k["credited"] if k["matched"] else None for k in result["explanation"]["key_steps"]]


def test_the_list_corpora_cover_every_length_separator_wrapping_and_stance():
    names = [name.split("_") for name in LIST_FRAMES]
    assert {n[1] for n in names} == {"2", "3"}
    assert {n[2] for n in names} == set(keystep_corpus.SEPARATORS)
    assert {n[3] for n in names} == set(keystep_corpus.WRAPS)
    assert {n[0] for n in names} == {"supposed", "asked", "doubted", "negated", "refuted", "answered"}
    assert len(GENUINE_LISTS) >= 100


@pytest.mark.parametrize("name", sorted(LIST_FRAMES))
def test_a_stance_over_a_list_takes_the_credit_of_every_item(name):
    """Paid as if the list were not there, and less than the list asserted; every governed item explained."""
    answer, keys, description, rationale, genuine, gaming, cleaned, _ = LIST_FRAMES[name]
    paid = scored(answer, keys, description, rationale, gaming)
    size = int(name.split("_")[1])
    assert _credits(paid)[:size] == [False] * size, (gaming, paid["explanation"]["key_steps"])
    assert all(k["reason"].startswith("not asserted: ") for k in paid["explanation"]["key_steps"][:size])
    without = scored(answer, keys, description, rationale, cleaned)
    assert (paid["reward"], paid["key_step_ratio"]) == (without["reward"], without["key_step_ratio"])
    assert paid["reward"] < scored(answer, keys, description, rationale, genuine)["reward"]


@pytest.mark.parametrize("name", sorted(GENUINE_LISTS))
def test_a_list_asserted_keeps_the_credit_of_every_item(name):
    result = scored(*GENUINE_LISTS[name])
    assert result["key_step_ratio"] == 1.0, (GENUINE_LISTS[name][4], result["explanation"]["key_steps"])


@pytest.mark.parametrize(
    ("step", "credited"),
    [
        ("Suppose AB = 6, BC = 8 and AC = 10.", [False, False, False]),
        ("Assume AB = 6, BC = 8, AC = 10.", [False, False, False]),
        ("If AB = 6, BC = 8 and AC = 10, then done.", [False, False, False]),
        ("I wonder whether AB = 6, BC = 8 and AC = 10.", [False, False, False]),
        ("AB = 6, BC = 8, AC = 10?", [False, False, False]),
        ("AB = 6; BC = 8; AC = 10?", [False, False, False]),
        ("AB = 6, BC = 8, AC = 10, right?", [False, False, False]),
        ("Maybe: AB = 6, BC = 8, AC = 10.", [False, False, False]),
        ("My guess: AB = 6, BC = 8, AC = 10.", [False, False, False]),
        ("AB = 6, BC = 8, AC = 10. I'm not confident in any of this.", [False, False, False]),
        ("AB = 6, BC = 8, AC = 10, though these may be wrong.", [False, False, False]),
        ("Since AB = 6 and BC = 8, AC = 10 by the Pythagorean theorem.", [True, True, True]),
        ("If we square AB = 6 and BC = 8 we get 36 + 64 = 100, so AC = 10.", [True, True, True]),
        ("AB = 6, BC = 8, so AC = 10.", [True, True, True]),
        ("If AB = 6, BC = 8, AC = 10.", [False, False, True]),
        ("If AB = 6 and BC = 8, AC = 10.", [False, False, True]),
        ("Given AB = 6 and BC = 8, what is AC? AC = 10.", [True, True, True]),
        ("AB = 6; is BC = 8? Yes. AC = 10.", [True, True, True]),
        ("AB = 6 is wrong, BC = 8, AC = 10.", [False, True, True]),
        ("AB = 6, BC = 8, AC = 10. I'm not sure this generalises to obtuse triangles.", [True, True, True]),
    ],
)
def test_the_list_probe_of_issue_26(step, credited):
    """The coordinator's probe: each stance takes the whole list it governs, the genuine twins keep everything; a
    comma-closed condition's last item is its consequent (``If AB = 6, BC = 8, AC = 10.``)."""
    case = Case("10", RIGHT_ANGLE_KEYS, "Right triangle ABC, right angle at B.", "Pythagoras.", [step])
    assert _credits(score(case, explain=True))[:3] == credited


def test_let_keeps_the_values_a_problem_gives():
    case = Case("10", RIGHT_ANGLE_KEYS[:2], "AB = 6 and BC = 8.", "Given.", ["Let AB = 6, BC = 8."])
    assert score(case)["key_step_ratio"] == 1.0


@pytest.mark.parametrize(("step", "credited"), list(keystep_corpus.METHOD_AS_JUSTIFICATION.items()))
def test_a_method_named_as_the_justification_of_a_value_is_used_and_a_name_alone_is_not(step, credited):
    answer, keys, description, rationale = keystep_corpus.PYTHAGORAS
    assert _credits(scored(answer, keys, description, rationale, [step])) == credited


_LABELS = ["AB", "BC", "CD", "DE", "EF", "PQ", "QR", "XY", "MN", "KL", "GH", "x", "y", "z"]
_GAMING_FRAMES = [
    frame
    for _, frame in keystep_corpus.INLINE_FRAMES + keystep_corpus.LABEL_FRAMES + keystep_corpus.AFTER_FRAMES
    if "contradiction" not in frame
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    labels=st.lists(st.sampled_from(_LABELS), min_size=1, max_size=5, unique=True),
    values=st.lists(st.integers(1, 999), min_size=5, max_size=5),
    separator=st.sampled_from(["comma", "semicolon", "and", "serial", "mixed"]),
    wrap=st.sampled_from(sorted(keystep_corpus.WRAPS)),
    frame=st.sampled_from(_GAMING_FRAMES),
    genuine=st.sampled_from(keystep_corpus.GENUINE_FRAMES),
    lead=st.sampled_from(["", *FILLER_SENTENCES]),
)
def test_a_stance_over_any_credited_list_leaves_no_item_credited(labels, values, separator, wrap, frame, genuine, lead):
    """Wrapping any list of credited key-step statements in a doubt, supposition, question or negation frame (the
    vocabulary's) leaves none of them credited; a genuine frame keeps them all."""
    items = [f"{label} = {value}" for label, value in zip(labels, values, strict=False)]
    keys = [[item] for item in items]
    listed = keystep_corpus.item_list(items, separator, wrap)
    case = Case(str(values[0]), keys, "A figure.", "Read it.", [f"{listed}."])
    assert _credits(score(case, explain=True)) == [True] * len(items)
    framed = " ".join(x for x in [lead, frame.replace("{L}", listed)] if x)
    assert _credits(score(case, [framed], explain=True)) == [False] * len(items), framed
    kept = " ".join(x for x in [lead, genuine.replace("{L}", listed)] if x)
    assert _credits(score(case, [kept], explain=True)) == [True] * len(items), kept


def test_key_steps_and_the_answer_reader_read_one_list_of_doubts():
    """Every doubt of the answer reader's :data:`DOUBT`, said after a key step, takes its credit, and after a final
    answer, makes it a hedge (one list, read by both)."""
    from service.rewards.vocabulary import DOUBT

    said = {
        "not sure": "I'm not sure.",
        "unsure": "I am unsure.",
        "not\\s+(?:entirely": "I'm not entirely confident.",
        "uncertain": "This is uncertain.",
        "unverified": "All of this is unverified.",
        "double[-\\s]check": "Please double-check.",
        "be\\s+(?:wrong": "This may be wrong.",
        "ruled\\s+out": "I can't be sure.",
        "a\\s+guess": "Just a guess.",
        "either\\s+way": "Either way.",
        "could\\s+go": "It could go either way.",
        "possible\\s+(?:answer": "Another possible value.",
    }
    assert all(any(key in fragment for key in said) for fragment in DOUBT), DOUBT
    case = Case("10", [["AC = 10"]], "Triangle.", "Find AC.", ["AC = 10."])
    for doubt in said.values():
        assert _credits(score(case, [f"AC = 10. {doubt}"], explain=True)) == [False], doubt
        answer = full("Triangle.", "Find AC.", ["AC = 10."], f"10. {doubt}")
        group = PreparedGroup(CoreReference(answer="10", key_steps=[["AC = 10"]]), STEPGRPO, Settings())
        assert not group.score(answer)["answer_correct"], doubt


def _form(reason: str) -> str:
    """A reason without what it quotes: ``enumerated: PR has 4 values`` -> ``enumerated``, ``doubted (maybe)`` ->
    ``doubted``."""
    return re.sub(r"^(enumerated|contradicted).*|\s*\(.*\)$", r"\1", reason)


def test_every_reason_the_core_gives_is_listed_once_in_the_contract():
    """service/rewards/score.py REASONS is the one list: every reason the corpora draw is in it, every entry of it is
    drawn, and the contract's description (OpenAPI) names them all."""
    from service.rewards.score import REASONS
    from service.scoring.contract import KeyStepMatch

    corpora = [v[:4] + (v[5],) for v in [*SHAPES.values(), *LIST_FRAMES.values()]]
    more = [["AB = 6, AB = 7, AB = 8.", "BC = 8.", "BC = 9."], ["AB = 6, BC = 8. AB = 6, BC = 8.", "AC = 10."]]
    corpora += [(*keystep_corpus.RIGHT_TRIANGLE, steps) for steps in more]
    drawn = {
        _form(k["reason"] or "")
        for case in corpora[::7] + corpora[-2:]
        for k in scored(*case)["explanation"]["key_steps"]
        if not k["credited"]
    }
    assert drawn == {_form(r) for r in REASONS}
    described = KeyStepMatch.model_json_schema()["properties"]["reason"]["description"]
    assert all(f"'{reason}'" in described for reason in REASONS)


@pytest.mark.parametrize(
    "step",
    [
        "The key step is 'AC = 10'.",
        "One key step is “AC = 10”.",
        'The checklist says "AC = 10".',
        "Heron's 'AC = 10' here.",
        "‘AC = 10’ is listed, and so AC = 10.",
        "The key steps are 'AB = 6', 'BC = 8' and “AC = 10”.",
    ],
)
def test_the_explanation_locates_a_quoted_statement_as_written(step):
    """The inspector highlights ``[start, end)``: inside quotes it is the statement, not a character or two off."""
    case = Case("10", RIGHT_ANGLE_KEYS[:3], "Right triangle ABC.", "Pythagoras.", [step])
    text = case.text()
    for key in score(case, explain=True)["explanation"]["key_steps"]:
        if key["matched"]:
            assert text[key["start"] : key["end"]] == key["alternatives"][0], (step, key)
