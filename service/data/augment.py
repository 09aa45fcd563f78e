"""Equivalent forms for each key-step group, as the paper augments its extracted key steps.

For every alternative: LaTeX, unicode and plain spellings (``\\frac{1}{2}`` / ``1/2``, ``\\sqrt{x}`` /
``√x`` / ``sqrt(x)``, ``\\times`` / ``×`` / ``*``, ``^\\circ`` / ``°`` / ``degrees``, ``x^{2}`` / ``x²``),
numeric forms (``1/2`` ↔ ``0.5``, ``2.50`` → ``2.5``, ``1,234`` ↔ ``1234``), spacing around
operators (``AB = 5`` / ``AB=5``) and both sides of an equation (``5 = AB``; a chain ``a = b = c``
also gives ``a = c``). Forms are deduplicated ignoring case and runs of spaces, the written one first. The
plain spelling is the reward core's own reading (:func:`service.rewards.text.plain_spelling`: LaTeX from the one
LaTeX front end's tree), so what augmentation writes is what key-step matching reads.

The ``stepgrpo`` profile already matches most of these up to normalisation; the forms matter for the
``r1vl-reference`` profile and for the R1-VL training code, which match lower-case substrings.
"""

from __future__ import annotations

import re
from fractions import Fraction

from service.rewards.text import plain_spelling

from .layouts import Record

MAX_FORMS = 16
"""Most alternatives kept per group."""

_ROOT_SIGN = re.compile(r"√\s*(\([^()]*\)|[\w.]+)")
"""``√x`` and ``√(x + 1)``, written ``sqrt(..)`` before the core reads the rest."""
_TIGHT = re.compile(r"(?<=[({])\s+|\s+(?=[)},])|(?<=sqrt)\s+(?=\()")
"""Spaces the reading leaves inside brackets and before a comma (``(1, 9/2 )``)."""
_SIMPLE = r"(?:\d+(?:\.\d+)?|[A-Za-z]\w*)"
_TO_UNICODE = [
    (re.compile(rf"sqrt\(({_SIMPLE})\)"), r"√\1"),
    (re.compile(r"sqrt\("), "√("),
    (re.compile(r"\s*\*\s*"), " × "),
    (re.compile(r"\bpi\b"), "π"),
    (re.compile(r" degrees\b"), "°"),
    (re.compile(r"\^2\b"), "²"),
    (re.compile(r"\^3\b"), "³"),
    (re.compile(r"<="), "≤"),
    (re.compile(r">="), "≥"),
    (re.compile(r"!="), "≠"),
    (re.compile(r"\bangle "), "∠"),
]
_TO_LATEX = [
    (re.compile(rf"(?<![\w.)])({_SIMPLE})\s*/\s*({_SIMPLE})(?![\w.(])"), r"\\frac{\1}{\2}"),
    (re.compile(r"sqrt\(([^()]*)\)"), r"\\sqrt{\1}"),
    (re.compile(r"\s*\*\s*"), r" \\times "),
    (re.compile(r"\bpi\b"), r"\\pi"),
    (re.compile(r" degrees\b"), r"^\\circ"),
    (re.compile(r"\^(\w+)"), r"^{\1}"),
    (re.compile(r"<="), r"\\leq"),
    (re.compile(r">="), r"\\geq"),
    (re.compile(r"!="), r"\\neq"),
    (re.compile(r"\bangle "), r"\\angle "),
]
_OPERATOR = re.compile(r"\s*(<=|>=|!=|[=+*<>×÷])\s*")
_NUMBER = re.compile(r"(?<![\w.^])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*/\s*(\d+))?(?![\w.,]\d)")


def _apply(text: str, rules) -> str:
    for pattern, repl in rules:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


def plain(text: str) -> str:
    """``text`` as the reward core reads it (:func:`service.rewards.text.plain_spelling`: LaTeX from the one LaTeX
    front end's tree, unicode symbols, thousands separators), case kept and spaced for a reader."""
    text = _ROOT_SIGN.sub(lambda m: "sqrt" + (m.group(1) if m.group(1)[0] == "(" else f"({m.group(1)})"), text)
    return _TIGHT.sub("", " ".join(plain_spelling(text).split()))


def unicode_form(text: str) -> str:
    return _apply(plain(text), _TO_UNICODE)


def latex_form(text: str) -> str:
    return _apply(plain(text), _TO_LATEX)


def spacings(text: str) -> list[str]:
    """The operators spaced (``AB = 5``) and unspaced (``AB=5``)."""
    return [_OPERATOR.sub(r" \1 ", text).strip(), _OPERATOR.sub(r"\1", text).strip()]


def _other_number(m: re.Match) -> str:
    whole, denominator = m.group(1), m.group(2)
    if "," in whole:
        return whole.replace(",", "")
    value = Fraction(whole) / (Fraction(denominator) if denominator else 1)
    if denominator:
        if denominator == "0":
            return m.group(0)
        decimal = format(float(value), ".6g")
        return decimal if Fraction(decimal) == value else m.group(0)
    if "." in whole:
        if value.denominator == 1:
            return str(value.numerator)
        if whole.endswith("0"):
            return whole.rstrip("0")
        if value.denominator <= 16 and abs(value) < 1:
            return f"{value.numerator}/{value.denominator}"
    elif len(whole) > 4:
        return f"{int(whole):,}"
    return m.group(0)


def numeric_forms(text: str) -> list[str]:
    """Every number in another spelling of the same value, where it has one."""
    other = _NUMBER.sub(_other_number, text)
    return [other] if other != text else []


def sides(text: str) -> list[str]:
    """An equation with its sides swapped; a chain's first and last members, both ways."""
    parts = [p.strip() for p in re.split(r"(?<![<>!=])=(?!=)", text)]
    if len(parts) < 2 or not all(parts):
        return []
    first, last = parts[0], parts[-1]
    swapped = [f"{last} = {first}"]
    if len(parts) > 2:
        swapped = [f"{first} = {last}", *swapped]
    return swapped


def equivalent_forms(text: str) -> list[str]:
    """``text`` first, then its equivalent forms, deduplicated."""
    base = [text, *sides(text)]
    spelled = [f(t) for t in base for f in (plain, unicode_form, latex_form)]
    numeric = [n for t in base + spelled for n in numeric_forms(t)]
    forms = [s for t in base + spelled + numeric for s in [t, *spacings(t)]]
    return dedupe(forms)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def dedupe(texts: list[str]) -> list[str]:
    seen, out = set(), []
    for t in texts:
        k = _key(t)
        if k and k not in seen:
            seen.add(k)
            out.append(" ".join(t.split()))
    return out


def augment_groups(groups: list[list[str]], max_forms: int = MAX_FORMS) -> list[list[str]]:
    """Each group's alternatives followed by their equivalent forms, at most ``max_forms`` per group."""
    return [dedupe([*group, *(f for alt in group for f in equivalent_forms(alt))])[:max_forms] for group in groups]


def augment_record(max_forms: int, record: Record) -> Record:
    if record.key_steps is None:
        raise ValueError("no key steps to augment (run extract first)")
    record.key_steps = augment_groups(record.clean_key_step_groups(), max_forms)
    return record
