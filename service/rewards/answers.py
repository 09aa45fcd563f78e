"""Final-answer equivalence, cheap checks first and math-verify last.

The reference answer is prepared once per group (:class:`AnswerJudge`); each completion's stated
answer is then judged by the first family that applies: multiple choice, yes/no, plain quantities
(units, percent, degrees, separators, scientific notation), normalised text, then math-verify for
LaTeX and symbolic forms. math-verify runs with its own timeouts off: the worker pool enforces a
hard deadline by killing the process, which is the only thing that stops a hung sympy call.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from .claims import Claim, Commitment, commitment, read_claims, value_key
from .growth import unbounded_growth
from .kinds import (
    LABEL,
    Bracketed,
    Kind,
    assignments,
    bracketed,
    inequality_interval,
    infinity_sign,
    is_infinity,
    is_title,
    named_values,
    proportional,
    ratio_value,
    ratios,
    without_point_label,
)
from .latex_parse_memo import remembered_parses
from .number_words import SCALES
from .numeric import numeric_value
from .phrase import phrase_verdict
from .quick_verdict import quick_verdict
from .statement import (
    LONG_STATEMENT,
    MAX_BLOCK_CHARS,
    YES_NO,
    Statement,
    boxed_spans,
    is_prose,
    normalised_block,
    read_statement,
)
from .text import latex_to_plain, unicode_normalised
from .vocabulary import HEDGED_STRUCTURE, PROSE, Decision, Method, Rule


@dataclass(frozen=True, slots=True)
class Verdict:
    correct: bool
    method: Method
    detail: str = ""
    statement: Statement | None = None
    """What was read from the stated answer, and by which rule (for explanations)."""
    claims: tuple[Claim, ...] = ()
    """Every claim the final-answer section makes, with its stance (for explanations)."""
    decided_by: Decision = Decision.COMMITTED
    """The rule that decided (for explanations)."""


_TEXT_WRAP = re.compile(r"\\(?:text|mathrm|textbf|mathbf)\s*\{([^{}]*)\}")
_WRAPPING = (
    ("```", "```"),
    ("$$", "$$"),
    ("$", "$"),
    ("\\(", "\\)"),
    ("\\[", "\\]"),
    ("**", "**"),
    ("*", "*"),
    ("`", "`"),
    ('"', '"'),
)
_ANSWER_PREFIX = re.compile(r"^(?:(?:the\s+)?(?:final\s+)?answer\s*(?:is)?\s*[:=]?|\\approx|≈|~)\s*", re.IGNORECASE)
_PROSE = PROSE
"""Words that hedge, comment on or change a value: never units, and an answer with them is wrong."""
_MATH_NAMES = (
    "pi",
    "e",
    "i",
    "sin",
    "cos",
    "tan",
    "cot",
    "sec",
    "csc",
    "log",
    "ln",
    "exp",
    "sqrt",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "mod",
    "max",
    "min",
    "gcd",
    "lcm",
)
_NOT_UNITS = {
    "π",
    "x",
    "y",
    "z",
    "n",
    "t",
    "a",
    "b",
    "c",
    "d",
    "r",
    "theta",
    "alpha",
    "beta",
    "to",
    *_MATH_NAMES,
    *_PROSE,
}
_MATH_WORDS = "(?:" + "|".join(sorted({*_MATH_NAMES, *_PROSE})) + r")\b"
_TRAILING_UNIT = re.compile(
    r"(?<=[\d}\w])\s+(?:(?:square|sq|cubic)\s+)?(?!"
    + _MATH_WORDS
    + r")(?:[A-Za-z]{2,}|(?-i:[mgsL]))\.?(?:\^\{?[23]\}?)?$",
    re.IGNORECASE,
)
_MAX_TRAILING_UNITS = 3
_SPACE_THOUSANDS = re.compile(r"^[-+$€£¥]?\s*\d{1,3}(?: \d{3})+(?![\d.,])")
_DECIMAL_COMMA = re.compile(r"^([-+]?\d+),(\d+)$")
"""``1000,99`` and ``0,111`` are decimals written with a comma; ``1,000`` stays a thousand."""
_PAREN_NUMBER = re.compile(r"(?<![\w)}\]])\(\s*(\d+(?:\.\d+)?)\s*\)")
"""A number in parentheses of its own (``(5)``); one against a value is a product (``3(2)``)."""

_LETTER_BRACKETED = re.compile(r"^[(\[]\s*([A-Za-z])\s*[)\]]")
_LETTER_BARE = re.compile(r"^([A-Za-z])(?:[.:)]|$)")
_LETTER_NAMED = re.compile(r"^(?:option|choice)(?:\s+[(\[]?|\s*[(\[])([A-Za-z])\b", re.IGNORECASE)

_OPTION_MARKS = re.compile(r"(?<![A-Za-z])[(\[]([A-Za-z])[)\]]|(?<![A-Za-z])([A-Z])[.:)](?=\s|$)")
_YES_NO_STATED = {**YES_NO, "y": "yes", "n": "no"}
"""A stated ``Y``/``N`` answers a yes/no question; a reference ``y`` is more likely a variable."""
_LETTER_ONLY = re.compile(r"^(?:(?:option|choice)\s*)?[(\[]?\s*([A-Za-z])\s*[)\].:]?$", re.IGNORECASE)

_QUANTITY = re.compile(
    r"^(?P<currency>[$€£¥])?\s*+(?P<sign>[-+])?\s*+(?P<currency2>[$€£¥])?\s*+"
    r"(?:(?P<whole>\d++)\s++(?=\d++\s*+/\s*+\d))?(?P<number>\d++(?:\.\d*+)?|\.\d++)"
    r"(?:\s*+/\s*+(?P<den>\d++(?:\.\d*+)?))?"
    r"(?:\s*+(?:e|\*\s*+10\s*+\^)\s*+(?P<exp>[-+]?\d{1,3}))?"
    r"\s*+(?P<percent>%|percent\b)?"
    r"(?P<unit>(?:\s*+[^\W\d_][^\W\d_.]*+\.?(?:\s*+\^\s*+[23])?(?:\s*+/\s*+[^\W\d_]++(?:\s*+\^\s*+[23])?)?)*+)\s*$",
)
"""A whole answer that is one quantity, parsed into its parts; finding values inside a sentence is
:mod:`.statement`'s ``_NUMBER``. Every run is possessive: a space run before ``%`` and the one before the end
never split between them (``1``, 65,000 spaces, ``)`` took seconds)."""
_MAX_UNIT_WORDS = 3
"""A left-hand label before the value: ``x = 5``, ``I_{max} = \\frac{V}{R}``, ``\\theta = 30``."""
_WORDS = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}")
_MEMBERS = re.compile(r"\\?\{([^{}]*,[^{}]*)\\?\}")
"""A set reference whose members are listed: ``\\{1, 2\\}``, ``{-3, 3}``."""
_NUMBER_EQUATION = re.compile(r"^[-+\d.,\s]+=")
MAX_ANSWER_CHARS = 512
_UNWRAP_PASSES = 3
"""Rounds of peeling wrappers off an answer (``$\\boxed{**5**}$`` takes three)."""
_SHOWN_CHARS = 40
"""Characters of a value too large for a float shown in an explanation."""
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_PUNCT = re.compile(r"[.,;:!?'\"`´‘’“”]")
_MATHY = re.compile(r"[\d\\^_=+*/(){}\[\]<>|]|^[A-Za-z]$")
_SHOWN_DECIMALS = re.compile(r"\d\.(\d+)")
_MV_ROUNDING = 6
"""math-verify's default float rounding; an answer showing 2..5 decimals is compared at the precision it shows."""
_REL_TOL = 1e-12
"""Rounding error allowed between floats from ``sqrt``/``pi``; exact values must be equal."""
_ONE = Fraction(1)


def clean_answer(text: str) -> str:
    """Strip the wrappers models put around an answer: ``$..$``, ``\\boxed{}``, bold, a final period. A wrapper is
    stripped only around one value: ``**7** **8**`` and `` `7`, `8` `` are two wrapped values, not ``7** **8``."""
    s = unicode_normalised(text).replace("−", "-").replace("√", "\\sqrt").strip()
    for _ in range(_UNWRAP_PASSES):
        before = s
        s = _ANSWER_PREFIX.sub("", s).strip()
        s = unboxed(s)
        for left, right in _WRAPPING:
            if len(s) > len(left) + len(right) and s.startswith(left) and s.endswith(right):
                inner = s[len(left) : len(s) - len(right)]
                if left not in inner and right not in inner:
                    s = inner.strip()
        s = _TEXT_WRAP.sub(r"\1", s)
        if "*" not in s.strip("*"):
            s = s.strip("*")
        s = s.strip().rstrip(".").strip()
        if s == before:
            break
    return s


def unboxed(s: str) -> str:
    """The content of the first ``\\boxed{...}`` (braces matched by a linear scan), else ``s``."""
    boxes = boxed_spans(s)
    return boxes[0][2] if boxes else s


def prose_words(answer: str) -> set[str]:
    """Words like "or", "is", "wrong": an answer with them hedges or comments, and math-verify would
    read the first number out of it (``5 is wrong`` -> 5)."""
    return {w.lower() for w in _WORDS.findall(answer)} & _PROSE


def too_large(answer: str) -> bool:
    """An "answer" longer than ``MAX_ANSWER_CHARS``, or one whose value grows without bound (a big
    factorial, binomial, sum or product, a power tower or a power of a sum: see :mod:`.growth`):
    sympy could spend minutes on it, and no benchmark answer looks like this."""
    return len(answer) > MAX_ANSWER_CHARS or unbounded_growth(answer) is not None


def choice_letter(answer: str, choices: dict[str, str] | None) -> str | None:
    """The option letter an answer names: ``B``, ``(B)``, ``B.``, ``B) 5``, ``Option B``.

    An answer that marks two different options (``(A) or (B)``) names none: hedging is not rewarded.
    """
    mark = _letter_mark(answer, choices)
    return mark.group(1).upper() if mark else None


def _letter_mark(answer: str, choices: dict[str, str] | None) -> re.Match[str] | None:
    """Where the answer opens with the option letter it names (see :func:`choice_letter`)."""
    for pattern in (_LETTER_BRACKETED, _LETTER_NAMED, _LETTER_BARE):
        m = pattern.match(answer)
        if m:
            letter = m.group(1).upper()
            marked = {(a or b).upper() for a, b in _OPTION_MARKS.findall(answer)}
            if marked - {letter}:
                return None
            if choices is None or letter in choices:
                return m
    return None


@dataclass(frozen=True, slots=True)
class Quantity:
    value: Fraction
    percent: bool
    decimals: int | None
    """Digits written after the decimal point; None for fractions and exponents (exact values)."""
    approximate: bool = False
    """A float from ``sqrt`` or ``pi``: equal within rounding error, not exactly."""


def parse_quantity(answer: str) -> Quantity | None:
    """A plain number with optional sign, currency, unit, percent, separators or exponent."""
    answer = answer.replace("\\$", "$")
    s = latex_to_plain(answer) if "\\" in answer or "^" in answer else answer.lower().replace("°", " degrees")
    s = _SPACE_THOUSANDS.sub(lambda m: m.group(0).replace(" ", ""), s.strip())
    if (comma := _DECIMAL_COMMA.match(s)) and (len(comma.group(2)) != 3 or comma.group(1).lstrip("-+") == "0"):
        s = f"{comma.group(1)}.{comma.group(2)}"
    s = _PAREN_NUMBER.sub(r"\1", re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s))
    m = _QUANTITY.match(s)
    if not m:
        return None
    try:
        value = Fraction(m.group("number"))
        if m.group("den"):
            value /= Fraction(m.group("den"))
        if m.group("exp"):
            value *= Fraction(10) ** int(m.group("exp"))
    except (ZeroDivisionError, ValueError):
        return None
    unit = m.group("unit")
    unit_words = re.findall(r"[^\W\d_]+", unit)
    scale = _scale(unit_words, attached=not s[m.start("unit") - 1].isspace())
    if scale is not None:
        value, unit_words = value * scale, unit_words[1:]
    if len(unit_words) > _MAX_UNIT_WORDS or any(word in _NOT_UNITS for word in unit_words):
        return None
    if m.group("whole"):
        value += int(m.group("whole"))
    if m.group("sign") == "-":
        value = -value
    number = m.group("number")
    shown = len(number.split(".", 1)[1]) if "." in number else 0
    decimals = None if m.group("den") else shown - int(m.group("exp")) if m.group("exp") else shown
    if scale is not None and decimals is not None:
        decimals = decimals - len(str(scale)) + 1 if str(scale).strip("0") == "1" else None
    return Quantity(value, bool(m.group("percent")), decimals)


def _scale(words: list[str], attached: bool) -> int | None:
    """A scale word after the number is part of its value: ``4 thousand`` is 4000, ``7 dozen`` 84, and ``7k``
    (the letter right after the digits) 7000."""
    if not words:
        return None
    if words[0] in SCALES:
        return SCALES[words[0]]
    return 1000 if words[0] == "k" and attached else None


def quantities_equal(ref: Quantity, pred: Quantity) -> bool:
    """Equal values (exactly, unless a float from sqrt/pi is involved); or equal after rounding to the coarser
    of >=2 shown decimals (a shown 0.00 matches nothing). A percent is compared as a percent: ``50%`` equals
    ``0.5``, and ``50`` too, since a plain number of 1 or more read as a fraction would be 100% or more; but
    ``0.7%`` is not ``0.7`` (that is 70%)."""
    candidates = [(ref.value, pred.value)]
    if ref.percent != pred.percent:
        pct, plain = (ref, pred) if ref.percent else (pred, ref)
        candidates = [(pct.value / 100, plain.value) if pct is ref else (plain.value, pct.value / 100)]
        if abs(plain.value) >= 1:
            candidates.append((ref.value, pred.value))
    approximate = ref.approximate or pred.approximate
    for a, b in candidates:
        if a == b or (approximate and abs(a - b) <= _REL_TOL * max(_ONE, abs(a), abs(b))):
            return True
    shown = [d for d in (ref.decimals, pred.decimals) if d is not None]
    places = min(shown) if shown else None
    if places is not None and places >= 2 and pred.value != 0:
        return any(round(a, places) == round(b, places) for a, b in candidates)
    return False


def _name_key(name: str) -> str:
    """``x_{1}`` and ``x_1`` name the same unknown."""
    return name.replace("{", "").replace("}", "").replace(" ", "")


def _shown_items(value: Bracketed) -> str:
    return f"{value.opening}{', '.join(value.items)}{value.closing}"


def _shown(value: Fraction | float) -> str:
    try:
        return format(float(value), ".12g")
    except OverflowError:
        pass
    try:
        return str(value)[:_SHOWN_CHARS] + "…"
    except ValueError:  # past Python's int-to-text limit (4,300 digits): its size, from the bit lengths
        value = Fraction(value)
        digits = (abs(value.numerator).bit_length() - value.denominator.bit_length()) * math.log10(2)
        return f"{'-' if value < 0 else ''}about 10^{digits:.0f}"


def _widest_options(letters: list[str], choices: dict[str, str]) -> list[str]:
    """Of several options found in one answer, the one whose words contain all the others' (``dark red``
    over ``red``): a longer option text is not a second option."""
    words = {letter: f" {normalised_text(choices[letter])} " for letter in letters}
    widest = [a for a in letters if all(words[b] in words[a] for b in letters)]
    return widest if len(widest) == 1 else letters


def equation_result(chain: str) -> str | None:
    """The result of a worked chain whose sides all evaluate to the same number (``5 + 3 = 8`` -> ``8``,
    ``2(3+4) = 14 cm``); None when a side is not a number or the sides disagree (``6 = 5``)."""
    sides = [side.strip() for side in chain.split("=")]
    values = []
    for side in sides:
        value = numeric_value(without_units(side)) if side else None
        if value is None:
            return None
        values.append(value)
    last = parse_quantity(sides[-1]) or _exact(values[-1])
    agree = all(quantities_equal(last, _exact(value)) for value in values[:-1])
    return sides[-1] if len(sides) > 1 and agree else None


def _exact(value: Fraction | float) -> Quantity:
    """A closed-form value as a quantity with no shown precision."""
    return Quantity(Fraction(value), False, None, approximate=isinstance(value, float))


def normalised_text(answer: str) -> str:
    s = _PUNCT.sub(" ", answer.casefold())
    return " ".join(_ARTICLES.sub(" ", s).split())


def braced_exponents(text: str) -> str:
    """``5^(2+1)`` -> ``5^{(2+1)}`` and ``x^10`` -> ``x^{10}``: in LaTeX ``^`` binds one token only,
    so a plain-text power would otherwise be read as its base (``$5^(5^5)$`` parses as 5)."""
    text = re.sub(r"\^\s*(\d+(?:\.\d+)?)", r"^{\1}", text.replace("**", "^"))
    out, i = [], 0
    while i < len(text):
        if text.startswith("^(", i) or text.startswith("^ (", i):
            start = text.index("(", i)
            depth, j = 0, start
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            if depth:
                out.append(text[i:])
                break
            out.append("^{(" + braced_exponents(text[start + 1 : j]) + ")}")
            i = j + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def _mv_parse(text: str):
    """math-verify's parse of an extracted answer, as LaTeX: its plain-text path reads only numbers."""
    from math_verify import parse

    wrapped = text if "$" in text else f"${braced_exponents(text)}$"
    with remembered_parses():
        return parse(wrapped, parsing_timeout=None)


def without_units(answer: str) -> str:
    """``\\sqrt{58} in`` -> ``\\sqrt{58}``: up to three trailing unit words (each found by a search
    anchored at the end, so the cost stays linear) would make math-verify read a product."""
    if not re.search(r"[\d\\]", answer):
        return answer
    stripped = answer
    for _ in range(_MAX_TRAILING_UNITS):
        unit = _TRAILING_UNIT.search(stripped)
        if unit is None:
            break
        stripped = stripped[: unit.start()]
    return stripped.strip() or answer


_STATES = re.compile(r"\b(?:is|are|was|were|equals?|answer)\b|=|:", re.IGNORECASE)
"""A reference sentence that states its value (``The answer is 5.``); words without one are a name or a title."""
_MANY_VALUED = frozenset({Kind.SET, Kind.LIST, Kind.POINT, Kind.INTERVAL, Kind.NAMED})
"""Kinds whose answer is several values: several boxes may state it."""
_LEADING_YES_NO = re.compile(r"\W*(?:yes|no|true|false)\b", re.IGNORECASE)
"""A section that opens with its yes or no (``No, Purple is the roughest.``): one answered in words."""
_COMPLEX_I = re.compile(r"(?<![A-Za-z\\])i(?![A-Za-z])")
_OTHER_LETTER = re.compile(r"(?<![A-Za-z\\])(?!i(?![A-Za-z]))[A-Za-z](?![A-Za-z])")
_TRIG = re.compile(r"\\(?:sin|cos|tan|cot|sec|csc)\b")
_DEGREE_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(?:\^\s*\{?\s*\\circ\s*\}?|°)")


def _reference_value(answer: str) -> str:
    """The value a reference states: its boxes, or the value of a sentence; else the reference as given."""
    statement = read_statement(answer)
    value = statement.value
    states = statement.rule is Rule.PROSE and is_prose(answer) and _STATES.search(answer) is not None
    if value is not None and (statement.rule in (Rule.BOXED, Rule.BOXES) or states):
        return value
    if statement.hedge and len(statement.values) > 1:
        return ", ".join(statement.values)
    return answer


MATH_VERIFY_TEXT_CHARS = 2000
"""Most characters of a free text handed to math-verify's own extraction, whose cost grows with the square of
the LaTeX delimiters in the text (``\\( `` x 5,300 ran for minutes; 2,000 characters of any run take under a
second): a longer text is read from its end, where it states its answer."""


def math_verify_text(text: str) -> str:
    """The part of a free text math-verify's extraction reads: the whole text, or its last
    ``MATH_VERIFY_TEXT_CHARS`` characters."""
    return text if len(text) <= MATH_VERIFY_TEXT_CHARS else text[-MATH_VERIFY_TEXT_CHARS:]


@lru_cache(maxsize=1024)
def math_verify_text_equal(gold: str, text: str) -> bool:
    """math-verify with its own extraction over a long stated text where no sentence stated a value:
    the last resort, as math-verify itself grades free text."""
    from math_verify import parse, verify

    gold_parsed = _mv_parse(without_units(gold))
    with remembered_parses():
        pred_parsed = parse(math_verify_text(text), parsing_timeout=None)
    if not gold_parsed or not pred_parsed:
        return False
    return bool(verify(gold_parsed, pred_parsed, timeout_seconds=None))


def math_forms(gold: str, pred: str) -> tuple[str, str]:
    """The two answers as math-verify should read them: ``i`` as the imaginary unit when the reference is a
    complex number (``1 + 3i``; math-verify reads a bare ``i`` as a variable), and degrees as radians inside
    trigonometric functions (``\\cos(90^\\circ - \\theta)``; math-verify drops the degree sign)."""
    if _COMPLEX_I.search(gold) and re.search(r"\d", gold) and not _OTHER_LETTER.search(_TEXT_COMMANDS.sub("", gold)):
        gold, pred = _COMPLEX_I.sub("I", gold), _COMPLEX_I.sub("I", pred)
    if _TRIG.search(gold + pred):
        radians = r"\\left(\\frac{\1\\pi}{180}\\right)"
        gold, pred = _DEGREE_NUMBER.sub(radians, gold), _DEGREE_NUMBER.sub(radians, pred)
    return gold, pred


_TEXT_COMMANDS = re.compile(r"\\[A-Za-z]+")


@lru_cache(maxsize=4096)
def math_verify_equal(gold: str, pred: str) -> bool:
    """Cached on the two strings: a group's members often state the same answer, and sympy's
    ``simplify`` of the difference is the slowest thing the scorer does."""
    from math_verify import verify

    gold, pred = math_forms(without_units(gold), without_units(pred))
    gold_parsed, pred_parsed = _mv_parse(gold), _mv_parse(pred)
    if not gold_parsed or not pred_parsed:
        return False
    if (sure := quick_verdict(gold_parsed, pred_parsed)) is not None:
        return sure
    if verify(gold_parsed, pred_parsed, timeout_seconds=None):
        return True
    places = max((len(d) for d in _SHOWN_DECIMALS.findall(pred)), default=0)
    if not 2 <= places < _MV_ROUNDING:
        return False
    return bool(verify(gold_parsed, pred_parsed, float_rounding=places, timeout_seconds=None))


class AnswerJudge:
    """Judges stated answers against one reference, prepared once per group."""

    def __init__(self, answer: str, choices: dict[str, str] | None = None):
        self.raw = answer
        self.choices = {k.strip().upper(): v for k, v in choices.items()} if choices else None
        self.clean = clean_answer(_reference_value(answer))
        self._choice_judges: dict[str, AnswerJudge] | None = None
        self._item_judges: list[AnswerJudge] | None = None
        self.letter = self._reference_letter()
        self.yes_no = YES_NO.get(normalised_text(self.clean))
        self.named = named_values(self.clean) if self.letter is None else None
        """Several named unknowns (``m = 4, n = 1``): each name's value, judged one by one."""
        label = LABEL.match(self.clean) if self.named is None and self.letter is None else None
        if label is not None and "=" not in self.clean[label.end() :]:
            self.clean = self.clean[label.end() :].strip()
        self.ratio = ratio_value(self.clean) if self.letter is None else None
        self.quantity = parse_quantity(self.clean) if self.ratio is None else None
        value = numeric_value(self.clean) if self.quantity is None and self.ratio is None else None
        self.exact = self.quantity or (_exact(value) if value is not None else None)
        """The reference as a number (a plain quantity or a closed form like ``5\\sqrt{2}``), if it is one."""
        self.sequence = bracketed(self.clean) if self.exact is None and self.named is None else None
        """A point, list or interval: its brackets and items, each judged as a value of its own."""
        self.text = normalised_text(self.clean)
        self.title = self.exact is None and self.letter is None and is_title(self.clean)
        self.mathy = bool(_MATHY.search(self.clean)) and not self.title
        self.kind = self._kind(label is not None)
        option_text = (self.choices or {}).get(self.letter or "", "")
        yes_no = YES_NO.get(normalised_text(clean_answer(option_text))) if option_text else None
        self._yes_no_option = AnswerJudge(yes_no) if yes_no is not None else None
        """An option whose text is yes or no (``(B) No``): a section that opens with a committed yes or no names
        it too."""
        self.too_large = too_large(self.clean)
        """A reference sympy could hang on (a power tower): math-verify is never asked about it."""

    def _kind(self, labelled: bool) -> Kind:
        """The reference's kind, decided once: which grader judges every stated answer."""
        if self.letter is not None:
            return Kind.OPTION
        if self.yes_no is not None:
            return Kind.YES_NO
        if self.named is not None:
            return Kind.NAMED
        if self.ratio is not None:
            return Kind.RATIO
        if self.quantity is not None:
            return Kind.QUANTITY
        if _MEMBERS.fullmatch(self.clean):
            return Kind.SET
        if self.sequence is not None:
            infinite = any(is_infinity(item) for item in self.sequence.items)
            if infinite or self.sequence.opening + self.sequence.closing in ("[)", "(]"):
                return Kind.INTERVAL
            return Kind.LIST if self.sequence.opening == "[" else Kind.POINT
        if labelled:
            return Kind.EQUATION
        return Kind.EXPRESSION if self.mathy else Kind.TEXT

    def _reference_letter(self) -> str | None:
        """The option the reference names: its letter, or the text of exactly one option, which wins over
        a letter it looks like (option E's text ``(b)`` is option E)."""
        if self.choices:
            texts = [k for k, v in self.choices.items() if clean_answer(v) == self.clean]
            if len(texts) == 1:
                return texts[0]
        letter = choice_letter(self.clean, self.choices)
        if letter is not None and (self.choices is not None or _LETTER_ONLY.match(self.clean)):
            return letter
        if self.choices:
            return self._matching_choice(self.clean)
        return None

    def _matching_choice(self, answer: str) -> str | None:
        """The single choice whose text the answer states, judged by the non-choice families."""
        if self._choice_judges is None:
            self._choice_judges = {k: AnswerJudge(v) for k, v in (self.choices or {}).items()}
        hits = [k for k, judge in self._choice_judges.items() if judge._judge_value(answer).correct]
        if len(hits) > 1:
            hits = _widest_options(hits, self.choices or {})
        return hits[0] if len(hits) == 1 else None

    def _are_members(self, values: tuple[str, ...]) -> bool:
        """``x = 1 or x = 2`` against ``\\{1, 2\\}``: two values are a hedge unless the reference lists
        exactly those (the roots of an equation are stated that way)."""
        members = _MEMBERS.fullmatch(self.clean)
        parts = [part.strip() for part in members.group(1).split(",")] if members else []
        if len(parts) != len(values) or not all(parts):
            return False
        judges = [AnswerJudge(part) for part in parts]
        for value in values:
            matched = next((judge for judge in judges if judge._judge_value(clean_answer(value)).correct), None)
            if matched is None:
                return False
            judges.remove(matched)
        return True

    @property
    def is_text(self) -> bool:
        """A reference in words (``red``, ``Ben``): a number the sentence also mentions is not its answer."""
        return not self.mathy and self.letter is None and self.yes_no is None and self.quantity is None

    @property
    def expects(self) -> str:
        """The kind of answer the statement reader looks for."""
        return "letter" if self.letter is not None else "yes_no" if self.yes_no is not None else "value"

    def judge(self, stated: str | None) -> Verdict:
        """The verdict on a stated final answer (one line or a block), with what was read from it and every claim
        it makes (:mod:`.claims`): a section that leaves its answer open or asserts a second value is a hedge. A
        line of working whose value grows without bound is left out of math-verify's own extraction: the growth
        guard looks at what the answer states, not at the working above it."""
        if stated is None:
            return Verdict(False, Method.NONE, "no final answer", decided_by=Decision.NO_ANSWER)
        if self._yes_no_option is not None and _LEADING_YES_NO.match(stated):
            in_words = self._yes_no_option.judge(stated)
            marked = {(a or b).upper() for a, b in _OPTION_MARKS.findall(stated)}
            if in_words.correct and marked <= {self.letter}:
                detail = f"option {self.letter} is {self._yes_no_option.yes_no}, answered in words"
                return Verdict(True, Method.YES_NO, detail, in_words.statement, in_words.claims)
            if in_words.method is Method.HEDGE:
                return in_words
        claims = read_claims(stated, "text" if self.is_text else self.expects, self.clean)
        rule = commitment(claims)
        statement = read_statement(stated, self.expects)
        if statement.hedge and rule.open is None and self.is_text:
            correct, detail = phrase_verdict(clean_answer(stated), self.clean)
            if correct and not self._second_value(rule, Statement(self.clean, Rule.PHRASE), True):
                return Verdict(True, Method.TEXT, detail, Statement(self.clean, Rule.PHRASE), claims)
        if rule.open is not None or (statement.hedge and self._judge_structured(stated) is None):
            values = statement.values if statement.hedge else tuple(c.value for c in claims if c.value)
            if len(values) > 1 and self._are_members(values):
                detail = "each value stated is one of the reference's, all of them"
                return Verdict(True, Method.SET, detail, statement, claims, Decision.SET)
            detail = statement.detail if statement.hedge else rule.detail
            hedge = statement if statement.hedge else Statement(None, Rule.HEDGE, detail, values)
            decision = Decision.OPEN_CLAIM if rule.open is not None else Decision.HEDGED_SENTENCE
            return Verdict(False, Method.HEDGE, detail, hedge, claims, decision)
        if statement.rule is Rule.BOXES and self.expects != "value":
            detail = f"{len(statement.values)} different boxed answers"
            hedge = Statement(None, Rule.HEDGE, detail, statement.values)
            return Verdict(False, Method.HEDGE, detail, hedge, claims, Decision.SECOND_VALUE)
        verdict = self._judge_structured(stated) or self._judge_text(stated, claims)
        if verdict is None:
            misread = statement.value is not None and too_large(clean_answer(statement.value))
            if (statement.value is None or misread) and len(rule.asserted) == 1 and not too_large(rule.asserted[0]):
                statement = Statement(rule.asserted[0], Rule.CLAIM, values=rule.asserted)
            verdict = self._judge_read(stated, statement)
        if (second := self._second_value(rule, verdict.statement or statement, verdict.correct)) is not None:
            detail = f"another value asserted: {second}"
            hedge = Statement(None, Rule.HEDGE, detail, rule.asserted)
            return Verdict(False, Method.HEDGE, detail, hedge, claims, Decision.SECOND_VALUE)
        if not verdict.correct and (beside := self._offered_beside(verdict.statement or statement, claims)):
            detail = f"another value offered: {beside}"
            hedge = Statement(None, Rule.HEDGE, detail, (*rule.asserted, *rule.boxed))
            return Verdict(False, Method.HEDGE, detail, hedge, claims, Decision.SECOND_VALUE)
        return Verdict(verdict.correct, verdict.method, verdict.detail, verdict.statement, claims)

    def _offered_beside(self, read: Statement, claims: tuple[Claim, ...]) -> str | None:
        """Of a wrong answer, another value it offers beside the one read: several boxes where one value is asked
        for (``\\boxed{10} and \\boxed{12}``), or a value under a condition (``\\frac{1}{2} (\\frac{1}{3} if
        rounded)``). Wrong either way; reported as the hedge it is."""
        if read.rule is Rule.BOXES and len(read.values) > 1 and self.kind not in _MANY_VALUED:
            return read.values[1]
        key = value_key(read.value or "")
        return next((c.value for c in claims if c.where == "offered" and value_key(c.value) != key), None)

    def _judge_text(self, stated: str, claims: tuple[Claim, ...]) -> Verdict | None:
        """A text reference stated as it is, wrapped or not (a title with a number in it is judged as text);
        several different boxes are not one text."""
        if self.kind is not Kind.TEXT or len(stated) > MAX_ANSWER_CHARS:
            return None
        if len({value_key(claim.value) for claim in claims if claim.where == "box"}) > 1:
            return None
        if normalised_text(clean_answer(stated)) != self.text:
            return None
        return Verdict(True, Method.TEXT, "the answer is the reference's text", Statement(self.clean, Rule.PLAIN))

    def _second_value(self, rule: Commitment, statement: Statement, correct: bool) -> str | None:
        """Of several values asserted, one that differs from the one judged: a wrong one beside a right answer
        (``7`` then ``8`` in a later paragraph), or the right one beside a wrong answer (a table listing 8 and 7).
        Values written alike are one value; only values written differently are graded."""
        read = value_key(statement.value or "")
        asserted = rule.asserted
        others = [value for value in asserted if value_key(value) != read]
        if not others or (not correct and len(asserted) < 2):
            return None
        graded = {value: self._judge_statement(value, value).correct for value in others}
        if correct:
            return next((value for value, ok in graded.items() if not ok), None)
        right = [value for value, ok in graded.items() if ok]
        return right[0] if right else None

    def _judge_read(self, stated: str, statement: Statement) -> Verdict:
        if statement.value is None and statement.rule is Rule.NONE and stated.strip():
            long_prose = LONG_STATEMENT < len(stated) <= MAX_BLOCK_CHARS and is_prose(stated)
            if not (self.mathy and long_prose) or self.too_large:
                verdict = self._judge_statement(stated, stated)
                return Verdict(verdict.correct, verdict.method, verdict.detail, verdict.statement or statement)
            answer_lines = "\n".join(line for line in stated.splitlines() if unbounded_growth(line) is None)
            if unbounded_growth(answer_lines) is not None or not answer_lines.strip():
                return Verdict(False, Method.GUARD, "the answer is too long or too large to evaluate", statement)
            ok = math_verify_text_equal(self.clean, answer_lines)
            detail = "no sentence states a value: math-verify's own extraction"
            return Verdict(ok, Method.MATH_VERIFY_TEXT, detail, statement)
        if statement.value is None:
            return Verdict(False, Method.NONE, statement.detail, statement)
        verdict = self._judge_statement(statement.value, stated if statement.rule is Rule.PLAIN else statement.value)
        if not verdict.correct and self.is_text:
            correct, detail = phrase_verdict(clean_answer(stated), self.clean)
            if correct:
                return Verdict(True, Method.TEXT, detail, Statement(self.clean, Rule.PHRASE))
        return Verdict(verdict.correct, verdict.method, verdict.detail, statement)

    def _judge_structured(self, stated: str) -> Verdict | None:
        """Named unknowns and ratios are read from the whole section, each assignment or ratio in it: a
        sentence reader would take ``m = 4 and n = 1`` for the value 1 and ``3:5`` for 5. None when the
        section writes no such value (the statement reader then reads it)."""
        if self.named is None and self.ratio is None:
            return None
        if len(stated) > MAX_BLOCK_CHARS:
            return None
        text = normalised_block(stated)
        boxes = boxed_spans(text)
        text = " ; ".join(content for _, _, content in boxes) if boxes else text
        if self.ratio is not None:
            found = ratios(text)
            if not found:
                return None
            if HEDGED_STRUCTURE.search(text):
                return Verdict(False, Method.RATIO, "the answer hedges a ratio")
            ok = all(proportional(self.ratio, r) for r in found)
            shown = ", ".join(":".join(str(p) for p in r) for r in found)
            return Verdict(ok, Method.RATIO, f"{shown} vs {self.clean}", Statement(shown, Rule.RATIO, values=(shown,)))
        return self._judge_named(text)

    def _judge_named(self, text: str) -> Verdict | None:
        named = self.named or {}
        stated: dict[str, list[str]] = {}
        for name, value in assignments(text):
            stated.setdefault(_name_key(name), []).append(value)
        wanted = {_name_key(name): value for name, value in named.items()}
        if not set(wanted) & set(stated):
            return None
        shown = ", ".join(f"{n} = {v}" for n, values in stated.items() for v in values)
        statement = Statement(shown, Rule.NAMED, values=tuple(shown.split(", ")))
        if HEDGED_STRUCTURE.search(text):
            return Verdict(False, Method.NAMED, "the answer hedges", statement)
        for name, value in wanted.items():
            if name not in stated:
                return Verdict(False, Method.NAMED, f"{name} is not stated", statement)
            judge = AnswerJudge(value)
            wrong = [v for v in stated[name] if not judge._judge_value(clean_answer(v)).correct]
            if wrong:
                return Verdict(False, Method.NAMED, f"{name} = {wrong[0]} vs {value}", statement)
        return Verdict(True, Method.NAMED, "every named value matches", statement)

    def _judge_sequence(self, pred: str) -> Verdict | None:
        """A point, list or interval, item by item, each judged as a single value is (so rounding is judged
        per item); an inequality in one variable is the interval it describes. None when not proved equal."""
        ref = self.sequence
        if ref is None:
            return None
        stated = bracketed(without_point_label(pred)) or inequality_interval(pred)
        if stated is None or (stated.opening, stated.closing) != (ref.opening, ref.closing):
            return None
        if len(stated.items) != len(ref.items):
            return None
        if self._item_judges is None:
            self._item_judges = [AnswerJudge(item) for item in ref.items]
        for judge, want, got in zip(self._item_judges, ref.items, stated.items, strict=True):
            if is_infinity(want) or is_infinity(got):
                if not (is_infinity(want) and is_infinity(got) and infinity_sign(want) == infinity_sign(got)):
                    return None
            elif not judge._judge_value(clean_answer(got)).correct:
                return None
        return Verdict(True, Method(self.kind.value), f"each item matches: {_shown_items(stated)}")

    def _judge_statement(self, value: str, stated: str) -> Verdict:
        pred = clean_answer(value)
        if not pred:
            return Verdict(False, Method.NONE, "empty final answer")
        if self.letter is not None:
            own = next((m for p in (_LETTER_BRACKETED, _LETTER_NAMED, _LETTER_BARE) if (m := p.match(pred))), None)
            if self.choices and own is not None:
                letter, rest = own.group(1).upper(), pred[own.end() :].strip(" .:,)-")
                if rest and rest == clean_answer(self.choices.get(letter, "")).strip(" .:,)-"):
                    return Verdict(
                        letter == self.letter, Method.CHOICE, f"option {letter} with its text vs {self.letter}"
                    )
            marked = {(a or b).upper() for a, b in _OPTION_MARKS.findall(pred) + _OPTION_MARKS.findall(stated.strip())}
            if len(marked) > 1:
                return Verdict(False, Method.CHOICE, f"the answer marks several options: {', '.join(sorted(marked))}")
            mark = _letter_mark(pred, self.choices)
            letter = mark.group(1).upper() if mark else None
            text = pred[mark.end() :].strip(" .:,)-") if mark and self.choices else ""
            other = self._matching_choice(text) if text else None
            if other is not None and other != letter:
                return Verdict(False, Method.CHOICE, f"option {letter} written with the text of option {other}")
            if letter is None and self.choices:
                letter = self._matching_choice(pred)
            if letter is None:
                return Verdict(False, Method.CHOICE, f"no option letter or option text found in {pred!r}")
            return Verdict(letter == self.letter, Method.CHOICE, f"option {letter} vs reference {self.letter}")
        return self._judge_value(pred)

    def _judge_value(self, pred: str) -> Verdict:
        if pred == self.clean or pred.casefold() == self.clean.casefold():
            return Verdict(True, Method.EXACT)
        if self.yes_no is not None:
            said = _YES_NO_STATED.get(normalised_text(pred).split(" ")[0] if pred.strip() else "")
            return Verdict(said == self.yes_no, Method.YES_NO, f"{said or 'neither yes nor no'} vs {self.yes_no}")
        if self.mathy and "=" not in self.clean and (label := LABEL.match(pred)) and "=" not in pred[label.end() :]:
            pred = pred[label.end() :]
            if pred == self.clean and self.exact is None:
                return Verdict(True, Method.EXACT, "a left-hand label is not part of the value")
        if self.sequence is not None and (sequence := self._judge_sequence(pred)) is not None:
            return sequence
        if self.exact is not None and _NUMBER_EQUATION.match(pred):
            result = equation_result(pred)
            if result is None:
                return Verdict(
                    False, Method.NUMERIC, "an equation between numbers that do not all agree is not an answer"
                )
            pred = result
        if self.quantity is not None:
            pred_q = parse_quantity(pred)
            if pred_q is not None:
                return Verdict(
                    quantities_equal(self.quantity, pred_q),
                    Method.NUMERIC,
                    f"{_shown(pred_q.value)} vs {_shown(self.quantity.value)}",
                )
        pred_text = normalised_text(pred)
        if not self.mathy:
            if pred_text == self.text:
                return Verdict(True, Method.TEXT)
            correct, detail = phrase_verdict(pred, self.clean)
            return Verdict(correct, Method.TEXT, detail, Statement(self.clean, Rule.PHRASE) if correct else None)
        prose = prose_words(pred) - prose_words(self.clean)
        if prose:
            return Verdict(False, Method.TEXT, f"the answer comments or hedges ({', '.join(sorted(prose))})")
        if self.exact is not None and (pred_value := numeric_value(without_units(pred))) is not None:
            ok = quantities_equal(self.exact, parse_quantity(pred) or _exact(pred_value))
            return Verdict(ok, Method.NUMERIC, f"{_shown(pred_value)} vs {_shown(self.exact.value)}")
        if too_large(pred) or self.too_large:
            side = "the answer" if too_large(pred) else "the reference (only an exact match counts)"
            return Verdict(
                False,
                Method.GUARD,
                f"{side}: expression too large to evaluate "
                "(power tower, huge exponent or factorial, or over 512 characters)",
            )
        ok = math_verify_equal(self.clean, pred)
        return Verdict(ok, Method.MATH_VERIFY, "equivalent" if ok else "not equivalent")
