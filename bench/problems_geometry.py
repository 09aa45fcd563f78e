"""Geometry problem templates of the typical workload: right triangles, circles, angles, rectangles,
trigonometry, and whether a triangle is right-angled. Each takes the group's random stream and returns a
:class:`~bench.problems.Problem`."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from .problems import UNITS, VERTICES, Problem, num, pick, simplify_sqrt, sqrt_latex


@dataclass
class Hypotenuse:
    """A right triangle's legs and how its hypotenuse is written."""

    a: int
    b: int
    text: str
    said: list[str]
    """Ways a genuine completion states it."""
    answer_type: str
    root_line: str
    """The step taking the square root."""


def triple_hypotenuse(r: random.Random, hyp: str, unit: str) -> Hypotenuse:
    """Legs from a scaled Pythagorean triple, so the hypotenuse is whole."""
    a0, b0, c0 = r.choice([(3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29), (9, 40, 41), (6, 8, 10)])
    k = r.randint(1, 4)
    a, b = a0 * k, b0 * k
    if r.random() < 0.5:
        a, b = b, a
    c_text = str(c0 * k)
    said = [c_text, f"{c_text} {unit}", f"${c_text}$", f"$\\boxed{{{c_text}}}$"]
    root_line = f"Taking the positive square root, ${hyp} = \\sqrt{{{a * a + b * b}}} = {c_text}$ {unit}."
    return Hypotenuse(a, b, c_text, said, "integer", root_line)


def surd_hypotenuse(r: random.Random, hyp: str, unit: str) -> Hypotenuse:
    """Legs whose squares do not sum to a square, so the hypotenuse is a surd."""
    a, b = r.randint(2, 12), r.randint(2, 12)
    while math.isqrt(a * a + b * b) ** 2 == a * a + b * b:
        b += 1
    k, m = simplify_sqrt(a * a + b * b)
    c_text = sqrt_latex(k, m)
    said = [f"${c_text}$", c_text, f"$\\boxed{{{c_text}}}$", f"{c_text} {unit}"]
    root_line = (
        f"Taking the positive square root, ${hyp} = \\sqrt{{{a * a + b * b}}} = {c_text}$ {unit}, "
        f"which is about {num(round(math.sqrt(a * a + b * b), 2))} {unit}."
    )
    return Hypotenuse(a, b, c_text, said, "latex", root_line)


def pythagoras_key_steps(leg1: str, leg2: str, hyp: str, sides: Hypotenuse) -> list[list[str]]:
    a, b, c_text = sides.a, sides.b, sides.text
    return [
        [f"{leg1} = {a}", f"{leg1}={a}"],
        [f"{leg2} = {b}", f"{leg2}={b}"],
        ["90^\\circ", "right angle", "90 degrees"],
        ["pythagorean theorem", "pythagoras"],
        [f"{hyp}^2 = {leg1}^2 + {leg2}^2"],
        [str(a * a)],
        [str(b * b)],
        [str(a * a + b * b)],
        [f"{hyp} = {c_text}", f"{hyp}={c_text}"],
    ]


def t_pythagoras(r: random.Random) -> Problem:
    p, q, v = r.choice(VERTICES)
    unit = r.choice(UNITS)
    leg1, leg2, hyp = f"{p}{v}", f"{q}{v}", f"{p}{q}"
    sides = triple_hypotenuse(r, hyp, unit) if r.random() < 0.7 else surd_hypotenuse(r, hyp, unit)
    a, b, c_text = sides.a, sides.b, sides.text
    wrong = a + b
    steps = [
        (
            f"From the figure, the legs are ${leg1} = {a}$ {unit} and ${leg2} = {b}$ {unit}, "
            f"and the angle at ${v}$ is marked, so $\\angle {v} = 90^\\circ$."
        ),
        (
            f"Since the triangle is right-angled at ${v}$, the Pythagorean theorem applies: "
            f"${hyp}^2 = {leg1}^2 + {leg2}^2$."
        ),
        f"Substituting the lengths gives ${hyp}^2 = {a}^2 + {b}^2 = {a * a} + {b * b} = {a * a + b * b}$.",
        sides.root_line,
        f"Check: ${hyp}$ is longer than both legs, as the hypotenuse must be.",
    ]
    wrong_steps = steps[:2] + [
        f"Adding the two legs gives ${hyp} = {leg1} + {leg2} = {a} + {b} = {wrong}$ {unit}.",
        f"So the hypotenuse is ${hyp} = {wrong}$ {unit}.",
    ]
    return Problem(
        "pythagoras",
        sides.answer_type,
        [
            (
                f"The image shows a right triangle ${p}{q}{v}$ "
                f"with a small square marking the right angle at vertex ${v}$."
            ),
            (
                f"Side ${leg1}$ is labelled {a} {unit} and side ${leg2}$ is labelled {b} {unit}; "
                f"the side ${hyp}$ carries a question mark."
            ),
        ],
        [
            f"The question asks for the length of ${hyp}$, the side opposite the right angle.",
            "Because two legs of a right triangle are known, the Pythagorean theorem gives the hypotenuse.",
        ],
        steps,
        wrong_steps,
        c_text,
        sides.said,
        [str(wrong), f"{wrong} {unit}", f"${wrong}$"],
        pythagoras_key_steps(leg1, leg2, hyp, sides),
        c_text,
        str(wrong),
    )


@dataclass
class CircleMeasure:
    """The area or the circumference of a circle: how it is worked out, and the slip of using the
    diameter as the radius."""

    what: str
    formula: str
    coef: int
    """Of pi, in the exact value."""
    wrong_coef: int
    calc: str
    wrong_calc: str
    key_formula: list[str]
    key_square: list[str]
    unit_text: str

    @property
    def exact(self) -> str:
        return f"{self.coef}\\pi"

    def key_steps(self, rad: int, approx: str) -> list[list[str]]:
        d = 2 * rad
        return [
            [f"d = {d}", f"diameter = {d}"],
            [f"r = {rad}", f"radius = {rad}", f"r={rad}"],
            [f"\\frac{{{d}}}{{2}}", f"{d}/2"],
            self.key_formula,
            self.key_square,
            [self.exact, f"{self.coef} \\pi"],
            [approx],
            ["radius", "half the diameter"],
        ]

    @property
    def wrong_exact(self) -> str:
        return f"{self.wrong_coef}\\pi"


def circle_area(rad: int, unit: str) -> CircleMeasure:
    coef, d = rad * rad, 2 * rad
    return CircleMeasure(
        "area",
        "A = \\pi r^2",
        coef,
        d * d,
        f"$A = \\pi \\cdot {rad}^2 = {coef}\\pi$",
        f"$A = \\pi \\cdot {d}^2 = {d * d}\\pi$",
        ["A = \\pi r^2", "area of a circle", "\\pi r^2"],
        [f"{rad}^2", str(coef)],
        f"square {unit}",
    )


def circle_circumference(rad: int, unit: str) -> CircleMeasure:
    return CircleMeasure(
        "circumference",
        "C = 2\\pi r",
        2 * rad,
        rad,
        f"$C = 2\\pi \\cdot {rad} = {2 * rad}\\pi$",
        f"$C = \\pi \\cdot {rad} = {rad}\\pi$",
        ["C = 2\\pi r", "circumference formula", "2 \\pi r"],
        [f"2 \\cdot {rad}", f"2 \\times {rad}"],
        unit,
    )


def t_circle(r: random.Random) -> Problem:
    rad = r.randint(2, 15)
    d = 2 * rad
    unit = r.choice(UNITS)
    measure = circle_area(rad, unit) if r.random() < 0.6 else circle_circumference(rad, unit)
    what, formula, coef, calc, unit_text = measure.what, measure.formula, measure.coef, measure.calc, measure.unit_text
    exact, wrong_exact = measure.exact, measure.wrong_exact
    approx = num(round(coef * math.pi, 2))
    if r.random() < 0.65:
        answer, answer_type = exact, "latex"
        said = [f"${exact}$", exact, f"$\\boxed{{{exact}}}$", f"{exact} {unit_text}"]
        wrong_said = [f"${wrong_exact}$", wrong_exact]
        value, wrong_value = exact, wrong_exact
    else:
        answer, answer_type = approx, "decimal"
        said = [approx, f"{approx} {unit_text}", f"$\\approx {approx}$", f"${approx}$"]
        w = num(round(float(Fraction(wrong_exact.replace("\\pi", ""))) * math.pi, 2))
        wrong_said = [w, f"{w} {unit_text}"]
        value, wrong_value = approx, w
    steps = [
        (
            f"The diameter shown in the figure is $d = {d}$ {unit}, "
            f"so the radius is $r = \\frac{{d}}{{2}} = \\frac{{{d}}}{{2}} = {rad}$ {unit}."
        ),
        f"The {what} of a circle is given by ${formula}$.",
        f"Substituting the radius: {calc}.",
        f"Numerically, ${exact} \\approx {approx}$ {unit_text}.",
    ]
    wrong_steps = [
        f"The figure shows the segment through the centre, $d = {d}$ {unit}; I will use it as the radius.",
        f"The {what} of a circle is given by ${formula}$.",
        f"Substituting: {measure.wrong_calc}.",
    ]
    return Problem(
        "circle",
        answer_type,
        [
            (
                "The image shows a circle with its centre marked by a dot "
                f"and a segment through the centre labelled {d} {unit}."
            ),
            "The segment ends on the circle at both sides, so it is a diameter.",
        ],
        [
            f"The question asks for the {what} of the circle.",
            f"The {what} depends only on the radius, which is half of the labelled diameter.",
        ],
        steps,
        wrong_steps,
        answer,
        said,
        wrong_said,
        measure.key_steps(rad, approx),
        value,
        wrong_value,
    )


def t_angles(r: random.Random) -> Problem:
    p, q, v = r.choice(VERTICES)
    a = r.randint(25, 85)
    b = r.randint(25, 150 - a)
    c = 180 - a - b
    wrong = 180 - a
    steps = [
        f"From the figure, $\\angle {p} = {a}^\\circ$ and $\\angle {q} = {b}^\\circ$.",
        (
            "The interior angles of a triangle add up to $180^\\circ$, "
            f"so $\\angle {p} + \\angle {q} + \\angle {v} = 180^\\circ$."
        ),
        f"Therefore $\\angle {v} = 180^\\circ - {a}^\\circ - {b}^\\circ$.",
        f"Computing, $180 - {a} = {180 - a}$ and ${180 - a} - {b} = {c}$, so $\\angle {v} = {c}^\\circ$.",
    ]
    wrong_steps = steps[:2] + [
        (
            f"The angle at ${v}$ is supplementary to $\\angle {p}$, "
            f"so $\\angle {v} = 180^\\circ - {a}^\\circ = {wrong}^\\circ$."
        ),
    ]
    key_steps = [
        [f"\\angle {p} = {a}^\\circ", f"{p} = {a}"],
        [f"\\angle {q} = {b}^\\circ", f"{q} = {b}"],
        ["angle sum", "interior angles of a triangle", "triangle angle sum theorem"],
        ["180^\\circ", "180 degrees"],
        [f"180 - {a} - {b}", f"180^\\circ - {a}^\\circ - {b}^\\circ"],
        [str(180 - a)],
        [f"\\angle {v} = {c}^\\circ", f"{v} = {c}", f"{c} degrees"],
    ]
    said = [f"{c}°", f"${c}^\\circ$", f"{c} degrees", str(c)]
    return Problem(
        "angles",
        "integer",
        [
            f"The image shows triangle ${p}{q}{v}$ with two of its interior angles marked.",
            (
                f"The angle at ${p}$ is labelled ${a}^\\circ$ and the angle at ${q}$ is labelled ${b}^\\circ$; "
                f"the angle at ${v}$ is marked with a question mark."
            ),
        ],
        [
            f"The question asks for the measure of $\\angle {v}$.",
            "The sum of the interior angles of any triangle is fixed, so the third angle follows from the other two.",
        ],
        steps,
        wrong_steps,
        pick(r, str(c), f"{c}°", f"{c}^\\circ"),
        said,
        [f"{wrong}°", str(wrong)],
        key_steps,
        f"{c}°",
        f"{wrong}°",
    )


def t_rectangle(r: random.Random) -> Problem:
    length = round(r.randint(25, 150) / 10, 1)
    width = round(r.randint(15, 100) / 10, 1)
    unit = r.choice(UNITS)
    area = round(length * width, 2)
    per = round(2 * (length + width), 2)
    L, W, A, P = num(length), num(width), num(area), num(per)
    steps = [
        f"From the figure, the length is $l = {L}$ {unit} and the width is $w = {W}$ {unit}.",
        "The area of a rectangle is the product of its length and width, $A = l \\times w$.",
        f"Substituting, $A = {L} \\times {W}$.",
        f"Multiplying, ${L} \\cdot {W} = {A}$, so the area is ${A}$ square {unit}.",
    ]
    wrong_steps = [
        steps[0],
        "The area is found by adding up the sides, $A = 2(l + w)$.",
        f"Substituting, $A = 2({L} + {W}) = 2 \\times {num(round(length + width, 2))} = {P}$.",
    ]
    key_steps = [
        [f"l = {L}", f"length = {L}"],
        [f"w = {W}", f"width = {W}"],
        ["A = l \\times w", "A = lw", "length times width"],
        [f"{L} \\times {W}", f"{L} * {W}", f"{L} \\cdot {W}"],
        [A],
        ["area of a rectangle", "rectangle"],
        [f"A = {A}", f"area = {A}"],
    ]
    return Problem(
        "rectangle",
        "decimal",
        [
            (
                f"The image shows a rectangle with its longer side labelled {L} {unit} "
                f"and its shorter side labelled {W} {unit}."
            ),
            "The corners are marked as right angles.",
        ],
        [
            "The question asks for the area of the rectangle.",
            "The area of a rectangle only needs its two side lengths, which are both given.",
        ],
        steps,
        wrong_steps,
        A,
        [A, f"{A} {unit}^2", f"${A}$", f"{A} square {unit}"],
        [P, f"{P} {unit}"],
        key_steps,
        A,
        P,
    )


def t_trig(r: random.Random) -> Problem:
    p, q, v = r.choice(VERTICES)
    theta = r.choice([30, 45, 60])
    hyp = r.randint(2, 20) * 2
    unit = r.choice(UNITS)
    sin_tex = {30: "\\frac{1}{2}", 45: "\\frac{\\sqrt{2}}{2}", 60: "\\frac{\\sqrt{3}}{2}"}[theta]
    half = hyp // 2
    opp = {30: str(half), 45: sqrt_latex(half, 2), 60: sqrt_latex(half, 3)}[theta]
    cos_opp = {30: sqrt_latex(half, 3), 45: str(hyp), 60: str(half)}[theta]
    steps = [
        (
            f"From the figure, the hypotenuse is ${p}{q} = {hyp}$ {unit}, the angle at ${p}$ is ${theta}^\\circ$, "
            f"and $\\angle {v} = 90^\\circ$."
        ),
        (
            f"The side ${q}{v}$ is opposite the ${theta}^\\circ$ angle, so we use the sine ratio: "
            f"$\\sin {theta}^\\circ = \\frac{{{q}{v}}}{{{p}{q}}}$."
        ),
        f"Since $\\sin {theta}^\\circ = {sin_tex}$, we get ${q}{v} = {hyp} \\cdot {sin_tex}$.",
        f"Therefore ${q}{v} = {opp}$ {unit}.",
    ]
    if theta == 45:
        wrong_steps = steps[:1] + [
            f"In a $45^\\circ$ triangle the legs equal the hypotenuse, so ${q}{v} = {hyp}$ {unit}."
        ]
    else:
        wrong_steps = steps[:1] + [f"Using the cosine ratio, ${q}{v} = {hyp} \\cos {theta}^\\circ = {cos_opp}$ {unit}."]
    key_steps = [
        [f"{p}{q} = {hyp}"],
        [f"{theta}^\\circ", f"{theta} degrees"],
        ["sine ratio", "sin", "opposite over hypotenuse"],
        [f"\\sin {theta}^\\circ = {sin_tex}"],
        [sin_tex],
        [f"{hyp} \\cdot {sin_tex}", f"{hyp} \\times {sin_tex}"],
        [f"{q}{v} = {opp}", f"{q}{v}={opp}"],
        ["opposite"],
    ]
    return Problem(
        "trig",
        "integer" if theta == 30 else "latex",
        [
            f"The image shows a right triangle ${p}{q}{v}$ with the right angle at ${v}$.",
            f"The hypotenuse ${p}{q}$ is labelled {hyp} {unit} and the angle at ${p}$ is labelled ${theta}^\\circ$.",
        ],
        [
            f"The question asks for the length of ${q}{v}$.",
            "With one acute angle and the hypotenuse known, a trigonometric ratio gives the other sides.",
        ],
        steps,
        wrong_steps,
        opp,
        [f"${opp}$", opp, f"{opp} {unit}", f"$\\boxed{{{opp}}}$"],
        [f"${cos_opp}$", cos_opp],
        key_steps,
        opp,
        cos_opp,
    )


def t_yes_no(r: random.Random) -> Problem:
    a0, b0, c0 = r.choice([(3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25)])
    k = r.randint(1, 3)
    a, b, c = a0 * k, b0 * k, c0 * k
    right = r.random() < 0.5
    if not right:
        c += r.choice([-1, 1])
    s = a * a + b * b
    verdict = "Yes" if right else "No"
    other = "No" if right else "Yes"
    rel = "=" if right else "\\neq"
    steps = [
        f"The three sides are {a}, {b} and {c}; the longest side is {c}.",
        (
            "By the converse of the Pythagorean theorem, "
            f"the triangle is right-angled exactly when ${a}^2 + {b}^2 = {c}^2$."
        ),
        f"Computing, ${a}^2 + {b}^2 = {a * a} + {b * b} = {s}$ and ${c}^2 = {c * c}$.",
        f"Since ${s} {rel} {c * c}$, the triangle " + ("is" if right else "is not") + " a right triangle.",
    ]
    wrong_steps = steps[:1] + [
        "The angle opposite the longest side looks like "
        + ("an acute angle" if right else "a right angle")
        + ", so the triangle "
        + ("is not" if right else "is")
        + " right-angled."
    ]
    key_steps = [
        [str(a)],
        [str(b)],
        [f"longest side is {c}"],
        ["converse of the pythagorean theorem", "pythagorean theorem"],
        [f"{a}^2 + {b}^2 = {c}^2"],
        [str(s)],
        [str(c * c)],
        ["is a right triangle" if right else "is not a right triangle"],
    ]
    return Problem(
        "yes_no",
        "text",
        [f"The image shows a triangle with sides labelled {a}, {b} and {c}.", "No angles are marked in the figure."],
        [
            "The question asks whether the triangle is a right triangle.",
            "This can be decided from the side lengths alone.",
        ],
        steps,
        wrong_steps,
        verdict,
        [verdict, verdict.lower(), f"{verdict}."],
        [other, other.lower()],
        key_steps,
        verdict,
        other,
    )
