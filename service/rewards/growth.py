"""Whether an answer's value grows without bound when sympy evaluates it, decided in microseconds.

math-verify hands a parsed answer to sympy, which computes factorials, binomials, powers, sums and
products exactly and expands powers of sums: ``(10^{10})!``, ``\\binom{10^9}{10^5}``, ``(a+b+c)^{500}``
or ``2^{\\frac{1}{2^{1000}}}`` (compared with 1) run until the worker is killed. No benchmark answer
needs such a value, so an answer (or reference) that would is refused before sympy sees it.

A small, forgiving parser walks the LaTeX or plain-text expression once and estimates every
subexpression's size: ``log10`` of its magnitude when it is a number, the count of terms its
expansion would have when it holds variables, and how deeply exponents nest. Anything it does not
understand is a symbol of unknown size, which never trips a limit on its own.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import NamedTuple

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
MAX_NESTING = 60
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
_TOKEN = re.compile(r"\d+(?:\.\d*)?|\.\d+|\\[A-Za-z]+|\\.|[A-Za-z]+|\S")
_DROP = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg|displaystyle|limits|nolimits|[,;:! ])(?![A-Za-z])|\$")
_OPEN = {"(": ")", "{": "}", "[": "]", "\\{": "\\}", "\\lbrace": "\\rbrace", "\\langle": "\\rangle"}
_CLOSE = frozenset(_OPEN.values())
_ADDITIVE = frozenset(
    {
        "+",
        "-",
        "\\pm",
        "\\mp",
        ",",
        ";",
        "=",
        "<",
        ">",
        "\\le",
        "\\ge",
        "\\leq",
        "\\geq",
        "\\neq",
        "\\approx",
        "\\to",
        "\\cup",
        "\\cap",
        "\\setminus",
        "&",
        "\\\\",
        "|",
        "\\mid",
        "\\in",
        ":",
    }
)
_MULTIPLY = frozenset({"*", "\\cdot", "\\times", "/", "\\div"})
_POSTFIX = frozenset({"^", "_", "!", "'", "\\%", "%"})
_ENDS = _CLOSE | _ADDITIVE | {None}
_NOT_ATOMS = _ENDS | _MULTIPLY | _POSTFIX | {"\\choose"}
_SIGNS = frozenset({"-", "+", "\\pm", "\\mp"})
_COMMA = frozenset({","})
_FRACTIONS = frozenset({"\\frac", "\\dfrac", "\\tfrac", "\\cfrac"})
_BINOMIALS = frozenset({"\\binom", "\\dbinom", "\\tbinom"})
_GAMMA_NAMES = frozenset({"\\Gamma", "gamma", "Gamma", "\\gamma"})
_FACTORIAL_NAMES = frozenset({"factorial", "\\factorial"})
_EXP_NAMES = frozenset({"\\exp", "exp"})
_BINOMIAL_NAMES = frozenset({"binom", "C", "binomial"})
_SERIES = {"\\sum": "sum", "\\prod": "prod"}
_CONSTANTS = {"\\pi": math.log10(math.pi), "pi": math.log10(math.pi), "e": math.log10(math.e)}
_ONE_ARGUMENT = frozenset(
    {
        "\\text",
        "\\textbf",
        "\\mathrm",
        "\\mathbf",
        "\\mathit",
        "\\operatorname",
        "\\overline",
        "\\hat",
        "\\vec",
        "\\bar",
        "\\tilde",
        "\\underline",
        "\\widehat",
        "\\overrightarrow",
        "\\boxed",
        "\\mathbb",
    }
)
_WORDISH = frozenset({"\\text", "\\textbf", "\\operatorname", "\\mathrm", "\\mathit", "\\mathbb"})
_INTEGRALS = frozenset({"\\int", "\\iint", "\\iiint", "\\oint", "\\intop"})
_PERIODIC = frozenset({"\\sin", "\\cos", "\\tan", "\\cot", "\\sec", "\\csc", "sin", "cos", "tan", "cot", "sec", "csc"})
_MATRICES = frozenset({"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array"})
_DETERMINANTS = frozenset({"vmatrix", "Vmatrix"})
_DET_NAMES = frozenset({"\\det", "det"})


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
        _Walk(_tokens(text)).expression_list()
    except Unbounded as exc:
        return str(exc)
    except RecursionError:
        return "nested too deeply"
    except (ValueError, OverflowError):  # a domain error estimating a size (lgamma of a pole): not a growth
        return None
    return None


def _tokens(text: str) -> list[str]:
    s = _DROP.sub(" ", text.replace("−", "-").replace("**", "^"))
    return _TOKEN.findall(s)


def _number(literal: str) -> Size:
    digits = literal.split(".")[0].lstrip("0")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise Unbounded(f"a number with {len(digits)} digits")
    value = float(literal)
    return Size(math.log10(value) if value else -math.inf)


def _digits(size: Size) -> float:
    return 0.0 if size.log is None else size.log


def _check_digits(size: Size, what: str) -> Size:
    if size.log is not None and abs(size.log) > MAX_DIGITS:
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


class _Walk:
    """Recursive descent over the tokens; every step consumes a token or returns, so it stays linear."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.n = len(tokens)
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < self.n else None

    def take(self) -> str | None:
        token = self.peek()
        self.i += 1
        return token

    def expression_list(self) -> None:
        """The whole text: expressions, skipping any stray closer between them."""
        while self.i < len(self.tokens):
            self.expression()
            if self.peek() in _CLOSE:
                self.i += 1

    def expression(self, stop: frozenset[str] = frozenset()) -> Size:
        """Terms joined by ``+``, ``-``, commas or relations (a relation's size is its right side's)."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise Unbounded("nested too deeply")
        size = self.term()
        while (token := self.peek()) is not None and token in _ADDITIVE and token not in stop:
            self.i += 1
            following = self.peek()
            nxt = SYMBOL if following in _ENDS else self.term()
            size = nxt if token == "=" else _add(size, nxt)
        self.depth -= 1
        return size

    def term(self) -> Size:
        size = self.signed()
        while (token := self.peek()) is not None:
            if token in _MULTIPLY:
                self.i += 1
                if self.peek() in _ENDS:
                    break
                size = _multiply(size, self.signed(), divide=token in {"/", "\\div"})
            elif self.starts_atom(token):
                size = _multiply(size, self.signed())
            else:
                break
        return size

    def signed(self) -> Size:
        negative = False
        while self.peek() in _SIGNS:
            negative ^= self.take() == "-"
        size = self.postfix(self.atom())
        return size._replace(negative=not size.negative) if negative and size.log is not None else size

    @staticmethod
    def starts_atom(token: str) -> bool:
        return token not in _NOT_ATOMS

    def postfix(self, size: Size) -> Size:
        while (token := self.peek()) in _POSTFIX:
            self.i += 1
            if token == "^":
                size = _power(size, self.argument())
            elif token == "_":
                self.argument()
                size = SYMBOL if size.log is None else size
            elif token == "!":
                size = _factorial(size, "a factorial")
        return size

    def argument(self) -> Size:
        """A braced group, or the single token LaTeX reads (``^10`` and ``^(..)`` from plain text too)."""
        token = self.peek()
        if token is None:
            return SYMBOL
        if token in _OPEN:
            return self.atom()
        if token == "-":
            self.i += 1
            size = self.argument()
            return size._replace(negative=not size.negative) if size.log is not None else size
        return self.atom() if token not in _ENDS else SYMBOL

    def group(self) -> Size:
        """A bracketed expression; ``{n \\choose k}`` is a binomial."""
        self.i += 1
        size = self.expression()
        if self.peek() == "\\choose":
            self.i += 1
            size = _binomial(size, self.expression())
        if self.peek() in _CLOSE:
            self.i += 1
        return size

    def atom(self) -> Size:
        token = self.take()
        if token is None:
            return SYMBOL
        if token[0].isdigit() or token[0] == ".":
            return _number(token)
        if token in _OPEN:
            self.i -= 1
            return self.group()
        if token in _CONSTANTS:
            return Size(_CONSTANTS[token], surd=True)
        if token in _FRACTIONS:
            return _multiply(self.argument(), self.argument(), divide=True)
        if token in _BINOMIALS:
            return _binomial(self.argument(), self.argument())
        if token == "\\sqrt":
            index = SYMBOL if self.peek() != "[" else self.group()
            radicand = self.argument()
            exponent = _multiply(Size(0.0), index, divide=True) if index.log is not None else Size(math.log10(0.5))
            return _power(radicand, exponent)
        if token in _SERIES:
            return self.series(_SERIES[token])
        if token in _INTEGRALS:
            return self.integral()
        if token == "\\begin":
            return self.environment(determinant=False)
        if token in _WORDISH:
            return self.word_group()
        if token in _ONE_ARGUMENT:
            self.argument()
            return SYMBOL
        return self.function(token)

    def word_group(self) -> Size:
        """``\\operatorname{Gamma}(..)``, ``\\mathrm{e}``, ``\\text{cm}``: the group read as one name."""
        if self.peek() != "{":
            return SYMBOL
        start = self.i
        depth = 0
        while self.i < len(self.tokens):
            token = self.take()
            depth += (token == "{") - (token == "}")
            if depth == 0:
                break
        name = "".join(self.tokens[start + 1 : self.i - 1])
        if name in _CONSTANTS:
            return Size(_CONSTANTS[name])
        return self.function(name)
        return SYMBOL

    def function(self, name: str) -> Size:
        """A named function and its argument (``\\Gamma(10^{10})``, ``\\exp x``, ``\\sin^2 x``)."""
        if name in _DET_NAMES and self.peek() == "\\begin":
            self.i += 1
            return self.environment(determinant=True)
        if name in _PERIODIC:
            return self.periodic()
        if not (name in _GAMMA_NAMES or name in _FACTORIAL_NAMES or name in _EXP_NAMES or name in _BINOMIAL_NAMES):
            return SYMBOL
        while self.peek() in {"^", "_"}:
            self.i += 1
            self.argument()
        if name in _BINOMIAL_NAMES:
            if self.peek() != "(":
                return SYMBOL
            self.i += 1
            n = self.expression(stop=_COMMA)
            k = self.expression(stop=_COMMA) if self.take() == "," else SYMBOL
            if self.peek() in _CLOSE:
                self.i += 1
            return _binomial(n, k)
        argument = self.argument() if self.peek() in _OPEN else (self.signed() if self.peek() is not None else SYMBOL)
        if name in _GAMMA_NAMES:
            return _factorial(argument, "a gamma function")
        if name in _FACTORIAL_NAMES:
            return _factorial(argument, "a factorial")
        if name in _EXP_NAMES:
            return _power(Size(_CONSTANTS["e"]), argument)
        return SYMBOL

    def periodic(self) -> Size:
        """``\\sin(10^{99999})``: refused past ``MAX_PERIODIC_ARGUMENT_LOG``."""
        while self.peek() in {"^", "_"}:
            self.i += 1
            self.argument()
        if (token := self.peek()) is None or not self.starts_atom(token):
            return SYMBOL
        argument = self.argument() if self.peek() in _OPEN else self.signed()
        if argument.log is not None and argument.log > MAX_PERIODIC_ARGUMENT_LOG:
            raise Unbounded(f"a trigonometric function of a number with about {argument.log:.3g} digits")
        return SYMBOL

    def integral(self) -> Size:
        """``\\int_a^b f dx``: refused when the integrand's degree passes ``MAX_INTEGRAND_DEGREE``."""
        for _ in range(2):
            if self.peek() in {"_", "^"}:
                self.i += 1
                self.argument()
        if (token := self.peek()) is not None and self.starts_atom(token):
            integrand = self.term()
            if integrand.degree > MAX_INTEGRAND_DEGREE:
                raise Unbounded(f"an integral of a power {integrand.degree:.3g}")
        return SYMBOL

    def environment(self, determinant: bool) -> Size:
        """``\\begin{vmatrix} .. \\end{vmatrix}`` (or ``\\det`` of a matrix): rows and columns counted in one pass
        to its ``\\end``; a symbolic determinant past ``MAX_DETERMINANT_SIZE`` is refused."""
        name = self.word_name()
        if name not in _MATRICES:
            return SYMBOL
        rows = columns = width = 1
        symbolic = False
        while (token := self.take()) is not None and token != "\\end":
            if token == "&":
                width += 1
            elif token == "\\\\":
                rows, columns, width = rows + 1, max(columns, width), 1
            elif token[0].isalpha() or (token[0] == "\\" and token[1:2].isalpha()):
                symbolic = True
        self.word_name()
        size = max(rows, max(columns, width))
        if (determinant or name in _DETERMINANTS) and symbolic and size > MAX_DETERMINANT_SIZE:
            raise Unbounded(f"a determinant of a {size}x{size} symbolic matrix")
        return SYMBOL

    def word_name(self) -> str:
        """The name in a ``{...}`` group of words (``{vmatrix}``), consumed; empty when none follows."""
        if self.peek() != "{":
            return ""
        start = self.i
        while (token := self.take()) is not None and token != "}":
            pass
        return "".join(self.tokens[start + 1 : self.i - 1])

    def series(self, kind: str) -> Size:
        """``\\sum_{k=1}^{N} ...``: N - 1 + 1 terms, refused past ``MAX_SERIES_TERMS``."""
        low = high = SYMBOL
        for _ in range(2):
            token = self.peek()
            if token == "_":
                self.i += 1
                low = self.argument()
            elif token == "^":
                self.i += 1
                high = self.argument()
        count = None
        if high.log is not None and high.log != -math.inf:
            lower = low.value if low.log is not None else 0.0
            count = (high.value or 0.0) - (lower or 0.0) + 1
        if count is not None and count > MAX_SERIES_TERMS[kind]:
            raise Unbounded(f"a {'sum' if kind == 'sum' else 'product'} of about {count:.3g} terms")
        if (token := self.peek()) is not None and self.starts_atom(token):
            body = self.term()
            if count is None and body.degree > MAX_SERIES_DEGREE:
                raise Unbounded(
                    f"a {'sum' if kind == 'sum' else 'product'} of a power {body.degree:.3g} to a symbolic bound"
                )
        return SYMBOL
