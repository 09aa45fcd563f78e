"""The symbolic worst case: every stated answer needs sympy to judge.

Each reference answer is an algebraic expression in ``x`` with random coefficients (a square, a
product of binomials, a rational function that cancels, a fraction with a radical, a sum of
fractions). A right completion states an equivalent but different form (``x^2+6x+9`` for
``(x+3)^2``, ``\\frac{\\sqrt{2}x}{2}`` for ``\\frac{2x}{\\sqrt{8}}``), a wrong one a plausible slip; no
stated answer equals the reference as a string or as a plain number, so neither the exact, the
numeric nor the text check can decide it. References and stated answers are in ``$...$``, as
LaTeX answers in data sets usually are (without it the reference rules' whole-text math-verify
finds no expression in the reference and never calls sympy). Completions have the R1-VL layout and length of the
typical workload (:mod:`bench.workload`, whose rendering and padding they reuse), with ~8 key-step
groups; the kinds are genuine, wrong and partial (every completion states an answer).
"""

from __future__ import annotations

import random

from .problems import Problem
from .workload import GROUP_SIZE, Group, Workload, completion, key_steps_wire

KINDS = ("genuine", "wrong", "partial")
KIND_WEIGHTS = (0.5, 0.3, 0.2)


def poly(*coefficients: int, var: str = "x") -> str:
    """``poly(1, 6, 9)`` -> ``x^2+6x+9`` (highest power first, zero terms left out)."""
    terms = []
    degree = len(coefficients) - 1
    for i, c in enumerate(coefficients):
        if c == 0:
            continue
        p = degree - i
        power = "" if p == 0 else var if p == 1 else f"{var}^{p}"
        digits = str(abs(c)) if (abs(c) != 1 or p == 0) else ""
        sign = "-" if c < 0 else "+"
        terms.append((sign, digits + power))
    if not terms:
        return "0"
    first_sign, first = terms[0]
    return ("-" if first_sign == "-" else "") + first + "".join(s + t for s, t in terms[1:])


def binomial(a: int) -> str:
    return f"x+{a}" if a > 0 else f"x-{-a}"


def identity(r: random.Random) -> tuple[str, str, list[str], list[str], list[str]]:
    """(kind, reference, equivalent forms, wrong forms, working lines) of one random identity."""
    kind = r.choice(("square", "product", "cancel", "radical", "fractions"))
    a, b = r.randint(2, 999), r.randint(2, 999)
    if kind == "square":
        factored, expanded = f"({binomial(a)})^2", poly(1, 2 * a, a * a)
        forms = [factored, expanded] if r.random() < 0.5 else [expanded, factored]
        ref, right = forms[0], [forms[1], f"{a * a}+{2 * a}x+x^2" if forms[1] == expanded else f"({a}+x)^2"]
        wrong = [poly(1, a, a * a), poly(1, 0, a * a)] if forms[1] == expanded else [f"(x+{a + 1})^2", f"(x-{a})^2"]
        work = [
            f"Expanding the square gives $({binomial(a)})^2 = x^2 + 2\\cdot {a}x + {a}^2$.",
            f"So the expression equals ${expanded}$.",
        ]
    elif kind == "product":
        b = -b
        expanded = poly(1, a + b, a * b)
        ref, right = f"({binomial(a)})({binomial(b)})", [expanded]
        wrong = [poly(1, a - b, a * b), poly(1, a + b, -a * b)]
        work = [
            f"Multiplying out, $({binomial(a)})({binomial(b)}) = x^2 + ({a}{b:+d})x + ({a})({b})$.",
            f"This simplifies to ${expanded}$.",
        ]
    elif kind == "cancel":
        ref = f"\\frac{{x^2-{a * a}}}{{x-{a}}}"
        right, wrong = [f"x+{a}", f"{a}+x"], [f"x-{a}", f"x+{a * a}"]
        work = [f"The numerator factors as $x^2-{a * a} = (x-{a})(x+{a})$.", f"Cancelling $x-{a}$ leaves $x+{a}$."]
    elif kind == "radical":
        m, coeff = r.choice((3, 5, 6, 7, 10, 11, 13, 14, 15)), r.randint(1, 99)
        ref = f"\\frac{{{2 * coeff}x}}{{\\sqrt{{{m * 4}}}}}"
        right = [f"\\frac{{{coeff}\\sqrt{{{m}}}x}}{{{m}}}", f"\\frac{{{coeff}x}}{{\\sqrt{{{m}}}}}"]
        wrong = [f"\\frac{{{coeff}\\sqrt{{{m}}}x}}{{2}}", f"{coeff}\\sqrt{{{m}}}x"]
        work = [
            f"Since $\\sqrt{{{m * 4}}} = 2\\sqrt{{{m}}}$, the expression is $\\frac{{{coeff}x}}{{\\sqrt{{{m}}}}}$.",
            f"Rationalising the denominator gives $\\frac{{{coeff}\\sqrt{{{m}}}x}}{{{m}}}$.",
        ]
    else:
        while b == a:
            b = r.randint(2, 999)
        ref = f"\\frac{{x}}{{{a}}}+\\frac{{x}}{{{b}}}"
        right = [f"\\frac{{{a + b}x}}{{{a * b}}}", f"\\frac{{({a + b})x}}{{{a * b}}}"]
        wrong = [f"\\frac{{2x}}{{{a + b}}}", f"\\frac{{x}}{{{a * b}}}"]
        work = [
            f"The common denominator is ${a}\\cdot {b} = {a * b}$.",
            f"So $\\frac{{x}}{{{a}}}+\\frac{{x}}{{{b}}} = \\frac{{{b}x+{a}x}}{{{a * b}}} "
            f"= \\frac{{{a + b}x}}{{{a * b}}}$.",
        ]
    return kind, ref, right, wrong, work


def t_symbolic(r: random.Random) -> Problem:
    kind, ref, right, wrong, work = identity(r)
    steps = [
        f"The expression shown in the image is ${ref}$, where $x$ is a real number.",
        "The question asks for an equivalent simplified form of this expression.",
        *work,
        "Checking with $x = 1$: both forms give the same value, so the simplification is consistent.",
    ]
    wrong_form = wrong[0]
    wrong_steps = steps[:2] + [
        f"Applying the rule too quickly gives ${wrong_form}$.",
        f"So the simplified form is ${wrong_form}$.",
    ]
    key_steps = [
        [ref],
        ["equivalent simplified form", "simplified form"],
        [work[0].split("$")[1]],
        [work[1].split("$")[1]],
        ["x = 1", "x=1"],
        ["same value"],
        ["real number"],
        [right[0]],
    ]
    return Problem(
        f"symbolic-{kind}",
        "symbolic",
        [
            f"The image shows the algebraic expression ${ref}$ printed in large type.",
            "Below it, the question asks for the expression in another form.",
        ],
        [
            "Simplifying an algebraic expression means rewriting it in an equivalent form.",
            "I will apply the algebraic identities step by step.",
        ],
        steps,
        wrong_steps,
        f"${ref}$",
        [f"${f}$" for f in right] + [f"$\\boxed{{{f}}}$" for f in right],
        [f"${f}$" for f in wrong] + [f"$\\boxed{{{f}}}$" for f in wrong],
        key_steps,
        ref,
        wrong_form,
    )


def make_group(seed: int, index: int) -> Group:
    r = random.Random(f"stepgrpo-bench-symbolic/{seed}/{index}")
    pb = t_symbolic(r)
    kinds = r.choices(KINDS, weights=KIND_WEIGHTS, k=GROUP_SIZE)
    reference = {"answer": pb.answer, "key_steps": key_steps_wire(r, pb.key_steps)}
    return Group(index, pb.template, pb.answer_type, reference, [completion(r, pb, k) for k in kinds], kinds)


class SymbolicWorkload(Workload):
    """:class:`bench.workload.Workload` for the symbolic worst case."""

    make = staticmethod(make_group)
