"""A deterministic, realistic StepGRPO workload: groups of 4 R1-VL-format completions per prompt.

Group ``i`` of seed ``s`` depends only on ``(s, i)``, so any slice of the stream can be regenerated
on its own and never repeats (caches keyed on completion text get no free hits, as in training).

Each group comes from one of several problem templates with random values (geometry, circles,
angles, areas with decimals, probability fractions, bar-chart reading, linear equations, discounts,
trigonometry, yes/no checks); a quarter of the numeric ones are posed as multiple choice. The
reference carries ~8 key-step groups of 1-3 alternatives. The 4 completions are drawn from four
kinds: ``genuine`` (right reasoning and answer), ``wrong`` (a typical slip, wrong answer),
``partial`` (some steps skipped, answer right or wrong) and ``malformed`` (missing section,
misnumbered steps, truncated at the token limit, answer before the last step, no step headers).
Completions are padded with varied prose to 1.0-1.3 KB. Exponents stay at 2 or 3: nothing here can
send sympy into a power tower.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from fractions import Fraction

KINDS = ("genuine", "wrong", "partial", "malformed")
KIND_WEIGHTS = (0.40, 0.25, 0.20, 0.15)
GROUP_SIZE = 4
LENGTH_RANGE = (1000, 1300)


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


@dataclass
class Group:
    index: int
    template: str
    answer_type: str
    reference: dict
    completions: list[str]
    kinds: list[str] = field(default_factory=list)

    def wire(self) -> dict:
        return {"group_id": f"g{self.index}", "reference": self.reference, "completions": self.completions}


# ---------------------------------------------------------------- number formatting helpers


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

GENERIC_DESCRIPTION = [
    "The figure is drawn with thin black lines on a white background.",
    "All labels are printed next to the corresponding parts of the figure.",
    "There is no grid or scale bar, so lengths must be read from the labels.",
    "The question text is printed below the figure.",
    "Nothing else in the image appears to be relevant to the question.",
    "The drawing is not necessarily to scale.",
    "Some labels are slightly rotated but still legible.",
    "A caption under the image restates the question in words.",
]
GENERIC_RATIONALE = [
    "I will extract the given quantities from the image first, then apply the relevant rule.",
    "Finally I will check that the result is consistent with the figure.",
    "The answer should be given in the form the question asks for.",
    "It is important not to rely on how the figure looks, only on the stated values.",
    "Each intermediate result will be written out so it can be verified.",
    "The problem tests whether the right relationship is chosen, not just arithmetic.",
]
GENERIC_STEP = [
    "This value will be used in the next step.",
    "Let me double-check the arithmetic before moving on.",
    "So far everything agrees with the information in the figure.",
    "This is consistent with the picture.",
    "Keeping the exact form avoids rounding errors.",
    "Nothing else needs to be computed here.",
]


# ---------------------------------------------------------------- problem templates


def t_pythagoras(r: random.Random) -> Problem:
    p, q, v = r.choice(VERTICES)
    unit = r.choice(UNITS)
    leg1, leg2, hyp = f"{p}{v}", f"{q}{v}", f"{p}{q}"
    if r.random() < 0.7:
        a0, b0, c0 = r.choice([(3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29), (9, 40, 41), (6, 8, 10)])
        k = r.randint(1, 4)
        a, b = a0 * k, b0 * k
        if r.random() < 0.5:
            a, b = b, a
        c_text = str(c0 * k)
        answer, said = c_text, [c_text, f"{c_text} {unit}", f"${c_text}$", f"$\\boxed{{{c_text}}}$"]
        answer_type = "integer"
        root_line = f"Taking the positive square root, ${hyp} = \\sqrt{{{a * a + b * b}}} = {c_text}$ {unit}."
    else:
        a, b = r.randint(2, 12), r.randint(2, 12)
        while math.isqrt(a * a + b * b) ** 2 == a * a + b * b:
            b += 1
        k, m = simplify_sqrt(a * a + b * b)
        c_text = sqrt_latex(k, m)
        answer, said = c_text, [f"${c_text}$", c_text, f"$\\boxed{{{c_text}}}$", f"{c_text} {unit}"]
        answer_type = "latex"
        root_line = (
            f"Taking the positive square root, ${hyp} = \\sqrt{{{a * a + b * b}}} = {c_text}$ {unit}, "
            f"which is about {num(round(math.sqrt(a * a + b * b), 2))} {unit}."
        )
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
        root_line,
        f"Check: ${hyp}$ is longer than both legs, as the hypotenuse must be.",
    ]
    wrong_steps = steps[:2] + [
        f"Adding the two legs gives ${hyp} = {leg1} + {leg2} = {a} + {b} = {wrong}$ {unit}.",
        f"So the hypotenuse is ${hyp} = {wrong}$ {unit}.",
    ]
    key_steps = [
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
    return Problem(
        "pythagoras",
        answer_type,
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
        answer,
        said,
        [str(wrong), f"{wrong} {unit}", f"${wrong}$"],
        key_steps,
        c_text,
        str(wrong),
    )


def t_circle(r: random.Random) -> Problem:
    rad = r.randint(2, 15)
    d = 2 * rad
    unit = r.choice(UNITS)
    if r.random() < 0.6:
        coef = rad * rad
        exact = f"{coef}\\pi"
        approx = num(round(coef * math.pi, 2))
        what, formula = "area", "A = \\pi r^2"
        calc = f"$A = \\pi \\cdot {rad}^2 = {exact}$"
        wrong_exact = f"{d * d}\\pi"
        wrong_calc = f"$A = \\pi \\cdot {d}^2 = {wrong_exact}$"
        key_formula = ["A = \\pi r^2", "area of a circle", "\\pi r^2"]
        key_square = [f"{rad}^2", str(coef)]
        unit_text = f"square {unit}"
    else:
        coef = d
        exact = f"{coef}\\pi"
        approx = num(round(coef * math.pi, 2))
        what, formula = "circumference", "C = 2\\pi r"
        calc = f"$C = 2\\pi \\cdot {rad} = {exact}$"
        wrong_exact = f"{rad}\\pi"
        wrong_calc = f"$C = \\pi \\cdot {rad} = {wrong_exact}$"
        key_formula = ["C = 2\\pi r", "circumference formula", "2 \\pi r"]
        key_square = [f"2 \\cdot {rad}", f"2 \\times {rad}"]
        unit_text = unit
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
        f"Substituting: {wrong_calc}.",
    ]
    key_steps = [
        [f"d = {d}", f"diameter = {d}"],
        [f"r = {rad}", f"radius = {rad}", f"r={rad}"],
        [f"\\frac{{{d}}}{{2}}", f"{d}/2"],
        key_formula,
        key_square,
        [exact, f"{coef} \\pi"],
        [approx],
        ["radius", "half the diameter"],
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
        key_steps,
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


COLOURS = ("red", "blue", "green", "yellow", "white", "black")


def t_probability(r: random.Random) -> Problem:
    c1, c2, c3 = r.sample(COLOURS, 3)
    n1, n2, n3 = r.randint(2, 9), r.randint(2, 9), r.randint(0, 6)
    total = n1 + n2 + n3
    prob = Fraction(n1, total)
    wrong = Fraction(n1, n2 + n3) if n2 + n3 != n1 else Fraction(n1, total + 1)
    ans = latex_frac(prob)
    plain = f"{prob.numerator}/{prob.denominator}" if prob.denominator != 1 else str(prob.numerator)
    dec = num(round(float(prob), 4))
    answer = r.choice([ans, plain, dec]) if prob.denominator in (2, 4, 5, 8, 10, 20, 25) else r.choice([ans, plain])
    answer_type = "decimal" if answer == dec else "fraction"
    others = f"{n2} {c2}" + (f" and {n3} {c3}" if n3 else "")
    steps = [
        f"Counting the balls in the bag: there are {n1} {c1}, {n2} {c2}"
        + (f" and {n3} {c3}" if n3 else "")
        + " balls.",
        f"The total number of balls is ${n1} + {n2}" + (f" + {n3}" if n3 else "") + f" = {total}$.",
        f"The number of favourable outcomes is {n1}, since there are {n1} {c1} balls.",
        f"Probability = favourable / total, so $P(\\text{{{c1}}}) = \\frac{{{n1}}}{{{total}}}"
        + (f" = {ans}$." if prob.denominator != total else "$."),
        f"As a decimal this is about {num(round(float(prob), 3))}.",
    ]
    wrong_steps = [
        steps[0],
        f"There are {n1} {c1} balls and {n2 + n3} balls of other colours.",
        f"So the probability is $\\frac{{{n1}}}{{{n2 + n3}}} = {latex_frac(wrong)}$.",
    ]
    key_steps = [
        [f"{n1} {c1}"],
        [others],
        [f"total = {total}", f"{total} balls", f"= {total}"],
        ["favourable outcomes", "favorable outcomes"],
        ["favourable / total", "probability"],
        [f"\\frac{{{n1}}}{{{total}}}", f"{n1}/{total}"],
        [ans, plain, dec],
        [f"P(\\text{{{c1}}})", f"P({c1})"],
    ]
    w = latex_frac(wrong)
    return Problem(
        "probability",
        answer_type,
        [
            f"The image shows a transparent bag containing coloured balls: {n1} {c1}, {n2} {c2}"
            + (f" and {n3} {c3}" if n3 else "")
            + ".",
            "All balls appear to be the same size.",
        ],
        [
            f"The question asks for the probability of drawing a {c1} ball at random.",
            "Every ball is equally likely to be drawn, so the classical definition of probability applies.",
        ],
        steps,
        wrong_steps,
        answer,
        [f"${ans}$", plain, ans, f"$\\boxed{{{ans}}}$"],
        [f"${w}$", w],
        key_steps,
        plain,
        f"{wrong.numerator}/{wrong.denominator}",
    )


CATEGORIES = (
    ("apples", "bananas", "cherries", "grapes", "oranges", "pears"),
    ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
    ("Paris", "Berlin", "Madrid", "Rome", "Vienna", "Lisbon"),
    ("cats", "dogs", "birds", "fish", "rabbits", "hamsters"),
    ("football", "tennis", "swimming", "cycling", "running", "rowing"),
)


def t_bar_chart(r: random.Random) -> Problem:
    names = r.sample(r.choice(CATEGORIES), r.randint(4, 5))
    values = r.sample(range(10, 96), len(names))
    pairs = list(zip(names, values, strict=True))
    ranked = sorted(pairs, key=lambda nv: -nv[1])
    top, second = ranked[0], ranked[1]
    reading = ", ".join(f"{n} = {v}" for n, v in pairs)
    chain = " > ".join(str(v) for _, v in ranked)
    key_steps = [[f"{n} = {v}", f"{n}: {v}"] for n, v in pairs[:4]]
    if r.random() < 0.55:
        answer, answer_type = top[0], "text"
        question = "Which category has the highest value?"
        steps = [
            f"Reading the height of each bar against the y-axis: {reading}.",
            f"Comparing the values in order: ${chain}$.",
            (
                f"The tallest bar is {top[0]} with a value of {top[1]}, which is greater than the next highest, "
                f"{second[0]} with {second[1]}."
            ),
        ]
        wrong_steps = [
            f"Reading the bars: {reading.replace(f'{second[0]} = {second[1]}', f'{second[0]} = {top[1] + 3}')}.",
            f"The tallest bar appears to be {second[0]}.",
        ]
        key_steps += [["compare", "comparing"], ["tallest bar", "highest value", "maximum"], [top[0].lower()]]
        said, wrong_said = [top[0], top[0].lower(), f"**{top[0]}**", f"{top[0]}."], [second[0], second[0].lower()]
        value, wrong_value = top[0], second[0]
    else:
        diff = top[1] - second[1]
        answer, answer_type = str(diff), "integer"
        question = "How much greater is the highest bar than the second highest?"
        steps = [
            f"Reading the height of each bar against the y-axis: {reading}.",
            f"Comparing the values in order: ${chain}$.",
            f"The highest bar is {top[0]} ({top[1]}) and the second highest is {second[0]} ({second[1]}).",
            f"The difference is ${top[1]} - {second[1]} = {diff}$.",
        ]
        wrong_steps = steps[:1] + [
            f"The difference between the two tallest bars is ${top[1]} - {ranked[2][1]} = {top[1] - ranked[2][1]}$."
        ]
        key_steps += [
            ["compare", "comparing"],
            [f"{top[1]} - {second[1]}", f"{top[1]}-{second[1]}"],
            [f"= {diff}", str(diff)],
        ]
        said, wrong_said = [str(diff), f"${diff}$", f"{diff} units"], [str(top[1] - ranked[2][1])]
        value, wrong_value = str(diff), str(top[1] - ranked[2][1])
    return Problem(
        "bar_chart",
        answer_type,
        [
            f"The image is a vertical bar chart with {len(names)} bars labelled "
            + ", ".join(n for n, _ in pairs)
            + ".",
            "The y-axis runs from 0 to 100 with gridlines every 10 units, and each bar has its value printed on top.",
            f'The title reads: "{question}"',
        ],
        [
            "The question is about comparing the bar heights, so every bar must be read carefully.",
            "The printed values on top of the bars make the reading exact.",
        ],
        steps,
        wrong_steps,
        answer,
        said,
        wrong_said,
        key_steps,
        value,
        wrong_value,
    )


def t_linear(r: random.Random) -> Problem:
    x = r.randint(2, 30)
    a = r.randint(2, 9)
    c = r.randint(1, 40)
    rhs = a * x + c
    var = r.choice("xyn")
    wrong = Fraction(rhs + c, a)
    steps = [
        f"The perimeter condition in the figure gives the equation ${a}{var} + {c} = {rhs}$.",
        f"This is a linear equation in ${var}$. Subtracting {c} from both sides gives ${a}{var} = {rhs - c}$.",
        f"Dividing both sides by {a}: ${var} = \\frac{{{rhs - c}}}{{{a}}} = {x}$.",
        f"Check: ${a} \\cdot {x} + {c} = {a * x} + {c} = {rhs}$, which matches.",
    ]
    wrong_steps = [
        steps[0],
        f"Adding {c} to both sides gives ${a}{var} = {rhs + c}$.",
        f"Dividing by {a}: ${var} = \\frac{{{rhs + c}}}{{{a}}} = {latex_frac(wrong)}$.",
    ]
    key_steps = [
        [f"{a}{var} + {c} = {rhs}", f"{a}{var}+{c}={rhs}"],
        ["linear equation"],
        [f"subtracting {c}", f"subtract {c}"],
        [f"{a}{var} = {rhs - c}", f"{a}{var}={rhs - c}"],
        [f"dividing both sides by {a}", f"divide by {a}"],
        [f"\\frac{{{rhs - c}}}{{{a}}}", f"{rhs - c}/{a}"],
        [f"{var} = {x}", f"{var}={x}"],
        [str(a * x)],
    ]
    w = latex_frac(wrong)
    return Problem(
        "linear",
        "integer",
        [
            (
                f"The image shows a figure whose sides are labelled with expressions in ${var}$; "
                f"the total is given as {rhs}."
            ),
            f"One side is labelled ${a}{var}$ and the remaining sides together are labelled {c}.",
        ],
        [
            f"The question asks for the value of ${var}$.",
            "Adding the labelled sides gives an equation that can be solved for the unknown.",
        ],
        steps,
        wrong_steps,
        str(x),
        [str(x), f"${var} = {x}$", f"${x}$", f"\\boxed{{{x}}}"],
        [f"${w}$", w],
        key_steps,
        str(x),
        w,
    )


def t_discount(r: random.Random) -> Problem:
    price = r.randrange(20, 405, 5)
    pct = r.choice([10, 15, 20, 25, 30, 40, 50])
    discount = Fraction(price * pct, 100)
    sale = price - discount
    D, S = num(discount), num(sale)
    cur = r.choice(["$", "€", "£"])
    frac = Fraction(pct, 100)
    steps = [
        f"The tag shows an original price of {cur}{price} and a discount of {pct}\\%.",
        f"Writing the percentage as a fraction, ${pct}\\% = {latex_frac(frac)} = {num(float(frac))}$.",
        f"The discount is ${num(float(frac))} \\times {price} = {D}$.",
        f"The sale price is ${price} - {D} = {S}$, that is {cur}{S}.",
    ]
    if pct == 50:
        D_wrong = num(price + discount)
        wrong_steps = steps[:3] + [f"Adding the discount to the price gives ${price} + {D} = {D_wrong}$."]
    else:
        D_wrong = D
        wrong_steps = steps[:3] + [f"So the price to pay is the discount, {cur}{D}."]
    key_steps = [
        [f"{pct}%", f"{pct} percent"],
        [num(float(frac)), latex_frac(frac)],
        [f"{num(float(frac))} \\times {price}", f"{num(float(frac))} * {price}"],
        [f"discount = {D}", D],
        [f"{price} - {D}", f"{price}-{D}"],
        [S],
        ["sale price", "final price"],
        [f"original price of {cur}{price}", str(price)],
    ]
    return Problem(
        "discount",
        "decimal" if "." in S else "integer",
        [
            f"The image shows a price tag on a jacket with the original price {cur}{price} crossed out.",
            f'A red sticker on the tag says "{pct}% off".',
        ],
        [
            "The question asks how much the jacket costs after the discount.",
            "The discount is a percentage of the original price and has to be subtracted from it.",
        ],
        steps,
        wrong_steps,
        r.choice([S, f"{cur}{S}"]),
        [S, f"{cur}{S}", f"${S}$", f"{S} dollars"],
        [D_wrong, f"{cur}{D_wrong}"],
        key_steps,
        S,
        D_wrong,
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


TEMPLATES = (
    t_pythagoras,
    t_circle,
    t_angles,
    t_rectangle,
    t_probability,
    t_bar_chart,
    t_linear,
    t_discount,
    t_trig,
    t_yes_no,
)
MULTIPLE_CHOICE_TEMPLATES = {"pythagoras", "circle", "angles", "rectangle", "linear", "trig", "discount"}


def as_multiple_choice(r: random.Random, pb: Problem) -> Problem:
    """Pose the problem with options A-D; the reference answer becomes the letter."""
    options = [pb.value, pb.wrong_value]
    base = pb.value
    for delta in ("+2", "x2", "+5", "-1"):
        if len(options) == 4:
            break
        try:
            v = Fraction(base.replace("°", ""))
            cand = num(v + 2 if delta == "+2" else v * 2 if delta == "x2" else v + 5 if delta == "+5" else v - 1) + (
                "°" if "°" in base else ""
            )
        except (ValueError, ZeroDivisionError):
            cand = {"+2": f"2{base}", "x2": f"4{base}", "+5": f"{base}+1", "-1": f"\\frac{{{base}}}{{2}}"}[delta]
        if cand not in options:
            options.append(cand)
    r.shuffle(options)
    letters = "ABCD"
    choices = {letters[i]: o for i, o in enumerate(options)}
    right = letters[options.index(pb.value)]
    wrong = letters[options.index(pb.wrong_value)]
    pb.choices = choices
    pb.answer = right
    pb.answer_type = "choice"
    pb.said = [right, f"({right})", f"{right}. {pb.value}", f"{right}: {pb.value}"]
    pb.wrong_said = [wrong, f"({wrong})", f"{wrong}. {pb.wrong_value}"]
    pb.rationale = pb.rationale + ["The options are " + "; ".join(f"({k}) {v}" for k, v in choices.items()) + "."]
    return pb


# ---------------------------------------------------------------- rendering completions


def render(
    description,
    rationale,
    steps,
    final,
    *,
    numbers=None,
    rationales_header=True,
    step_headers=True,
    answer_before_last=False,
) -> str:
    numbers = numbers or list(range(1, len(steps) + 1))
    out = ["### Image Description:\n" + " ".join(description) + "\n"]
    if rationales_header:
        out.append("### Rationales:\n" + " ".join(rationale) + "\n")
    out.append("### Let's think step by step.\n")
    answer = f"### The final answer is: {final}" if final is not None else None
    for i, (n, s) in enumerate(zip(numbers, steps, strict=True)):
        if answer_before_last and answer is not None and i == len(steps) - 1:
            out.append(answer + "\n")
        out.append((f"### Step {n}:\n" if step_headers else "") + s + "\n")
    if answer is not None and not answer_before_last:
        out.append(answer)
    return "".join(out)


def pad(r: random.Random, description, rationale, steps, final, target: int, **kw) -> tuple[list, list, list]:
    """Add varied prose until the completion reaches ``target`` characters (without passing 1.3 KB)."""
    description, rationale, steps = list(description), list(rationale), list(steps)
    fillers = (
        [(0, s) for s in GENERIC_DESCRIPTION] + [(1, s) for s in GENERIC_RATIONALE] + [(2, s) for s in GENERIC_STEP]
    )
    r.shuffle(fillers)
    length = len(render(description, rationale, steps, final, **kw))
    for where, sentence in fillers:
        if length >= target:
            break
        if length + len(sentence) + 1 > LENGTH_RANGE[1]:
            continue
        if where == 0:
            description.append(sentence)
        elif where == 1:
            rationale.append(sentence)
        elif steps:
            i = r.randrange(len(steps))
            steps[i] = steps[i] + " " + sentence
        length += len(sentence) + 1
    return description, rationale, steps


def completion(r: random.Random, pb: Problem, kind: str) -> str:
    target = r.randint(*LENGTH_RANGE)
    if kind == "genuine":
        final = r.choice(pb.said)
        d, ra, st = pad(r, pb.description, pb.rationale, pb.steps, final, target)
        return render(d, ra, st, final)
    if kind == "wrong":
        final = r.choice(pb.wrong_said)
        d, ra, st = pad(r, pb.description, pb.rationale, pb.wrong_steps, final, target)
        return render(d, ra, st, final)
    if kind == "partial":
        steps = list(pb.steps)
        for _ in range(r.randint(1, max(1, len(steps) - 2))):
            if len(steps) > 1:
                steps.pop(r.randrange(len(steps)))
        final = r.choice(pb.said) if r.random() < 0.6 else r.choice(pb.wrong_said)
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target)
        return render(d, ra, st, final)
    defect = r.choice(("no_rationales", "misnumbered", "truncated", "answer_before_last", "no_step_headers"))
    final = r.choice(pb.said) if r.random() < 0.7 else r.choice(pb.wrong_said)
    steps = pb.steps if r.random() < 0.7 else pb.wrong_steps
    if defect == "no_rationales":
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target, rationales_header=False)
        return render(d, ra, st, final, rationales_header=False)
    if defect == "misnumbered":
        numbers = list(range(1, len(steps) + 1))
        if len(numbers) > 1:
            j = r.randrange(1, len(numbers))
            numbers[j:] = [n + 1 for n in numbers[j:]]
        else:
            numbers = [2]
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target, numbers=numbers)
        return render(d, ra, st, final, numbers=numbers)
    if defect == "answer_before_last":
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target, answer_before_last=True)
        return render(d, ra, st, final, answer_before_last=True)
    if defect == "no_step_headers":
        d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target, step_headers=False)
        return render(d, ra, st, final, step_headers=False)
    # truncated: the completion hit the token limit in the middle of the reasoning
    d, ra, st = pad(r, pb.description, pb.rationale, steps, final, target)
    text = render(d, ra, st, final)
    steps_at = text.find("### Step 1:")
    cut = r.randint(steps_at + 20, max(steps_at + 21, text.find("### The final answer is:") - 1))
    return text[:cut]


def key_steps_wire(r: random.Random, groups: list[list[str]]):
    """Key steps in the forms data sets use: a list of groups, ``{"Steps": ...}``, or its JSON string."""
    u = r.random()
    if u < 0.7:
        return groups
    if u < 0.9:
        return {"Steps": groups}
    return json.dumps({"Steps": groups})


def make_group(seed: int, index: int) -> Group:
    r = random.Random(f"stepgrpo-bench/{seed}/{index}")
    template = TEMPLATES[r.randrange(len(TEMPLATES))]
    pb = template(r)
    if pb.template in MULTIPLE_CHOICE_TEMPLATES and r.random() < 0.25 and pb.wrong_value != pb.value:
        pb = as_multiple_choice(r, pb)
    groups = pb.key_steps
    if len(groups) > 8 and r.random() < 0.5:
        groups = [g for i, g in enumerate(groups) if i != r.randrange(len(groups))]
    reference = {"answer": pb.answer, "key_steps": key_steps_wire(r, groups)}
    if pb.choices:
        reference["choices"] = pb.choices
    kinds = r.choices(KINDS, weights=KIND_WEIGHTS, k=GROUP_SIZE)
    return Group(index, pb.template, pb.answer_type, reference, [completion(r, pb, k) for k in kinds], kinds)


class Workload:
    """An endless, deterministic stream of groups; :meth:`take` hands out fresh ones each call."""

    make = staticmethod(make_group)
    """Group ``i`` of a seed (subclasses swap in another workload's)."""

    def __init__(self, seed: int = 0, start: int = 0):
        self.seed = seed
        self.cursor = start

    def take(self, n_groups: int) -> list[Group]:
        out = [self.make(self.seed, i) for i in range(self.cursor, self.cursor + n_groups)]
        self.cursor += n_groups
        return out


def request_body(profile: str, groups: list[Group]) -> bytes:
    return json.dumps({"profile": profile, "groups": [g.wire() for g in groups]}, ensure_ascii=False).encode("utf-8")


def describe(groups: list[Group]) -> dict:
    """Summary statistics of a sample of the workload."""
    from collections import Counter

    lengths = [len(c.encode("utf-8")) for g in groups for c in g.completions]
    n_key = []
    for g in groups:
        ks = g.reference["key_steps"]
        ks = json.loads(ks) if isinstance(ks, str) else ks
        ks = ks["Steps"] if isinstance(ks, dict) else ks
        n_key.append(len(ks))
    return {
        "groups": len(groups),
        "trajectories": len(lengths),
        "bytes_mean": sum(lengths) / len(lengths),
        "bytes_min": min(lengths),
        "bytes_max": max(lengths),
        "in_range": sum(LENGTH_RANGE[0] <= x <= LENGTH_RANGE[1] for x in lengths) / len(lengths),
        "key_groups_mean": sum(n_key) / len(n_key),
        "kinds": Counter(k for g in groups for k in g.kinds),
        "templates": Counter(g.template for g in groups),
        "answer_types": Counter(g.answer_type for g in groups),
    }
