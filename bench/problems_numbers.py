"""Problem templates of the typical workload that read quantities rather than figures: probability of
a draw, bar-chart reading, linear equations, discounts. Each takes the group's random stream and returns a
:class:`~bench.problems.Problem`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from .problems import Problem, latex_frac, num

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


@dataclass
class ChartQuestion:
    """What a bar-chart item asks, and its right and wrong working."""

    answer_type: str
    question: str
    steps: list[str]
    wrong_steps: list[str]
    key_steps: list[list[str]]
    """Beyond reading the bars."""
    said: list[str]
    wrong_said: list[str]
    value: str
    wrong_value: str


def highest_bar(ranked: list[tuple[str, int]], reading: str, chain: str) -> ChartQuestion:
    """Which category has the highest value (misread: the second bar taller than the first)."""
    top, second = ranked[0], ranked[1]
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
    return ChartQuestion(
        "text",
        "Which category has the highest value?",
        steps,
        wrong_steps,
        [["compare", "comparing"], ["tallest bar", "highest value", "maximum"], [top[0].lower()]],
        [top[0], top[0].lower(), f"**{top[0]}**", f"{top[0]}."],
        [second[0], second[0].lower()],
        top[0],
        second[0],
    )


def bar_gap(ranked: list[tuple[str, int]], reading: str, chain: str) -> ChartQuestion:
    """How much the highest bar exceeds the second (slip: subtracting the third)."""
    top, second = ranked[0], ranked[1]
    diff = top[1] - second[1]
    steps = [
        f"Reading the height of each bar against the y-axis: {reading}.",
        f"Comparing the values in order: ${chain}$.",
        f"The highest bar is {top[0]} ({top[1]}) and the second highest is {second[0]} ({second[1]}).",
        f"The difference is ${top[1]} - {second[1]} = {diff}$.",
    ]
    wrong_steps = steps[:1] + [
        f"The difference between the two tallest bars is ${top[1]} - {ranked[2][1]} = {top[1] - ranked[2][1]}$."
    ]
    key_steps = [
        ["compare", "comparing"],
        [f"{top[1]} - {second[1]}", f"{top[1]}-{second[1]}"],
        [f"= {diff}", str(diff)],
    ]
    return ChartQuestion(
        "integer",
        "How much greater is the highest bar than the second highest?",
        steps,
        wrong_steps,
        key_steps,
        [str(diff), f"${diff}$", f"{diff} units"],
        [str(top[1] - ranked[2][1])],
        str(diff),
        str(top[1] - ranked[2][1]),
    )


def t_bar_chart(r: random.Random) -> Problem:
    names = r.sample(r.choice(CATEGORIES), r.randint(4, 5))
    values = r.sample(range(10, 96), len(names))
    pairs = list(zip(names, values, strict=True))
    ranked = sorted(pairs, key=lambda nv: -nv[1])
    reading = ", ".join(f"{n} = {v}" for n, v in pairs)
    chain = " > ".join(str(v) for _, v in ranked)
    key_steps = [[f"{n} = {v}", f"{n}: {v}"] for n, v in pairs[:4]]
    ask = highest_bar if r.random() < 0.55 else bar_gap
    chart = ask(ranked, reading, chain)
    key_steps += chart.key_steps
    return Problem(
        "bar_chart",
        chart.answer_type,
        [
            f"The image is a vertical bar chart with {len(names)} bars labelled "
            + ", ".join(n for n, _ in pairs)
            + ".",
            "The y-axis runs from 0 to 100 with gridlines every 10 units, and each bar has its value printed on top.",
            f'The title reads: "{chart.question}"',
        ],
        [
            "The question is about comparing the bar heights, so every bar must be read carefully.",
            "The printed values on top of the bars make the reading exact.",
        ],
        chart.steps,
        chart.wrong_steps,
        chart.value,
        chart.said,
        chart.wrong_said,
        key_steps,
        chart.value,
        chart.wrong_value,
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
