"""Normalised token streams for soft key-step matching.

Steps and key steps are both turned into a canonical, space-separated token string: LaTeX, unicode
and plain spellings collapse to one form, numbers collapse to one canonical value (``1/2``,
``\\frac{1}{2}``, ``0.50`` -> ``0.5``), and grouping brackets vanish. Matching is then a
substring search on token boundaries, which runs at C speed and cannot confuse ``24`` with ``240``.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from functools import cache, lru_cache

from .latex_plain import PLAIN_SYMBOLS, plain_latex
from .number_words import TENS, UNITS

STEP_BREAK = "\x00"
"""Token that separates steps in a joined stream; never produced by normalisation."""

_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
_VULGAR = re.compile(r"(\d?)([½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒])")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_LIST_MARKERS = re.compile(r"^[ \t]*+(?:\(?\d{1,2}[.)]|[-*•])[ \t]+|(?<=\s)\(\d{1,2}\)(?=\s)", re.MULTILINE)

_SCIENTIFIC = re.compile(r"(\d)\s*+\*\s*+10\s*+\^\s*+(?:\{\s*+)?([-+]?\d+)(?:\s*+\})?")
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:,\d{3})+)(?![\d,])")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters but tab and line breaks: never text, and the readers use some as placeholders (NUL between
steps, SOH/STX around masked maths in :mod:`.statement`), so a completion's own are blanked."""

_WAVE_DASHES = "\u301c\u3030"
"""Dashes that read as ``~`` (a range or an approximation), not as minus."""
_INVISIBLE_OPERATORS = {0x2061: " ", 0x2062: "*", 0x2063: ",", 0x2064: "+"}
"""Function application, invisible times, separator and plus: format characters that stand for an operator."""
_ARABIC_SEPARATORS = {0x066B: ".", 0x066C: ",", 0x060C: ",", 0x066A: "%"}


@cache
def _unicode_tables() -> tuple[dict[int, str | None], re.Pattern[str], re.Pattern[str]]:
    """Built on the first text that is not ASCII, in one pass over the code points: dashes and minus signs to
    ``-``, decimal digits of every script to ASCII, Arabic separators to ``.`` / ``,``, format characters removed
    (invisible operators written out); the combining marks, and a number with one on a digit."""
    table: dict[int, str | None] = {0x2212: "-", 0x2796: "-", 0x02D7: "-", 0xFE63: "-", 0xFF0D: "-"}
    marks: list[str] = []
    for code in (*range(0x80, 0x20000), *range(0xE0000, 0xE1000)):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Pd" and char not in _WAVE_DASHES:
            table[code] = "-"
        elif category == "Nd":
            table[code] = str(unicodedata.decimal(char))
        elif category == "Cf":
            table[code] = None
        elif category in ("Mn", "Mc", "Me"):
            marks.append(char)
    table.update(_INVISIBLE_OPERATORS)
    table.update(_ARABIC_SEPARATORS)
    mark = "[" + "".join(re.escape(m) for m in marks) + "]"
    return table, re.compile(mark), re.compile(r"\d[\d.,]*+(?:" + mark + r"++[\d.,]*+)++")


NOT_A_NUMBER = "\ufffd"
"""What a marked number reads as: a symbol that equals nothing."""

_UNICODE_SYMBOLS = re.compile("[" + "".join(re.escape(symbol) for symbol in PLAIN_SYMBOLS if len(symbol) == 1) + "]")

_BOLD = re.compile(r"\*\*(?!\s*\d)|(?<!\d)\*\*")
"""Markdown bold (``**AB = 6**``), not a power between numbers (``5**2``)."""
_SEGMENT_BARS = re.compile(r"\|\s*([A-Z]{2})\s*\|")
"""``|AB|``, the length of segment AB, is written ``AB`` in key steps."""
_TOKEN = re.compile(
    r"\d+(?:\.\d+)?(?:e[-+]?\d{1,3}(?!\d))?|\.\d+|[^\W\d_]+|<=|>=|!=|[^\s\w(){}\[\]]",
)
_WORD_SYNONYMS = {
    "degree": "degrees",
    "deg": "degrees",
    "is": "=",
    "was": "=",
    "equals": "=",
    "measures": "=",
    "becomes": "=",
    "totals": "=",
    "percent": "%",
}
_COPULA_PHRASES = frozenset(
    {
        ("equal", "to"),
        ("has", "length", "of"),
        ("has", "length"),
        ("must", "be"),
        ("will", "be"),
        ("comes", "to"),
        ("amounts", "to"),
        ("evaluates", "to"),
        ("simplifies", "to"),
    }
)
"""Word runs read as ``=``, as the answer reader reads them (``AB has a length of 6``, ``AB is equal to 6``)."""
_PHRASE_HEADS = frozenset(head for head, *_ in _COPULA_PHRASES)
_ARTICLES = frozenset({"a", "an", "the"})
_APOSTROPHES = ("'", "’")
_QUOTED = re.compile(
    r"(?<![\w'’])['‘’“](?!s\b)(?=\S)([^'‘’“”\n]{1,200}?)(?<=\S)['’”](?![\w'’])|“(?=\S)([^“”\n]{1,200}?)(?<=\S)”"
)
"""Text in single or curly quotes (``'AB = 6'``, ``“AB = 6”``), read as in straight double quotes so the quote marks
stay tokens: a possessive (``Heron's``, ``Pythagoras' theorem``) has a letter before its apostrophe and is no quote,
and quotes hug what they hold, so a piece of a text cut between them (:mod:`.spans`) pairs nothing of its own."""
_NO_QUOTES = frozenset("'‘’“")


def superscripts_to_carets(text: str) -> str:
    """``x²`` -> ``x^2``, ``10⁻³`` -> ``10^-3``, before NFKC would flatten them into plain digits."""
    return _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPT_DIGITS), text)


def _vulgar_as_latex(match: re.Match[str]) -> str:
    value = Fraction(unicodedata.numeric(match.group(2))).limit_denominator(10)
    return f"{match.group(1)}\\frac{{{value.numerator}}}{{{value.denominator}}}"


def unicode_normalised(text: str) -> str:
    """NFKC after the two spellings it would corrupt: superscripts (``x²`` -> ``x^2``) and vulgar fractions
    (NFKC turns ``2½`` into ``21⁄2``, twenty-one halves; here it is the mixed number ``2\\frac{1}{2}``). Then
    one spelling for what reads the same: control characters become spaces, format characters go (``1``, a
    zero-width space, ``0`` is 10), every dash and minus is ``-``, digits of every script and Arabic separators
    are ASCII (``1٬000`` is 1,000); a number with a combining mark on a digit becomes ``NOT_A_NUMBER``."""
    text = _CONTROLS.sub(" ", text)
    if text.isascii():
        return text
    text = _VULGAR.sub(_vulgar_as_latex, text)
    table, mark, marked_number = _unicode_tables()
    text = unicodedata.normalize("NFKC", superscripts_to_carets(text)).translate(table)
    return marked_number.sub(NOT_A_NUMBER, text) if mark.search(text) else text


def latex_to_plain(text: str) -> str:
    """Rewrite LaTeX and unicode maths into one plain spelling, lower-cased (:func:`plain_spelling`)."""
    return plain_spelling(text).lower()


def plain_spelling(text: str) -> str:
    """LaTeX and unicode maths in one plain spelling, case kept: LaTeX as :mod:`.latex_plain` reads it from the
    one LaTeX front end's tree, unicode symbols as their plain spellings, numbers without thousands separators."""
    text = _SEGMENT_BARS.sub(r" \1 ", text) if "|" in text else text
    if text.isascii() and "\\" not in text:
        return _plain_numbers(_CONTROLS.sub(" ", text).replace("$", " "))
    text = unicode_normalised(text)
    if "\\" in text:
        text = plain_latex(text)
    else:
        text = _UNICODE_SYMBOLS.sub(lambda m: PLAIN_SYMBOLS[m.group()], text.replace("$", " "))
    return _plain_numbers(text)


def _plain_numbers(text: str) -> str:
    """``1.5 * 10^3`` -> ``1.5e3``, ``1,234`` -> ``1234``."""
    text = _SCIENTIFIC.sub(r"\1e\2", text)
    return _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(",", ""), text)


@lru_cache(maxsize=65536)
def canonical_number(token: str) -> str:
    """One spelling per value: ``0.50`` -> ``0.5``, ``2.0`` -> ``2``, ``1e3`` -> ``1000``; a number Python will
    not write out (over 4,300 digits, ``9…9e999``) keeps its spelling."""
    try:
        return _format_fraction(Fraction(token))
    except (ValueError, ZeroDivisionError):
        return token


def _format_fraction(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    try:
        return format(float(value), ".12g")
    except OverflowError:
        return f"{value.numerator}/{value.denominator}"


def tokens(text: str) -> list[str]:
    """Canonical tokens of ``text``: numbers by value, simple fractions folded into one number, bold marks dropped,
    articles and possessive apostrophes dropped (``the sum of the angles`` ~ ``sum of angles``,
    ``Pythagoras' theorem`` ~ ``pythagoras theorem``), list markers at line starts ignored, line breaks read as
    clause breaks (``;``)."""
    if "**" in text:
        text = _BOLD.sub(" ", text)
    if not _NO_QUOTES.isdisjoint(text):
        text = _QUOTED.sub(lambda m: f' " {m.group(1) or m.group(2)} " ', text)
    plain = latex_to_plain(_LIST_MARKERS.sub(" ; ", text).replace("\n", " ; "))
    grouped = "(" in plain or ")" in plain
    matches: list[re.Match[str]] = []
    raw = _TOKEN.findall(plain)
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        tok = raw[i]
        first = tok[0]
        if first.isdigit() or (first == "." and len(tok) > 1):
            if (
                i + 2 < n
                and raw[i + 1] == "/"
                and is_number(raw[i + 2])
                and "e" not in tok + raw[i + 2]
                and float(raw[i + 2]) != 0
                and (not out or out[-1] not in _BINDING_TIGHTER)
                and (not grouped or _whole_sides(plain, matches or (matches := list(_TOKEN.finditer(plain))), i))
                and (folded := _folded_fraction(tok, raw[i + 2])) is not None
            ):
                out.append(folded)
                i += 3
                continue
            out.append(canonical_number(tok))
        elif tok in TENS and i + 2 < n and raw[i + 1] == "-" and raw[i + 2] in UNITS:
            out.append(f"{tok}-{raw[i + 2]}")
            i += 3
            continue
        elif tok in _APOSTROPHES:
            i += 2 if i + 1 < n and raw[i + 1] == "s" else 1
            continue
        elif tok == "the" or tok == "an" or (tok == "a" and i + 1 < n and len(raw[i + 1]) > 1 and raw[i + 1].isalpha()):
            pass
        elif tok in _PHRASE_HEADS and (size := _copula_phrase(raw, i)):
            if not out or out[-1] != "=":
                out.append("=")
            i += size
            continue
        else:
            out.append(_WORD_SYNONYMS.get(tok, tok))
        i += 1
    return out


_BINDING_TIGHTER = frozenset({"sqrt", "^"})
"""Operators that take the number before a ``/`` as their operand: ``√2/2`` is (√2)/2, ``2^3/4`` is 8/4."""


def _whole_sides(plain: str, matches: list[re.Match[str]], i: int) -> bool:
    """Whether ``n / m`` at token ``i`` divides two whole numbers: a parenthesis that closes after ``n`` opened
    right before it, and one that opens before ``m`` closes right after it (``(1)/(2)`` and ``x + 1/2`` fold into
    one number, ``(x + 1)/2`` and ``1/(2 + x)`` do not)."""
    j = i - 1 if i and matches[i - 1].group() in ("-", "+") and matches[i - 1].end() == matches[i].start() else i
    before_n = plain[matches[j - 1].end() if j else 0 : matches[j].start()]
    after_n = plain[matches[i].end() : matches[i + 1].start()]
    before_m = plain[matches[i + 1].end() : matches[i + 2].start()]
    after_m = plain[matches[i + 2].end() : matches[i + 3].start() if i + 3 < len(matches) else len(plain)]
    return ("(" in before_n or ")" not in after_n) and ("(" not in before_m or ")" in after_m)


def _copula_phrase(raw: list[str], i: int) -> int:
    """How many raw tokens the copula phrase starting at ``raw[i]`` spans (articles skipped: ``has a length
    of``), or 0."""
    words, ends = [raw[i]], [i + 1]
    j = i + 1
    while j < len(raw) and len(words) < 3:
        if raw[j] not in _ARTICLES:
            words.append(raw[j])
            ends.append(j + 1)
        j += 1
    for size in (3, 2):
        if len(words) >= size and tuple(words[:size]) in _COPULA_PHRASES:
            return ends[size - 1] - i
    return 0


def _folded_fraction(numerator: str, denominator: str) -> str | None:
    """``3/4`` as one number, or None when a side has more digits than Python converts exactly."""
    try:
        return _format_fraction(Fraction(numerator) / Fraction(denominator))
    except ValueError:
        return None


def joined(toks: list[str]) -> str:
    """Space-delimited stream with a leading and trailing space, so ``" x "`` finds whole tokens."""
    return " " + " ".join(toks) + " "


def is_number(token: str) -> bool:
    return token[0].isdigit() or (token[0] == "." and len(token) > 1)
