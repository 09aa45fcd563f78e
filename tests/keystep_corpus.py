"""Key-step corpora of issue 26, written for this project: genuine step styles that must earn full credit, and
gaming shapes, each with its genuine twin and the twin with the offending statements removed.

A *base* is a reference and steps that state every key step; ``without`` states all but the target key step.
A gaming shape adds offending text that says the target without asserting it (negated, refuted, rejected),
enumerates it, or names a method without using it: it must be paid less than the base's genuine steps and the
same as ``without`` (the offending statements removed).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Base:
    answer: str
    key_steps: list
    description: str
    rationale: str
    genuine: list[str]
    without: list[str]
    """The genuine steps with the target key step's statement removed."""
    target: str
    """The target key step as a statement (``PR = 10``), for the templates."""


BASES = {
    "hypotenuse": Base(
        "10",
        [["PQ = 8"], ["QR = 6"], ["PR = 10"]],
        "Right triangle PQR with the right angle at Q; PQ is labelled 8 and QR is labelled 6.",
        "PR is the hypotenuse.",
        ["PQ = 8 and QR = 6.", "By the Pythagorean theorem PR = 10."],
        ["PQ = 8 and QR = 6.", "By the Pythagorean theorem we find the hypotenuse."],
        "PR = 10",
    ),
    "equation": Base(
        "7",
        [["x - 3 = 4"], ["x = 7"]],
        "The equation x - 3 = 4 is written on a card.",
        "Solve for x.",
        ["x - 3 = 4.", "Adding 3 to both sides, x = 7."],
        ["x - 3 = 4.", "Adding 3 to both sides isolates the unknown."],
        "x = 7",
    ),
    "rectangle": Base(
        "60",
        [["length = 12"], ["width = 5"], ["area = 60"]],
        "A rectangle 12 by 5.",
        "Area.",
        ["Length = 12, width = 5.", "Area = 12 × 5 = 60."],
        ["Length = 12, width = 5.", "Multiply them."],
        "area = 60",
    ),
    "angle": Base(
        "70",
        [["∠A = 50°"], ["∠B = 60°"], ["∠C = 70°", "angle C = 70"]],
        "Triangle ABC with ∠A = 50° and ∠B = 60°.",
        "Angles of a triangle sum to 180°.",
        ["∠A = 50°, ∠B = 60°.", "∠C = 180° − 50° − 60° = 70°."],
        ["∠A = 50°, ∠B = 60°.", "The third angle completes the straight sum."],
        "∠C = 70°",
    ),
}

NEGATED = [
    "It is not true that {s}.",
    "{s} is wrong.",
    "Suppose {s} (which is false).",
    "{s} is false.",
    "{s} is incorrect.",
    "{s} is not correct.",
    "Not {s}.",
    "It is false that {s}.",
    "{s}, which is impossible.",
    "{s}? No.",
    "{s}. That is wrong.",
    "Suppose {s}. This leads to a contradiction.",
    "If {s}, we reach a contradiction.",
    "Assume {s}; that is absurd.",
    "{s} does not hold.",
    "{s} cannot be.",
    "It is never the case that {s}.",
    "We reject {s}.",
    "{s} is untrue.",
    "{s} is a mistake.",
    "{s} is invalid.",
    "{s} isn't right.",
    "{s} can't be right.",
    "I guess {s}, but that is wrong.",
    "{s} doesn't work.",
    "Try {s}: wrong.",
    "{s}, which is not possible.",
    "{s}. No.",
    "{s} is not certain.",
    "{s} is not proven.",
    "{s} is not known.",
    "{s}, no.",
    "{s}: incorrect.",
    "{s}: totally wrong.",
]
"""Each says the target key step without asserting it."""

DOUBTED = [
    "Maybe {s}.",
    "Perhaps {s}.",
    "Possibly {s}.",
    "Probably {s}.",
    "I guess {s}.",
    "{s}, maybe.",
    "{s}, perhaps.",
    "{s} probably.",
    "It might be that {s}.",
    "{s}, which is probably right.",
    "I am unsure, but maybe {s}.",
    "{s}, possibly.",
    "{s} (I'm not sure).",
    "{s}, but I am not sure.",
    "{s} could be right.",
    "{s}, unless the figure is not to scale.",
    "{s}, but wait.",
    "{s}, alternatively something else.",
    "{s} unless the labels are swapped.",
]
"""Each leaves the target open: the answer reader's doubts (:data:`service.rewards.vocabulary.UNCERTAIN`)."""

ASKED = [
    "Is {s}?",
    "{s}?",
    "Could {s}?",
    "Is it true that {s}?",
    "Does {s} hold?",
    "Would {s} work?",
    "We need to check whether {s}.",
    "Check whether {s}.",
    "Can we say {s}?",
    "Is {s} the case?",
    "Okay, is {s}?",
    "Next question: is {s}?",
    "{s}, right?",
    "{s}, isn't it?",
    "{s}, is that correct?",
]
"""Each asks the target without answering it."""

QUOTED = [
    "The key steps include '{s}'.",
    "One key step is “{s}”.",
    "Write '{s}' in the box.",
    'The checklist says "{s}".',
    "The key step '{s}' is listed.",
]
"""Each mentions the target in quotes without stating it."""

SUPPOSED = [
    "If {s}, then the figure closes.",
    "Suppose {s}.",
    "Assume {s} for now.",
    "Assuming {s}, we continue.",
    "Imagine {s}.",
    "If {s} then we are done.",
    "Try {s}.",
    "Check if {s}.",
]
"""Each supposes the target and never confirms it."""

NOT_ASSERTED = {"doubted": DOUBTED, "asked": ASKED, "quoted": QUOTED, "supposed": SUPPOSED}

ENUMERATED = {
    "hypotenuse": [
        ["PR = 9.", "PR = 9 + 1 = 10.", "PR = 10 + 1 = 11.", "PR = 11 + 1 = 12."],
        ["PR = 9. PR = 9 + 1 = 10. PR = 10 + 1 = 11."],
        ["p = PR = 9, q = PR = 10, r = PR = 11."],
        ["p = PR = 9.", "q = PR = 10.", "r = PR = 11."],
        ["PR is 9. PR is 10. PR is 11."],
        ["PR equals nine.", "PR equals ten.", "PR equals eleven."],
        ["PR = 10, 9 or 11."],
        ["Let a = PR = 9.", "Let b = PR = 10.", "Let c = PR = 11.", "Let d = PR = 12."],
        ["PR = 10 - 1 = 9.", "PR = 9 + 1 = 10.", "PR = 10 + 1 = 11."],
        ["PR measures 9, PR measures 10, PR measures 11."],
        ["PR has length 9.", "PR has length 10.", "PR has length 11."],
        ["PR = 9.", "So PR = 10.", "Hence PR = 11."],
    ],
    "equation": [
        ["x = 6.", "x = 6 + 1 = 7.", "x = 7 + 1 = 8."],
        ["x = 6. x = x + 1 = 7. x = x + 1 = 8."],
        ["x = 5, x = 6, x = 7, x = 8."],
        ["a = x = 6, b = x = 7, c = x = 8."],
        ["x is 7, 6 or 8."],
        ["x = 3.5 × 2 = 7.", "x = 7 × 2 = 14.", "x = 14 × 2 = 28."],
        ["x equals six.", "x equals seven.", "x equals eight."],
    ],
    "rectangle": [
        ["Area = 50.", "Area = 50 + 10 = 60.", "Area = 60 + 10 = 70."],
        ["s = area = 50, t = area = 60, u = area = 70."],
        ["Area is 50. Area is 60. Area is 70."],
        ["Area = 60, 55 or 65."],
    ],
    "angle": [
        ["∠C = 60°.", "∠C = 60° + 10° = 70°.", "∠C = 70° + 10° = 80°."],
        ["∠C = 70°, 60° or 80°."],
        ["y = ∠C = 60°, z = ∠C = 70°, w = ∠C = 80°."],
    ],
}
"""Each gives the target's quantity several values that do not follow from each other."""


@dataclass(frozen=True)
class MethodBase:
    answer: str
    key_steps: list
    description: str
    rationale: str
    genuine: list[str]
    without: list[str]


METHOD_BASES = {
    "heron": MethodBase(
        "24",
        [["heron's formula"], ["s = 12"], ["area = 24"]],
        "A triangle with sides 6, 8 and 10.",
        "Area from the three sides.",
        ["s = (6 + 8 + 10) / 2 = 12.", "By Heron's formula, area = √(12 × 6 × 4 × 2) = 24."],
        ["s = (6 + 8 + 10) / 2 = 12.", "Area = √(12 × 6 × 4 × 2) = 24."],
    ),
    "pythagoras": MethodBase(
        "13",
        [["pythagorean theorem"], ["c = 13"]],
        "A right triangle with legs 5 and 12.",
        "Find the hypotenuse c.",
        ["By the Pythagorean theorem, c² = 5² + 12² = 169, so c = 13."],
        ["c² = 5² + 12² = 169, so c = 13."],
    ),
    "cosines": MethodBase(
        "7",
        [["law of cosines"], ["c = 7"]],
        "A triangle with sides 5 and 8 and the angle between them 60°.",
        "Third side.",
        ["By the law of cosines, c² = 25 + 64 − 2 × 5 × 8 × 0.5 = 49, so c = 7."],
        ["c² = 25 + 64 − 2 × 5 × 8 × 0.5 = 49, so c = 7."],
    ),
}

NAMES = {"heron": "Heron's formula", "pythagoras": "the Pythagorean theorem", "cosines": "the law of cosines"}
UNUSED = [
    "Law of sines 1, {n} 2, angle bisector theorem 3.",
    "By {n}, 1 = 1.",
    "{n}, law of sines, similar triangles, angle sum theorem.",
    "Methods: {n}, law of sines, law of tangents.",
    "By {n}, 7 = 7.",
    "{n} 1.",
    "Using {n}: 3, 4, 5.",
    "By {n}, q = q.",
    "{n} (2).",
    "Recall {n}, 2 = 2.",
]
"""Each names the method without a computation that uses it; some mix numbers in."""

DUMPED_BEFORE_VALUES = [
    "{n}, law of sines, law of tangents, similar triangles, angle sum, {v}.",
    "Angle bisector theorem, law of sines, {n}, angle sum theorem, {v}.",
]
"""A list of method names, then values: the values count, the names do not."""

DUMPED_AFTER_VALUES = [
    "{v}, {n}.",
    "{v} and {n}.",
    "{v}; {n}.",
    "{v}. {n}.",
    "{v}, {n}, law of sines.",
    "{v} ({n}).",
]
"""Values, then a method name dumped after them: the values count, the name does not (no computation uses it)."""


def full(description: str, rationale: str, steps: list[str], answer: str) -> str:
    text = f"### Image Description:\n{description}\n### Rationales:\n{rationale}\n### Let's think step by step.\n"
    for i, body in enumerate(steps, 1):
        text += f"### Step {i}:\n{body}\n"
    return text + f"### The final answer is: {answer}"


def gaming_shapes() -> dict[str, tuple]:
    """name -> (answer, key steps, description, rationale, genuine steps, gaming steps, cleaned steps, reason)."""
    shapes: dict[str, tuple] = {}
    for base_name in ("hypotenuse", "equation", "angle"):
        base = BASES[base_name]
        head = base.without[:-1]
        for k, template in enumerate(NEGATED):
            offending = template.format(s=base.target)
            gaming = [*head, base.without[-1], offending]
            shapes[f"negated_{base_name}_{k}"] = (*_ref(base), base.genuine, gaming, base.without, "not asserted")
        for stance, templates in NOT_ASSERTED.items():
            for k, template in enumerate(templates):
                gaming = [*base.without, template.format(s=base.target)]
                shapes[f"{stance}_{base_name}_{k}"] = (*_ref(base), base.genuine, gaming, base.without, "not asserted")
    for base_name, variants in ENUMERATED.items():
        base = BASES[base_name]
        for k, offending in enumerate(variants):
            gaming = [*base.without, *offending]
            shapes[f"enumerated_{base_name}_{k}"] = (*_ref(base), base.genuine, gaming, base.without, "enumerated")
    for base_name, base in METHOD_BASES.items():
        name = NAMES[base_name]
        for k, template in enumerate(UNUSED):
            offending = template.format(n=name)
            offending = offending[0].upper() + offending[1:]
            gaming = [*base.without, offending]
            shapes[f"unused_{base_name}_{k}"] = (*_ref(base), base.genuine, gaming, base.without, "named without use")
    return shapes


def dumped_before_values() -> dict[str, tuple]:
    """Names listed before the values they precede: (reference..., genuine steps, gaming steps, values-only steps)."""
    out = {}
    for base_name, base in METHOD_BASES.items():
        value = base.genuine[-1].rsplit(", so ", 1)[-1].rstrip(".") if ", so " in base.genuine[-1] else "s = 12"
        for k, template in enumerate(DUMPED_BEFORE_VALUES):
            gaming = [template.format(n=NAMES[base_name], v=value)]
            out[f"dumped_{base_name}_{k}"] = (*_ref(base), base.genuine, gaming, [f"We have {value}."])
    return out


def dumped_after_values() -> dict[str, tuple]:
    """A name dumped after the values: (reference..., genuine steps, gaming steps, values-only steps)."""
    out = {}
    for base_name, base in METHOD_BASES.items():
        value = base.genuine[-1].rsplit(", so ", 1)[-1].rstrip(".") if ", so " in base.genuine[-1] else "s = 12"
        for k, template in enumerate(DUMPED_AFTER_VALUES):
            gaming = [template.format(n=NAMES[base_name], v=value)]
            out[f"dumped_after_{base_name}_{k}"] = (*_ref(base), base.genuine, gaming, [f"We have {value}."])
    return out


def _ref(base) -> tuple:
    return (base.answer, base.key_steps, base.description, base.rationale)


# ---------------------------------------------------------------- genuine step styles

RIGHT_TRIANGLE = ("10", [["AB = 6"], ["BC = 8"], ["AC = 10"]], "Right triangle ABC, right angle at B.", "Pythagoras.")

AB_STYLES = [
    "AB = 6.",
    "AB=6",
    "AB is 6.",
    "AB equals 6.",
    "AB equals six.",
    "AB is six.",
    "AB is equal to 6.",
    "AB is equal to six.",
    "AB measures 6.",
    "AB measures six units.",
    "AB has length 6.",
    "AB has a length of 6 cm.",
    "AB was 6.",
    "AB must be 6.",
    "AB will be 6.",
    "AB becomes 6.",
    "AB comes to 6.",
    "AB amounts to 6.",
    "AB evaluates to 6.",
    "6 = AB.",
    "|AB| = 6.",
    "$AB = 6$.",
    "\\(AB = 6\\).",
    "$$AB = 6$$",
    "AB = 6 cm.",
    "AB = 6 units.",
    "AB = 3 + 3 = 6.",
    "AB = 2 × 3 = 6.",
    "AB = √36 = 6.",
    "AB = \\sqrt{36} = 6.",
    "AB = 12 / 2 = 6.",
    "So AB = 6.",
    "Thus AB = 6.",
    "Hence, AB = 6.",
    "Therefore AB = 6.",
    "We get AB = 6.",
    "Clearly AB = 6.",
    "From the figure, AB = 6.",
    "The side AB = 6.",
    "The leg AB is 6.",
    "AB = 6, not 7.",
    "AB is not 5; AB = 6.",
    "AB = 6, so the triangle is not isosceles.",
    "The triangle is not isosceles, so AB = 6.",
    "If the scale is 1, AB = 6.",
    "Suppose the grid is square; AB = 6.",
    "AB = 6 (read from the grid).",
    "AB = 6, which matches the figure.",
    "No label is missing: AB = 6.",
    "- AB = 6",
    "* AB = 6",
    "1. AB = 6",
    "**AB = 6**",
    "AB = 6.0.",
    "AB = 6.00 cm.",
    "AB ≈ 6.",
    "AB = 6 exactly.",
    "Measuring, AB = 6.",
    "AB is six centimetres long... AB = 6.",
    "Let AB = 6.",
    "AB = BC − 2 = 6.",
    "We know AB = 6 from the grid.",
    "AB = 6 (given).",
    "Given: AB = 6.",
    "The length of AB is 6.",
    "Side AB equals 6 units.",
    "AB = 6 m.",
    "AB = 6; BC = 8.",
    "AB = 4 + 2 = 6.",
    "AB = 18 / 3 = 6.",
    "Reading the figure: AB = 6.",
    "AB is 6 units long.",
    "So, AB = 6 cm.",
    "AB = \\frac{12}{2} = 6.",
    "AB = 6, as labelled.",
    "In triangle ABC, AB = 6.",
    "Check: AB = 6 ✓",
    "Is AB = 6? Yes: AB = 6 by the figure.",
    "Is AB = 6? Yes.",
    "AB = 6? Yes.",
    "AB = 6, which is not a coincidence.",
    "AB = 6 is not given; we read it off the grid.",
    "AB = 6 is not given. We compute it: AB = 6.",
    "AB = 6 ✓",
    "AB = 6 (not 7).",
    "AB = 6, as we might expect from the grid.",
    "Suppose the grid unit is 1 cm; then AB = 6.",
    "Is the grid square? Yes, so AB = 6.",
    "AB = 6, so is BC shorter? No, BC is longer.",
    "AB = 6, no doubt.",
    "AB = 6, so the first guess was wrong.",
    "AB = 6, not wrong.",
    "AB = 6: correct.",
    "AB = 6, as the grid shows; otherwise the figure would not close.",
]
"""Ways of stating the first leg (step 1); the other two key steps are stated the same way in every style."""

TERSE = [
    ["AB=6, BC=8", "AC=10"],
    ["AB=6;BC=8;AC=10"],
    ["6, 8 → AC = 10. AB = 6, BC = 8."],
    ["AB 6 BC 8. AB = 6, BC = 8, AC = 10."],
    ["AB = 6", "BC = 8", "AC = 10"],
    ["AB = 6, BC = 8, AC = √100 = 10"],
    ["AB=6,BC=8⇒AC=10"],
    ["AB = 6 & BC = 8 → AC = 10"],
    ["AB=6. BC=8. AC=10."],
    ["AB = 6; BC = 8.", "AC² = 36 + 64 = 100; AC = 10."],
    ["Given AB = 6 and BC = 8, what is AC? AC = 10."],
    ["AB = 6, BC = 8. AC? AC = √(36 + 64) = 10."],
    ["AB = 6 ✓ BC = 8 ✓ AC = 10 ✓"],
    ["Is AB = 6? Yes. Is BC = 8? Yes. So AC = 10."],
]

OTHER_GENUINE = [
    (
        "13",
        [["pythagorean theorem"], ["c = 13"]],
        "Legs 5 and 12.",
        "Hypotenuse.",
        ["Pythagorean theorem: c = √(25 + 144) = 13."],
    ),
    (
        "24",
        [["heron's formula"], ["s = 12"], ["area = 24"]],
        "Sides 6, 8, 10.",
        "Heron.",
        ["s = 12.", "Heron's formula: area = √(12·6·4·2) = 24."],
    ),
    (
        "24",
        [["heron's formula"], ["area = 24"]],
        "Sides 6, 8, 10.",
        "Heron.",
        ["We apply Heron's formula.", "Area = √(12 × 6 × 4 × 2) = 24."],
    ),
    (
        "7",
        [["law of cosines"], ["c = 7"]],
        "Sides 5 and 8, angle 60° between them.",
        "Cosines.",
        ["Law of cosines: c² = 25 + 64 − 40 = 49.", "c = 7."],
    ),
    (
        "7",
        [["law of cosines"], ["c = 7"]],
        "Sides 5 and 8, angle 60° between them.",
        "Cosines.",
        ["c² = 25 + 64 − 40 = 49 by the law of cosines, so c = 7."],
    ),
    (
        "8",
        [["similar"], ["x = 8"]],
        "Triangles ABC and DEF.",
        "Ratios.",
        ["AB/DE = 2 and BC/EF = 2.", "So the triangles are similar.", "x = 4 × 2 = 8."],
    ),
    ("10", [["n = 5"], ["n = 10"]], "Start at 3.", "Steps.", ["n = 3.", "n = 3 + 2 = 5.", "n = 5 × 2 = 10."]),
    ("9", [["x = 9"]], "Counter.", "Update.", ["x = 4.", "x = x + 5 = 9."]),
    ("12", [["AC = 12"]], "Perimeter 32.", "Find AC.", ["If AC = 11, the perimeter would be 31, not 32, so AC = 12."]),
    ("6", [["x = 6"]], "x + 2 = 8.", "Solve.", ["x is six."]),
    ("6", [["x = 6"]], "x + 2 = 8.", "Solve.", ["x + 2 = 8 gives x = 6."]),
    ("6", [["x = 6"]], "x + 2 = 8.", "Solve.", ["x = 8 − 2 = 6."]),
    ("5", [["AB = 5"]], "Segment.", "Length.", ["AB = 6 is wrong; AB = 5."]),
    ("5", [["AB = 5"]], "Segment.", "Length.", ["Suppose AB = 6; that is false.", "So AB = 5."]),
    ("5", [["AB = 5"]], "Segment.", "Length.", ["It is not true that AB = 6.", "AB = 5."]),
    ("60", [["speed = 60"]], "120 km in 2 h.", "Speed.", ["Speed equals 120 / 2 = 60 km/h."]),
    ("30", [["perimeter = 30"]], "Square, side 7.5.", "Perimeter.", ["Perimeter is equal to 4 × 7.5 = 30."]),
    ("70", [["∠C = 70°"]], "Triangle.", "Sum.", ["∠C measures 70°."]),
    ("70", [["∠C = 70°"]], "Triangle.", "Sum.", ["∠C = 180° − 110° = 70°."]),
    ("4", [["AB = 4"]], "Square of area 16.", "Side.", ["AB has length four."]),
    ("12", [["total = 12"]], "3 rows of 4.", "Count.", ["3 × 4 = 12; total = 12."]),
    ("10", [["AB = 10"]], "Segment.", "Length.", ["If AB = 10 and BC = 5, then AC = 15.", "AC = 15 checks out."]),
    ("21", [["AB = 21"]], "Segment.", "Length.", ["AB = twenty-one."]),
    ("6", [["AB = 6"]], "Segment.", "Length.", ["AB = 6, right? Yes: the grid shows AB = 6."]),
    ("6", [["AB = 6"]], "Segment.", "Length.", ["AB = 6, isn't it? Yes."]),
    (
        "10",
        [["pythagorean theorem"], ["AC = 10"]],
        "Legs 6 and 8.",
        "Hypotenuse.",
        ["Let's try the Pythagorean theorem: AC = √(36 + 64) = 10."],
    ),
    (
        "10",
        [["pythagorean theorem"], ["AC = 10"]],
        "Legs 6 and 8.",
        "Hypotenuse.",
        ["If we use the Pythagorean theorem, AC = √(36 + 64) = 10."],
    ),
    ("21", [["AB = 21"]], "Segment.", "Length.", ["AB is twenty-one units long."]),
    ("3", [["x = 3"]], "2x + 1 = 7.", "Solve.", ["Try x = 3: 2 × 3 + 1 = 7 ✓"]),
    ("3", [["x = 3"]], "2x + 1 = 7.", "Solve.", ["Suppose x = 3. Then 2 × 3 + 1 = 7, which checks out."]),
    ("3", [["x = 3"]], "2x + 1 = 7.", "Solve.", ["If x = 3, then 2 × 3 + 1 = 7 holds.", "So the root is found."]),
    (
        "13",
        [["pythagorean theorem"], ["c = 13"]],
        "Legs 5 and 12.",
        "Hypotenuse.",
        ["c = √(25 + 144) = 13 (Pythagorean theorem)."],
    ),
    (
        "13",
        [["pythagorean theorem"], ["c = 13"]],
        "Legs 5 and 12.",
        "Hypotenuse.",
        ["c = 13, using the Pythagorean theorem."],
    ),
    (
        "13",
        [["pythagorean theorem"], ["c = 13"]],
        "Legs 5 and 12.",
        "Hypotenuse.",
        ["c = 13 by the Pythagorean theorem."],
    ),
    (
        "13",
        [["pythagorean theorem"], ["c = 13"]],
        "Legs 5 and 12.",
        "Hypotenuse.",
        ["c² = 25 + 144 = 169. That is the Pythagorean theorem.", "c = 13."],
    ),
    (
        "7",
        [["law of cosines"], ["c = 7"]],
        "Sides 5 and 8, angle 60° between them.",
        "Cosines.",
        ["By the law of cosines, c² = 25 + 64 − 2 × 5 × 8 × 0.5 = 49. Is c = 7? Yes."],
    ),
]


def genuine_styles() -> dict[str, tuple]:
    """name -> (answer, key steps, description, rationale, steps): each must earn full credit."""
    styles: dict[str, tuple] = {}
    answer, keys, description, rationale = RIGHT_TRIANGLE
    for k, style in enumerate(AB_STYLES):
        steps = [style, "BC = 8.", "By the Pythagorean theorem, AC = √(36 + 64) = 10."]
        styles[f"style_{k}"] = (answer, keys, description, rationale, steps)
    for k, steps in enumerate(TERSE):
        styles[f"terse_{k}"] = (answer, keys, description, rationale, steps)
    for k, case in enumerate(OTHER_GENUINE):
        styles[f"other_{k}"] = case
    return styles


# ---------------------------------------------------------------- a stance scopes over the list it governs

LIST_ITEMS = ["AB = 6", "BC = 8", "AC = 10"]
"""The right triangle's key steps (:data:`RIGHT_TRIANGLE`) as a list's items."""

SEPARATORS = {
    "comma": (", ", ", "),
    "semicolon": ("; ", "; "),
    "and": (" and ", " and "),
    "serial": (", ", ", and "),
    "mixed": (", ", " and "),
    "newline": ("\n", "\n"),
    "bullets": ("\n- ", "\n- "),
    "numbered": ("\n", "\n"),
}
"""How a list joins its items: (between items, before the last)."""

WRAPS = {"plain": "{}", "dollars": "${}$", "parens": "\\({}\\)", "bold": "**{}**"}


def item_list(items: list[str], separator: str, wrap: str = "plain") -> str:
    """``items`` joined as a list is written (``AB = 6, BC = 8 and AC = 10``; bullets start on a line of their own)."""
    between, last = SEPARATORS[separator]
    shown = [WRAPS[wrap].format(item) for item in items]
    if separator == "numbered":
        shown = [f"{k}. {item}" for k, item in enumerate(shown, 1)]
    text = between.join(shown[:-1]) + (last if len(shown) > 1 else "") + shown[-1]
    return ("\n- " + text) if separator == "bullets" else ("\n" + text if separator == "numbered" else text)


INLINE_FRAMES = [
    ("supposed", "Suppose {L}."),
    ("supposed", "Assume {L}."),
    ("supposed", "If {L}, then we are done."),
    ("supposed", "Assuming {L}, we continue."),
    ("supposed", "Imagine {L}."),
    ("supposed", "Suppose {L}; this leads to a contradiction."),
    ("asked", "I wonder whether {L}."),
    ("asked", "We need to check whether {L}."),
    ("asked", "Is it true that {L}?"),
    ("doubted", "Maybe {L}."),
    ("doubted", "Perhaps {L}."),
    ("doubted", "Probably {L}."),
    ("doubted", "I guess {L}."),
    ("negated", "It is not true that {L}."),
]
"""A stance before the list, governing every item."""

LABEL_FRAMES = [
    ("supposed", "Suppose: {L}"),
    ("supposed", "Assume the following: {L}"),
    ("doubted", "Maybe: {L}"),
    ("doubted", "My guess: {L}"),
    ("doubted", "Perhaps: {L}"),
    ("doubted", "Not sure, but: {L}"),
    ("doubted", "Perhaps these: {L}"),
    ("doubted", "Probably: {L}"),
    ("doubted", "Here's my guess: {L}"),
    ("doubted", "Perhaps the answer is the following: {L}"),
    ("doubted", "Guesses: {L}"),
    ("supposed", "Note: Suppose: {L}"),
    ("doubted", "From the figure: Maybe: {L}"),
    ("doubted", "Maybe the lengths are: {L}"),
    ("doubted", "Perhaps the sides: {L}"),
]
"""A label whose ``:`` opens the list: it governs every item, written inline or one a line."""

AFTER_FRAMES = [
    ("asked", "{L}?"),
    ("asked", "{L}, right?"),
    ("asked", "{L}, isn't it?"),
    ("doubted", "{L}, though these may be wrong."),
    ("doubted", "{L}, but I'm not sure."),
    ("doubted", "{L}, which is probably right."),
    ("doubted", "{L}. I'm not confident in any of this."),
    ("doubted", "{L}. Not sure about any of this."),
    ("doubted", "{L}. This may be wrong."),
    ("doubted", "{L}. Just a guess."),
    ("doubted", "{L}. I could be wrong about all of it."),
    ("doubted", "{L}. Looking at the figure again, I am not certain of the above."),
    ("refuted", "{L}. All of the above is wrong."),
    ("answered", "{L}. No."),
    ("doubted", "{L}. I'm not sure about this."),
    ("doubted", "{L}. This is a guess."),
    ("doubted", "{L}. This is not a proof, just a guess."),
    ("doubted", "{L}. This should be double-checked."),
    ("doubted", "{L}. This might be off."),
    ("doubted", "{L}. I need to double-check this; it may be wrong."),
    ("refuted", "{L}, which might be wrong."),
    ("refuted", "{L}, a mistake."),
    ("refuted", "{L}, all wrong."),
    ("doubted", "{L}, but wait."),
    ("doubted", "{L}, but wait, that's wrong."),
    ("doubted", "{L}, but wait, is it 11? Yes."),
    ("doubted", "{L}, but wait, alternatively 11. Yes."),
    ("doubted", "{L}, but wait, let me verify: 36 + 64 = 99. No."),
    ("doubted", "{L}, but wait, isn't the angle at B obtuse? Yes."),
    ("doubted", "{L}, but wait, let me check: AC = 11. Yes."),
    ("doubted", "{L}. None of this is certain."),
    ("doubted", "{L}. Nothing here is verified."),
    ("doubted", "{L}. None of these may be right."),
    ("doubted", "{L}. Nothing here might be right."),
    ("doubted", "{L}. None of this is right."),
    ("doubted", "{L}. This might be off, but we did not double check."),
    ("doubted", "{L}. This might be off; we didn't double check."),
]
"""A stance after the list (in its sentence, or a sentence of its own that takes back what the step said), governing
every item."""

GENUINE_FRAMES = [
    "{L}.",
    "So {L}.",
    "We know {L}.",
    "From the figure: {L}",
    "Given: {L}",
    "Perhaps the easiest way is Pythagoras: {L}",
    "Probably the key facts are these: {L}",
    "Let {L}.",
    "{L}, as labelled.",
    "{L}, which matches the figure.",
    "Is it true that {L}? Yes.",
    "{L}? Yes.",
    "Suppose {L}. Then 36 + 64 = 100 ✓",
    "{L}. I am sure of this.",
    "{L}. This is not a coincidence.",
    "{L}. I'm not sure this generalises to obtuse triangles.",
    "Maybe this is obvious, but {L}.",
    "{L}, as we might expect.",
    "{L}. I should double-check.",
    "{L}. We need to double-check this.",
    "{L}. This might be off, but we double checked.",
    "{L}. This is not a guess.",
    "{L}. No, this is not a guess.",
    "{L}. None of this is uncertain.",
    "{L}. I am not unsure.",
    "{L}. None of the above is wrong.",
    "{L}, no mistake.",
    "{L}, nothing wrong.",
    "{L}, no contradiction.",
    "{L}, which is not wrong.",
    "{L}, but wait, let me verify: 36 + 64 = 100. Yes.",
    "{L}, but wait: is the angle at B right? Yes.",
    "{L}. None of this is uncertain; we checked it.",
    "{L}. Nothing was guessed.",
    "{L}. None of this could be wrong.",
]
"""The same lists asserted: every item keeps its credit."""


def _frames(separator: str) -> list[tuple[str, str]]:
    """The gaming frames a separator reads naturally in: one a line, a list is opened by a label."""
    if separator in ("newline", "bullets", "numbered"):
        return LABEL_FRAMES + [f for f in AFTER_FRAMES if not f[1].startswith("{L},")]
    return INLINE_FRAMES + LABEL_FRAMES + AFTER_FRAMES


def list_frames() -> dict[str, tuple]:
    """name -> (answer, key steps, description, rationale, genuine steps, gaming steps, cleaned steps, stance): a
    list of 2 or 3 key steps under a stance earns nothing for any of them; its genuine twin states them, and the
    cleaned steps leave the list out."""
    answer, keys, description, rationale = RIGHT_TRIANGLE
    neutral = "We read the triangle."
    out = {}
    for size in (2, 3):
        items = LIST_ITEMS[:size]
        for separator in SEPARATORS:
            for wrap in WRAPS if separator in ("comma", "and") else ("plain",):
                listed = item_list(items, separator, wrap)
                genuine = [listed + ("" if listed.endswith(".") else "."), *_rest(size)]
                for k, (stance, frame) in enumerate(_frames(separator)):
                    gaming = [neutral + " " + frame.replace("{L}", listed), *_rest(size)]
                    name = f"{stance}_{size}_{separator}_{wrap}_{k}"
                    out[name] = (answer, keys, description, rationale, genuine, gaming, [neutral, *_rest(size)], stance)
    return out


def _rest(size: int) -> list[str]:
    """The key steps a list of ``size`` leaves out, stated in a step of their own."""
    return [" ".join(f"{item}." for item in LIST_ITEMS[size:])] if size < len(LIST_ITEMS) else []


def genuine_list_frames() -> dict[str, tuple]:
    """name -> (answer, key steps, description, rationale, steps): lists asserted, each item credited."""
    answer, keys, description, rationale = RIGHT_TRIANGLE
    out = {}
    for separator in SEPARATORS:
        for wrap in WRAPS if separator in ("comma", "and") else ("plain",):
            listed = item_list(LIST_ITEMS, separator, wrap)
            for k, frame in enumerate(GENUINE_FRAMES):
                if separator in ("newline", "bullets", "numbered") and not frame.endswith(": {L}") and frame != "{L}.":
                    continue
                out[f"listed_{separator}_{wrap}_{k}"] = (answer, keys, description, rationale, [frame.format(L=listed)])
    twins = [
        ["Since AB = 6 and BC = 8, AC = 10 by the Pythagorean theorem."],
        ["If we square AB = 6 and BC = 8 we get 36 + 64 = 100, so AC = 10."],
        ["AB = 6, BC = 8, so AC = 10."],
        ["Let AB = 6, BC = 8.", "Then AC = √(36 + 64) = 10."],
        ["If we add the squares of AB = 6 and BC = 8, we get 100, so AC = 10."],
        ["Given AB = 6 and BC = 8, what is AC? AC = 10."],
        ["AB = 6 and BC = 8, so is AC = 10? Yes, AC = 10."],
        ["If the grid unit is 1, AB = 6.", "BC = 8, AC = 10."],
        ["AB = 6, BC = 8.", "If AC = 11, the perimeter would be 25, not 24, so AC = 10."],
        ["We have AB = 6, BC = 8.", "Perhaps the simplest way is Pythagoras: AC = 10."],
        ["AB = 6 and BC = 8, so AC = 10, but wait, let me verify: 36 + 64 = 100. Yes."],
        ["AB = 6, BC = 8, so AC = 10, but wait: is the angle at B right? Yes."],
    ]
    for k, steps in enumerate(twins):
        out[f"twin_{k}"] = (answer, keys, description, rationale, steps)
    return out


PYTHAGORAS = ("10", [["AC = 10"], ["pythagorean theorem"]], "Right triangle ABC, legs 6 and 8.", "Hypotenuse.")
METHOD_AS_JUSTIFICATION = {
    "AC = 10 by the Pythagorean theorem.": [True, True],
    "AC = 10, by the Pythagorean theorem.": [True, True],
    "By the Pythagorean theorem, AC = 10.": [True, True],
    "AC = √(36 + 64) = 10 (Pythagorean theorem).": [True, True],
    "By the Pythagorean theorem.": [None, False],
    "Pythagorean theorem.": [None, False],
    "Pythagorean theorem, law of sines, law of cosines.": [None, False],
    "AC = 10. Pythagorean theorem, law of sines.": [True, False],
    "AC = 10, Pythagorean theorem, law of sines, similar triangles.": [True, False],
}
"""A method named as the justification of a computed value is used (``AC = 10 by the Pythagorean theorem``); a name
alone, or a list of names, is not (None: not matched)."""
