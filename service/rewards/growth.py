"""Whether an answer's value grows without bound when sympy evaluates it, decided in microseconds.

math-verify hands a parsed answer to sympy, which computes factorials, binomials, powers, sums and
products exactly and expands powers of sums: ``(10^{10})!``, ``\\binom{10^9}{10^5}``, ``(a+b+c)^{500}``
or ``2^{\\frac{1}{2^{1000}}}`` (compared with 1) run until the worker is killed. No benchmark answer
needs such a value, so an answer (or reference) that would is refused before sympy sees it.

The answer's tree (:mod:`.latex`, the one parse numeric evaluation reads too) is folded once to estimate every
subexpression's size: ``log10`` of its magnitude when it is a number, the count of terms its
expansion would have when it holds variables, and how deeply exponents nest. Anything it does not
understand is a symbol of unknown size, which never trips a limit on its own.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import NamedTuple

from .latex import (
    BINOMIAL_NAMES,
    DIVIDE,
    EXP_NAMES,
    FACTORIAL_NAMES,
    GAMMA_NAMES,
    INTEGRALS,
    MATRICES,
    PERIODIC,
    SERIES,
    Binom,
    Chain,
    Constant,
    Decorated,
    Environment,
    Frac,
    Group,
    Missing,
    Node,
    Number,
    Postfix,
    Power,
    Product,
    Scripted,
    Signed,
    Sqrt,
    Stray,
    Subscript,
    Symbol,
    TooDeep,
    parse,
)

MAX_LITERAL_DIGITS = 64
"""Longer numbers are not answers (and cost sympy time to compare)."""
MAX_DIGITS = 100_000
"""Most decimal digits a numeric subexpression may have (``2^{99999}`` has 30103)."""
MAX_EXPONENT_LOG = 5.0
"""An exponent of 10^5 or more (``x^{100000}``) is refused, whatever its base."""
MIN_EXPONENT_LOG = -50.0
"""So is a nonzero exponent below 10^-50 (``2^{\\frac{1}{2^{1000}}}``: sympy seeks its exact root)."""
MAX_FACTORIAL = 999
"""Largest factorial (or gamma) argument: ``1000!`` has 2568 digits, ``(10^6)!`` takes seconds."""
MAX_EXPANDED_TERMS = 150
"""Most terms a product or power of sums may expand to (``(a+b+c)^{20}`` has 231 and takes seconds)."""
MAX_SERIES_TERMS = {"sum": 10_000, "prod": MAX_FACTORIAL}
"""Most terms of a ``\\sum`` (sympy sums them one by one when there is no closed form) or ``\\prod``."""
MAX_TOWER = 3
"""Exponent nesting depth with a symbol in it (``x^{x^{x}}``) that is refused."""
MAX_SERIES_DEGREE = 20
"""Highest power in the summand of a sum or product with a symbolic bound (``\\sum_{k=1}^{n} k^{999}``: sympy
builds Faulhaber's polynomial of that degree)."""
MAX_INTEGRAND_DEGREE = 20
"""Highest power in an integrand (``\\int_0^1 x^{9999} e^x dx`` is integrated by parts that many times)."""
MAX_QUOTIENT_DEGREE = 64
"""Highest power on either side of a quotient with symbols (``\\frac{x^{99999}-1}{x-1}``: polynomial division)."""
MAX_SURD_POWER = 64
"""Highest whole power of a sum with a surd or constant in it (``(1+\\sqrt{2})^{99999}``, expanded term by term)."""
MAX_PERIODIC_ARGUMENT_LOG = 100.0
"""A trigonometric function of a number past 10^100 (``\\sin(10^{99999})``: its value needs that many digits of pi)."""
MAX_DETERMINANT_SIZE = 5
"""Largest symbolic determinant (a 6x6 one expands to 720 terms, an 8x8 one to 40,320)."""
_FLOAT_LOG_LIMIT = 300
"""Past 10^300 a number's value is taken as infinite (floats end near 10^308)."""
_WHOLE_LIMIT, _WHOLE_TOLERANCE = 1e15, 1e-9
"""An exponent below 10^15 within this relative distance of a whole number is that number (log10 rounds)."""
_TERMS_LOG_CAP = 9
"""Past 10^9 expanded terms the count is only "over the limit" (it is never shown)."""
_SHOWN_AS_POWER_LOG = 4
"""A refused factorial's argument from 10^4 up is shown as a power of ten."""

_MAY_GROW = re.compile(r"[\\^!({\[]|\*\*|\d{65}|[A-Za-z]{2}")
"""Without a command, power, factorial, bracket, function name or long number, nothing can grow."""
_CONSTANTS = {"\\pi": math.log10(math.pi), "pi": math.log10(math.pi), "e": math.log10(math.e)}
_DETERMINANTS = frozenset({"vmatrix", "Vmatrix"})


class Unbounded(Exception):
    """Raised inside the walk with the reason an expression is refused."""


class Size(NamedTuple):
    log: float | None
    """log10 of the magnitude of a number (-inf for zero); None for an expression with symbols."""
    negative: bool = False
    terms: int = 1
    """Terms of the expanded form."""
    tower: int = 0
    """Depth of nested exponents holding a symbol."""
    degree: float = 0.0
    """Highest power of a symbol in it (the degree of a polynomial)."""
    surd: bool = False
    """A number with a root or constant in it (``\\sqrt{2}``, ``\\pi``): a power of a sum of them expands."""

    @property
    def value(self) -> float | None:
        """The number itself, where a float holds it (inf beyond)."""
        if self.log is None:
            return None
        magnitude = 0.0 if self.log == -math.inf else (math.inf if self.log > _FLOAT_LOG_LIMIT else 10.0**self.log)
        return -magnitude if self.negative else magnitude


SYMBOL = Size(None, degree=1.0)
_ZERO = Size(-math.inf)


@lru_cache(maxsize=16384)
def unbounded_growth(text: str) -> str | None:
    """Why evaluating ``text`` (an answer, LaTeX or plain) would grow without bound, or None. Cached:
    a group's members often state the same answer, and references come back every epoch."""
    if not _MAY_GROW.search(text):
        return None
    try:
        for item in parse(text).items:
            _size(item)
    except Unbounded as exc:
        return str(exc)
    except RecursionError:
        return "nested too deeply"
    except (ValueError, OverflowError):  # a domain error estimating a size (lgamma of a pole): not a growth
        return None
    return None


def _number(literal: str) -> Size:
    digits = literal.split(".")[0].lstrip("0")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise Unbounded(f"a number with {len(digits)} digits")
    value = float(literal)
    return Size(math.log10(value) if value else -math.inf)


def _digits(size: Size) -> float:
    return 0.0 if size.log is None else size.log


def _check_digits(size: Size, what: str) -> Size:
    """Refuses a number with more than ``MAX_DIGITS`` digits either side of the point; zero (``3 \\cdot 0``, log
    -inf) has none."""
    if size.log is not None and size.log != -math.inf and abs(size.log) > MAX_DIGITS:
        raise Unbounded(f"{what} with about {size.log:.3g} digits")
    return size


def _check_terms(size: Size, what: str) -> Size:
    if size.terms > MAX_EXPANDED_TERMS:
        raise Unbounded(f"{what} that expands to more than {MAX_EXPANDED_TERMS} terms")
    return size


def _add(a: Size, b: Size) -> Size:
    if a.log is None or b.log is None:
        return Size(None, terms=a.terms + b.terms, tower=max(a.tower, b.tower), degree=max(a.degree, b.degree))
    log, negative = (a.log, a.negative) if a.log >= b.log else (b.log, b.negative)
    surd = a.surd or b.surd
    return Size(log + (math.log10(2) if a.log == b.log else 0.0), negative, a.terms + b.terms if surd else 1, surd=surd)


def _multiply(a: Size, b: Size, divide: bool = False) -> Size:
    if a.log is None or b.log is None:
        terms = a.terms if divide else a.terms * b.terms
        if (
            divide
            and a.log is b.log is None
            and max(a.terms, b.terms) > 1
            and max(a.degree, b.degree) > MAX_QUOTIENT_DEGREE
        ):
            raise Unbounded(f"a quotient of polynomials of degree {max(a.degree, b.degree):.3g}")
        degree = max(a.degree, b.degree) if divide else a.degree + b.degree
        return _check_terms(Size(None, terms=terms, tower=max(a.tower, b.tower), degree=degree), "a product of sums")
    log = a.log - b.log if divide else a.log + b.log
    if math.isnan(log):
        log = 0.0
    return _check_digits(Size(log, a.negative != b.negative, surd=a.surd or b.surd), "a product")


def _power(base: Size, exponent: Size) -> Size:
    if exponent.log is not None and exponent.log != -math.inf:
        if exponent.log >= MAX_EXPONENT_LOG:
            raise Unbounded(f"an exponent of about 10^{exponent.log:.3g}")
        if exponent.log < MIN_EXPONENT_LOG:
            raise Unbounded(f"an exponent of about 10^{exponent.log:.3g}")
    if exponent.log is None:
        tower = max(base.tower, exponent.tower) + 1
        if tower >= MAX_TOWER:
            raise Unbounded("a power tower")
        return Size(None, tower=tower, degree=base.degree)
    n = exponent.value or 0.0
    if abs(n) < _WHOLE_LIMIT and abs(n - round(n)) <= _WHOLE_TOLERANCE * max(
        1.0, abs(n)
    ):  # undo log10's rounding: 500, not 499.99..
        n = round(n)
    degree = base.degree * abs(n)
    if base.log is None:
        if base.terms > 1 and n >= 1 and n == int(n):
            expanded = Size(None, terms=_expanded_terms(base.terms, int(n)), tower=base.tower, degree=degree)
            return _check_terms(expanded, "a power of a sum")
        return Size(None, tower=base.tower, degree=degree)
    if base.log == -math.inf:
        return _ZERO
    if base.surd and base.terms > 1 and n > MAX_SURD_POWER:
        raise Unbounded(f"a power {n:.3g} of a sum with a root or constant in it")
    surd = base.surd or n != int(n)
    return _check_digits(Size(base.log * n, base.negative and n % 2 == 1, surd=surd), "a power")


def _expanded_terms(terms: int, n: int) -> int:
    """Terms of ``(t_1 + ... + t_terms)^n`` expanded: C(n + terms - 1, terms - 1), capped."""
    k = terms - 1
    log = (math.lgamma(n + k + 1) - math.lgamma(k + 1) - math.lgamma(n + 1)) / math.log(10)
    return MAX_EXPANDED_TERMS + 1 if log > _TERMS_LOG_CAP else round(10.0**log)


def _factorial(argument: Size, what: str) -> Size:
    value = argument.value
    if value is None or argument.log is None:
        return SYMBOL
    if value > MAX_FACTORIAL:
        shown = f"about 10^{argument.log:.3g}" if argument.log >= _SHOWN_AS_POWER_LOG else f"{value:.0f}"
        raise Unbounded(f"{what} of {shown}")
    n = max(value, 1.0)
    return Size(math.lgamma(n + 1) / math.log(10))


def _binomial(n: Size, k: Size) -> Size:
    """log10 C(n, k) from lgamma, and at least k log10(n / k) (with k the smaller side): past 2^53 the lgamma
    difference cancels in floating point (``\\binom{10^{100}}{10^{50}}`` came out 0)."""
    big, small = n.value, k.value
    if big is None or small is None:
        return SYMBOL
    if big == math.inf or small == math.inf:
        raise Unbounded("a binomial coefficient of astronomical arguments")
    small = min(max(small, 0.0), max(big - small, 0.0))
    if big <= 0:
        return Size(0.0)
    log = (math.lgamma(big + 1) - math.lgamma(small + 1) - math.lgamma(big - small + 1)) / math.log(10)
    if small >= 1:
        log = max(log, small * math.log10(big / small))
    return _check_digits(Size(log), "a binomial coefficient")


def _size(node: Node) -> Size:
    """The size of a subtree, children first in source order (so the first refusal is the one the text reaches
    first); raises :class:`Unbounded` with the reason."""
    if isinstance(node, Number):
        return _number(node.literal)
    if isinstance(node, (Symbol, Missing, Stray)):
        return SYMBOL
    if isinstance(node, TooDeep):
        raise Unbounded("nested too deeply")
    if isinstance(node, Constant):
        return Size(_CONSTANTS[node.name], surd=not node.upright)
    if isinstance(node, Group):
        return _size(node.body)
    if isinstance(node, Chain):
        size = _size(node.first)
        for operator, operand in node.rest:
            following = _size(operand)
            size = following if operator == "=" else _add(size, following)
        return size
    if isinstance(node, Product):
        size = _size(node.first)
        for operator, factor in node.rest:
            if isinstance(factor, Missing):
                break
            size = _multiply(size, _size(factor), divide=operator in DIVIDE)
        return size
    if isinstance(node, Signed):
        size = _size(node.operand)
        negative = node.signs.count("-") % 2 == 1
        return size._replace(negative=not size.negative) if negative and size.log is not None else size
    if isinstance(node, (Power, Subscript, Postfix)):
        return _postfixed(node)
    if isinstance(node, Frac):
        numerator = _size(node.numerator)
        return _multiply(numerator, _size(node.denominator), divide=True)
    if isinstance(node, Binom):
        n = _size(node.n)
        return _binomial(n, _size(node.k))
    if isinstance(node, Sqrt):
        index = SYMBOL if node.index is None else _size(node.index)
        radicand = _size(node.radicand)
        exponent = _multiply(Size(0.0), index, divide=True) if index.log is not None else Size(math.log10(0.5))
        return _power(radicand, exponent)
    if isinstance(node, Decorated):
        _size(node.argument)
        return SYMBOL
    if isinstance(node, Environment):
        return _matrix(node)
    if isinstance(node, Scripted):
        return _scripted(node)
    raise TypeError(f"no size for {type(node).__name__}")


def _postfixed(node: Power | Subscript | Postfix) -> Size:
    """A run of powers, subscripts and postfix operators (``x^2_1!'``), read along the run, not down it: a run of
    any length is one level of the tree."""
    run: list[Power | Subscript | Postfix] = []
    base: Node = node
    while isinstance(base, (Power, Subscript, Postfix)):
        run.append(base)
        base = base.base
    size = _size(base)
    for step in reversed(run):
        if isinstance(step, Power):
            size = _power(size, _size(step.exponent))
        elif isinstance(step, Subscript):
            _size(step.index)
            size = SYMBOL if size.log is None else size
        elif step.operator == "!":
            size = _factorial(size, "a factorial")
    return size


def _scripted(node: Scripted) -> Size:
    """Functions and big operators: ``\\Gamma(10^{10})``, ``C(n, k)``, ``\\sin(10^{99999})``, ``\\sum_{k=1}^{N}``,
    ``\\int x^{9999} dx``."""
    name = node.name
    if name in SERIES:
        return _series(SERIES[name], node)
    for _, script in node.scripts:
        _size(script)
    if name in INTEGRALS:
        if node.arguments and (integrand := _size(node.arguments[0])).degree > MAX_INTEGRAND_DEGREE:
            raise Unbounded(f"an integral of a power {integrand.degree:.3g}")
        return SYMBOL
    if not node.arguments:
        return SYMBOL
    if name in PERIODIC:
        argument = _size(node.arguments[0])
        if argument.log is not None and argument.log > MAX_PERIODIC_ARGUMENT_LOG:
            raise Unbounded(f"a trigonometric function of a number with about {argument.log:.3g} digits")
        return SYMBOL
    if name in BINOMIAL_NAMES:
        n = _size(node.arguments[0])
        return _binomial(n, _size(node.arguments[1]))
    argument = _size(node.arguments[0])
    if name in GAMMA_NAMES:
        return _factorial(argument, "a gamma function")
    if name in FACTORIAL_NAMES:
        return _factorial(argument, "a factorial")
    if name in EXP_NAMES:
        return _power(Size(_CONSTANTS["e"]), argument)
    return SYMBOL


def _series(kind: str, node: Scripted) -> Size:
    """``\\sum_{k=1}^{N} ...``: N - 1 + 1 terms, refused past ``MAX_SERIES_TERMS``."""
    low = high = SYMBOL
    for script, argument in node.scripts:
        if script == "_":
            low = _size(argument)
        else:
            high = _size(argument)
    count = None
    if high.log is not None and high.log != -math.inf:
        lower = low.value if low.log is not None else 0.0
        count = (high.value or 0.0) - (lower or 0.0) + 1
    what = "sum" if kind == "sum" else "product"
    if count is not None and count > MAX_SERIES_TERMS[kind]:
        raise Unbounded(f"a {what} of about {count:.3g} terms")
    if node.arguments:
        body = _size(node.arguments[0])
        if count is None and body.degree > MAX_SERIES_DEGREE:
            raise Unbounded(f"a {what} of a power {body.degree:.3g} to a symbolic bound")
    return SYMBOL


def _matrix(node: Environment) -> Size:
    """Rows and columns of a matrix counted from its tokens; a symbolic determinant past
    ``MAX_DETERMINANT_SIZE`` is refused."""
    if node.name not in MATRICES:
        return SYMBOL
    rows = columns = width = 1
    symbolic = False
    for token in node.tokens:
        if token == "&":
            width += 1
        elif token == "\\\\":
            rows, columns, width = rows + 1, max(columns, width), 1
        elif token[0].isalpha() or (token[0] == "\\" and token[1:2].isalpha()):
            symbolic = True
    size = max(rows, max(columns, width))
    if (node.determinant or node.name in _DETERMINANTS) and symbolic and size > MAX_DETERMINANT_SIZE:
        raise Unbounded(f"a determinant of a {size}x{size} symbolic matrix")
    return SYMBOL
