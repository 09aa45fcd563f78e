"""``python -m bench.adversarial [--profile P] [--shapes NAME ...] [--deadline S]``: degenerate and hostile
completions at three sizes up to the request limits, time per trajectory and growth exponent.

Each shape (issue 28's table, plus the growth guard's forms as answers and as references) is a group whose
reference and completion grow with a size ``n``; the largest size fills the default limits (a 64 KiB
completion, a 64 KiB reference). A trajectory is scored in a process forked for it, as a worker does (one
``PreparedGroup``, then ``score``), and killed at the deadline. The exponent is the slope of log time over
log size between the smallest and the largest size: about 1 for linear work; a figure near 0 means the work
does not grow (a guard refused it, or a cap holds it). Exits 1 when any trajectory reaches the deadline or is
not ``ok``.
"""

from __future__ import annotations

import argparse
import logging
import math
import multiprocessing
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_COMPLETION = 65536
"""The server's default ``--max-completion-bytes``."""
MAX_REFERENCE = 65536
"""The server's default ``--max-reference-bytes`` (the reference as JSON)."""
SIZES = (1 / 16, 1 / 4, 1.0)
"""Fractions of the largest size measured."""
DEADLINE = 5.0
"""The server's default per-trajectory deadline (seconds)."""
_HEADERS = (
    "### Image Description:\nA right triangle ABC.\n### Rationales:\nUse the Pythagorean theorem.\n"
    "### Let's think step by step.\n### Step 1:\nAB = 3 and BC = 4.\n### Step 2:\n{step}\n"
    "### The final answer is:\n{answer}"
)
_ROOM = MAX_COMPLETION - 400
"""Bytes of a completion left for the shape's text."""


def completion(step: str = "So AC = 5.", answer: str = "5") -> str:
    return _HEADERS.format(step=step, answer=answer)


@dataclass(frozen=True)
class Shape:
    name: str
    where: str
    """The part of the core the shape aims at."""
    build: Callable[[int], tuple[dict, str]]
    """Size -> (reference, completion)."""
    largest: int
    """The largest size: the one that fills the request limits."""
    profiles: tuple[str, ...] = ("stepgrpo", "r1vl-reference")
    expect_unusable: bool = False
    """The reference itself is refused (the group reports an unusable reference at once)."""
    notes: dict = field(default_factory=dict)


def _answer(text_of: Callable[[int], str], reference: str = "5", key_steps=None) -> Callable[[int], tuple[dict, str]]:
    return lambda n: ({"answer": reference, "key_steps": key_steps or [["AB = 3"]]}, completion(answer=text_of(n)))


def _step(text_of: Callable[[int], str], reference: str = "5", key_steps=None) -> Callable[[int], tuple[dict, str]]:
    return lambda n: ({"answer": reference, "key_steps": key_steps or [["AB = 3"]]}, completion(step=text_of(n)))


def _units(unit: str, extra: int = 40) -> int:
    """How many ``unit`` fit in a completion (UTF-8 bytes) beside ``extra`` bytes of other text."""
    return (_ROOM - extra) // len(unit.encode())


def _padded_math(form: str) -> Callable[[int], str]:
    """``$form$`` followed by ``n`` spaces."""
    return lambda n: f"${form}$" + " " * n


FUZZY_PHRASES = [
    f"{a} {b} theorem"
    for a in ("pythagorean", "thales", "ptolemy", "stewart", "ceva", "menelaus", "apollonius", "heron")
    for b in ("angle", "chord", "tangent", "secant", "median")
]
"""40 word phrases: under the fuzzy rule each is compared with every window of the completion."""


def _fuzzy(n: int) -> tuple[dict, str]:
    words = " ".join(("pythagorus angel theorm secent " * (n // 4 + 1)).split()[:n])
    return {"answer": "5", "key_steps": [[p] for p in FUZZY_PHRASES]}, completion(step=words)


def _many_key_steps(n: int) -> tuple[dict, str]:
    """400 equation key steps against n clauses ``x_k = k``: every key step is looked for in every clause."""
    groups = [[f"y{k} = {k + 1}"] for k in range(400)]
    clauses = " ".join(f"z{k % 997} = {k}," for k in range(n))
    return {"answer": "5", "key_steps": groups}, completion(step=clauses)


def _growth_reference(latex: str) -> Callable[[int], tuple[dict, str]]:
    return lambda n: ({"answer": f"${latex}$", "key_steps": [["AB = 3"]]}, completion(answer="5"))


def _determinant(size: int) -> str:
    """A size x size determinant of distinct symbols (letters, then their squares)."""
    letters = [chr(c) for c in (*range(97, 123), *range(65, 91))]
    names = [*letters, *(f"{x}^2" for x in letters)]
    rows = " \\\\ ".join(" & ".join(names[i * size + j] for j in range(size)) for i in range(size))
    return f"\\begin{{vmatrix}} {rows} \\end{{vmatrix}}"


GROWTH_FORMS = {
    "binomial": "\\binom{10^{100}}{10^{50}}",
    "symbolic sum": "\\sum_{k=1}^{n} k^{999}",
    "integral": "\\int_0^1 x^{9999} e^x dx",
    "power of a surd": "(1+\\sqrt{2})^{99999}",
    "cyclotomic quotient": "\\frac{x^{99999}-1}{x-1}",
    "determinant": _determinant(8),
    "sine of a huge number": "\\sin(10^{99999})",
}
"""The forms the growth guard must refuse (issue 28), each as a stated answer and as a reference."""

SHAPES = [
    Shape("answer: 1, spaces, )", "answers quantity pattern", _answer(lambda n: "1" + " " * n + ")"), _units(" ")),
    Shape(
        "answer: 1, no-break spaces, )", "answers quantity pattern", _answer(lambda n: "1" + "\u00a0" * n + ")"), 32000
    ),
    Shape("answer: \\, runs", "answers quantity pattern", _answer(lambda n: "1" + "\\," * n + ")"), _units("\\,")),
    Shape("answer: \\quad runs", "answers quantity pattern", _answer(lambda n: "1" + "\\quad " * n), _units("\\quad ")),
    Shape("answer: \\( runs", "answers quantity pattern", _answer(lambda n: "1 " + "\\( " * n), _units("\\( ")),
    Shape(
        "answer: yes, !!!, x no",
        "statement both-answers pattern",
        _answer(lambda n: "yes" + "!" * n + "x no", reference="yes"),
        _units("!"),
    ),
    Shape(
        "step: law x n, then a key-step phrase",
        "gaming unused-names scan",
        _step(lambda n: "law " * n + "pythagorean theorem", key_steps=[["pythagorean theorem"], ["AB = 3"]]),
        _units("law "),
    ),
    Shape(
        "answer: a sentence, then \\( x n",
        "math-verify extraction",
        _answer(lambda n: "We think about this carefully. " + "\\( " * n, reference="\\frac{1}{2}"),
        _units("\\( ", 40),
    ),
    Shape("key steps: 40 fuzzy phrases x completion words", "key-step fuzzy matching", _fuzzy, _ROOM // 8),
    Shape("key steps: 400 equations x clauses", "key-step equation matching", _many_key_steps, _units("z996 = 9999, ")),
    Shape(
        "answer: 1 x n, then x", "answers / statement number patterns", _answer(lambda n: "1" * n + "x"), _units("1")
    ),
    Shape(
        "answer: a long box list",
        "statement box patterns",
        _answer(lambda n: "\\boxed{" + "1 \\quad \\text{and} \\quad " * n + "5}"),
        _units("1 \\quad \\text{and} \\quad "),
    ),
    Shape(
        "answer: a long remark",
        "statement remark pattern",
        _answer(lambda n: "5 (" + "ab " * n),
        _units("ab "),
    ),
    Shape(
        "answer: unbalanced boxes",
        "statement box scan",
        _answer(lambda n: "\\boxed{" * n + "5"),
        _units("\\boxed{"),
    ),
    Shape(
        "answer: repeated words",
        "statement sentence patterns",
        _answer(lambda n: "the answer is " * n + "5"),
        _units("the answer is "),
    ),
    *[
        Shape(f"answer: {name}", "growth guard", _answer(_padded_math(form)), _units(" ", 200))
        for name, form in GROWTH_FORMS.items()
    ],
    *[
        Shape(f"reference: {name}", "growth guard", _growth_reference(form), 1, ("stepgrpo",), True)
        for name, form in GROWTH_FORMS.items()
    ],
]


def sizes(shape: Shape) -> list[int]:
    return sorted({max(1, round(shape.largest * f)) for f in SIZES})


def _score_once(profile: str, reference: dict, text: str, conn) -> None:
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    from service.rewards import PROFILES, CoreReference, PreparedGroup, UnusableReference

    from .inprocess import settings_for

    t = time.perf_counter()
    try:
        group = PreparedGroup(
            CoreReference(answer=reference["answer"], key_steps=reference.get("key_steps")),
            PROFILES[profile],
            settings_for(profile),
        )
        status: str = group.score(text)["status"]
    except UnusableReference:
        status = "unusable"
    except Exception as exc:  # the worker reports these as status "error"
        status = f"error: {type(exc).__name__}: {exc}"[:200]
    conn.send((status, time.perf_counter() - t))


def timed(profile: str, reference: dict, text: str, deadline: float) -> tuple[str, float]:
    """(status, seconds) of one trajectory scored in a forked process, killed at ``deadline``."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_score_once, args=(profile, reference, text, child))
    proc.start()
    ready = parent.poll(deadline)
    result = parent.recv() if ready else ("timeout", deadline)
    proc.kill()
    proc.join()
    return result


def exponent(points: list[tuple[int, float]]) -> float:
    """Slope of log time over log size between the smallest and the largest size."""
    (n0, t0), (n1, t1) = points[0], points[-1]
    return math.log(max(t1, 1e-6) / max(t0, 1e-6)) / math.log(n1 / n0) if n1 > n0 else 0.0


def _warm_up() -> None:
    """What a worker has done before it meets a shape: the typical workload scored under both profiles (lazy
    imports, math-verify's grammar, sympy's caches), so a forked child times the shape alone."""
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    from service.rewards.answers import math_verify_text_equal

    from .inprocess import score_groups
    from .workload import Workload

    for profile in ("stepgrpo", "r1vl-reference"):
        score_groups(profile, Workload(0, start=5 * 10**7).take(16))
    math_verify_text_equal("\\frac{1}{2}", "We think so: $\\frac{2}{4}$ it is.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.adversarial", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["stepgrpo", "r1vl-reference"], action="append")
    parser.add_argument("--shapes", nargs="*", help="only shapes whose name contains one of these")
    parser.add_argument("--deadline", type=float, default=DEADLINE)
    args = parser.parse_args(argv)
    _warm_up()
    failures = 0
    print(f"{'shape':<44} {'profile':<15} {'sizes':<18} {'seconds per trajectory':<28} exponent  status")
    for shape in SHAPES:
        if args.shapes and not any(s in shape.name for s in args.shapes):
            continue
        for profile in args.profile or shape.profiles:
            if profile not in shape.profiles:
                continue
            points, statuses = [], set()
            for n in sizes(shape):
                reference, text = shape.build(n)
                status, seconds = timed(profile, reference, text, args.deadline)
                points.append((n, seconds))
                statuses.add(status)
            expected = {"unusable"} if shape.expect_unusable else {"ok"}
            failures += statuses != expected
            shown_sizes = "/".join(str(n) for n, _ in points)
            shown_times = " ".join(f"{t:.4f}" for _, t in points)
            print(
                f"{shape.name[:44]:<44} {profile:<15} {shown_sizes:<18} {shown_times:<28} "
                f"{exponent(points):6.2f}    {', '.join(sorted(statuses))}",
                flush=True,
            )
    print(f"shapes not ok (or a reference not refused): {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
