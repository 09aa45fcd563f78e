"""Reading references as the published data sets write them: one reader for the reward core, the server,
the data tools, the trainer's loader and the trainer adapters.

Its own package, below all of them, importing only the standard library: the core and the server read
references with it without importing the adapters' package, and the TRL/verl adapters import it inside a
trainer's reward workers without pulling in anything of the server (docs/architecture.md).

- choices: an object of letter -> text, a list (lettered A, B, ...), the JSON string of either, or a
  ``Choices:`` block in the question (``A: 57``, ``(A) 57``, ``A. 57``), as Mulberry's questions carry;
- the answer from a solution: its ``### The final answer is:`` line (R1-VL, Mulberry's CoMCTS
  responses), else a last line ``Answer:C`` / ``Answer: C`` (CoMCTS ground truths, worked
  explanations), else a short one-line solution as a whole (``76.06.``);
- ``letter: value`` references (``B: 45``): option B, whose text is 45;
- labels (OpenRLHF's label column, verl's ``ground_truth``): the answer, or an object (or its JSON) with
  answer / key_steps / choices / solution; a list such as ``["5"]`` or a bool is refused, not read as text;
- key steps: a list of groups of alternatives, an object with ``Steps`` (or ``Step 1``, ``Step 2``...
  keys), the JSON string of either, or the R1-VL extraction reply
  ``Image Description: [...]; Rationales: [...]; Step 1: [...], Step 2: [...]``, whose elements are
  kept verbatim (LaTeX such as ``\\frac`` is text, not a JSON escape; brackets inside quotes stay).
"""

from __future__ import annotations

import json
import re
from typing import Any

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ANSWER_HEADER = "### The final answer is:"
SHORT_ANSWER_WORDS = 3
"""A one-line solution without a final-answer header or ``Answer:`` line is an answer up to this many
words (Mulberry's brief answers: ``76.06.``, ``Yes``, ``Los Angeles``); a longer one is prose."""


class KeyStepError(ValueError):
    """Key steps that cannot be read; the group reports it instead of scoring against nothing."""


# ---------------------------------------------------------------------------------------------- choices


def _choice_text(letter: str, text: Any) -> str:
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError(f"'choices'[{letter!r}] must be a string, not {type(text).__name__}")
    return str(text)


def choices_from(value: Any) -> dict[str, str] | None:
    """Letter -> text from an object, a list lettered A, B, ... or the JSON string of either;
    ``ValueError`` naming ``choices`` when it is none of these. Options set to null (Arrow struct
    columns fill the options a row lacks with null) are left out."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError("'choices' is a string but not JSON") from None
    if isinstance(value, (list, tuple)):
        if len(value) > len(LETTERS):
            raise ValueError(f"'choices' has {len(value)} options, more than {len(LETTERS)}")
        value = dict(zip(LETTERS, value, strict=False))
    if not isinstance(value, dict):
        raise ValueError(f"'choices' must be an object of letter -> text, not {type(value).__name__}")
    return {str(k): _choice_text(str(k), v) for k, v in value.items() if v is not None}


def lenient_choices(value: Any) -> Any:
    """:func:`choices_from` where it can read ``value``, else ``value`` unchanged, so that the
    service's validation names the field."""
    try:
        return choices_from(value)
    except ValueError:
        return value


_CHOICES_HEADER = re.compile(
    r"^\s*(?:choices|options)\s*:?\s*$|(?<=\s)(?:choices|options)\s*:\s*$", re.IGNORECASE | re.MULTILINE
)
_CHOICE_LINE = re.compile(r"^\s*(?:\(([A-Z])\)|([A-Z])\s*[:.)])\s*(.*?)\s*$")
_INLINE_CHOICE = re.compile(r"\(([A-Z])\)\s*")


def _lettered(pairs: list[tuple[str, str]]) -> dict[str, str] | None:
    """The pairs when they letter A, B, C... in order (two at least), else None."""
    if len(pairs) < 2 or [letter for letter, _ in pairs] != list(LETTERS[: len(pairs)]):
        return None
    return dict(pairs)


def choices_in_question(question: str | None) -> dict[str, str] | None:
    """The options of a ``Choices:`` (or ``Options:``) block in ``question``: one per line as
    ``A: 57``, ``(A) 57``, ``A. 57`` or ``A) 57``, or on one line as ``(A) 57 (B) 113``."""
    if not question:
        return None
    header = None
    for match in _CHOICES_HEADER.finditer(question):
        header = match
    if header is None:
        return None
    lines = [line for line in question[header.end() :].splitlines() if line.strip()]
    pairs = []
    for line in lines:
        m = _CHOICE_LINE.match(line)
        if not m:
            break
        pairs.append((m.group(1) or m.group(2), m.group(3)))
    if len(pairs) == 1 and lines and len(_INLINE_CHOICE.findall(lines[0])) >= 2:
        parts = _INLINE_CHOICE.split(lines[0].strip())[1:]
        pairs = [(parts[i], parts[i + 1].strip()) for i in range(0, len(parts) - 1, 2)]
    return _lettered(pairs)


# ---------------------------------------------------------------------------------------------- answers


_ANSWER_LINE = re.compile(r"^\s*(?:the\s+)?(?:final\s+)?answer\s*(?:is)?\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)
_LETTER_VALUE = re.compile(r"^\s*(?:\(([A-Z])\)|([A-Z])\s*[:.)])\s*(\S.*?)\s*$", re.DOTALL)


def answer_from_solution(solution: str | None) -> str | None:
    """The answer a reference solution states, or None: the first non-empty line after its last
    ``### The final answer is:``; else its last line when that reads ``Answer: X``; else the whole
    solution when it is one line of a few words (a trailing full stop dropped: ``76.06.`` -> ``76.06``)."""
    if solution is None or not solution.strip():
        return None
    head = solution.rfind(ANSWER_HEADER)
    if head != -1:
        rest = [line.strip() for line in solution[head + len(ANSWER_HEADER) :].splitlines() if line.strip()]
        return rest[0] if rest else None
    lines = [line for line in solution.splitlines() if line.strip()]
    stated = _ANSWER_LINE.match(lines[-1])
    if stated:
        return stated.group(1).rstrip(".").strip() or None
    text = solution.strip()
    if len(lines) == 1 and len(text.split()) <= SHORT_ANSWER_WORDS:
        return text[:-1].strip() if text.endswith(".") and len(text) > 1 else text
    return None


def letter_and_value(answer: str) -> tuple[str, str] | None:
    """``B: 45``, ``(B) 45``, ``B. 45`` -> ("B", "45"); None for any other answer."""
    m = _LETTER_VALUE.match(answer)
    if not m:
        return None
    return m.group(1) or m.group(2), m.group(3)


def answer_and_choices(answer: str | None, choices: dict[str, str] | None) -> tuple[str | None, dict[str, str] | None]:
    """A ``letter: value`` answer as its letter: without choices, the one option it names becomes the
    choices; with choices naming that letter, they stay; with choices lacking it, or any other
    answer, the answer stays as written."""
    if answer is None or (split := letter_and_value(answer)) is None:
        return answer, choices
    letter, value = split
    if choices is None:
        return letter, {letter: value}
    if letter in {k.strip().upper() for k in choices}:
        return letter, choices
    return answer, choices


def reference_answer(answer: Any, solution: str | None) -> str | None:
    """The answer field (numbers as text) when it is not blank, else the solution's answer."""
    if answer is not None and not isinstance(answer, bool) and str(answer).strip():
        return str(answer).strip()
    return answer_from_solution(solution)


# ---------------------------------------------------------------------------------------------- references


REFERENCE_FIELDS = ("answer", "key_steps", "choices", "solution")


def field_text(value: Any, field: str) -> str | None:
    """A text field as text: a string as is, a number as its text (data sets store answers like 72 as
    numbers), None for none; ``ValueError`` naming ``field`` for anything else (a list, a bool)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{field!r} must be a string or a number, not {type(value).__name__}")
    return str(value)


def label_fields(label: Any) -> dict[str, Any]:
    """The reference fields of a label as OpenRLHF's label column and verl's ``ground_truth`` carry it: the
    answer (a string, or a number as its text), or an object (or its JSON) with answer / key_steps /
    choices / solution (other keys ignored). ``ValueError`` for anything else, so that a list such as
    ``["5"]`` is never scored as the answer text ``['5']``, and for JSON nested too deeply to read."""
    if isinstance(label, str) and label.lstrip().startswith("{"):
        try:
            label = json.loads(label)
        except json.JSONDecodeError:
            pass  # an answer that starts with a brace, such as a set: the text is the answer
        except RecursionError:
            raise ValueError("label JSON is nested too deeply") from None
    if isinstance(label, dict):
        return {k: label[k] for k in REFERENCE_FIELDS if k in label}
    if label is not None and (isinstance(label, bool) or not isinstance(label, (str, int, float))):
        raise ValueError(f"a label is the answer (a string) or an object with 'answer', not {type(label).__name__}")
    return {"answer": field_text(label, "answer")}


def reference_fields(answer: Any = None, key_steps: Any = None, choices: Any = None, solution: Any = None) -> dict:
    """The reference every path sends for a row's (or a label's) fields, read as the data tools read a row:
    the answer as text, a blank one the solution's ("" when neither states one: the service fails that
    group alone), ``B: 45`` as option B, choices by :func:`choices_from` (as given when unreadable, so
    that the service names them), the solution as text, key steps as given (absent ones left out).
    ``ValueError`` naming the field for an answer or solution that is neither text nor a number."""
    solution = field_text(solution, "solution")
    choices = lenient_choices(choices)
    read = reference_answer(field_text(answer, "answer"), solution)
    if choices is None or isinstance(choices, dict):
        read, choices = answer_and_choices(read, choices)
    reference: dict[str, Any] = {"answer": read or ""}
    if key_steps not in (None, "", []):
        reference["key_steps"] = key_steps
    if choices:
        reference["choices"] = choices
    if solution is not None:
        reference["solution"] = solution
    return reference


# ---------------------------------------------------------------------------------------------- key steps


_SECTION_KEYS = frozenset({"image description", "rationales", "key elements"})
_STEP_KEY = re.compile(r"step\s*(\d+)", re.IGNORECASE)
_STEP_LIST = re.compile(r"Step\s*\d+\s*:\s*\[", re.IGNORECASE)
_LATEX_IN_JSON = re.compile(r"\\(\\|u[0-9a-fA-F]{4}|[A-Za-z]{2,})")


def key_step_groups(raw: Any) -> list[list[str]]:
    """Groups of alternatives from a list, an object with ``Steps`` (or ``Step N`` keys), the JSON
    string of either, or the extraction reply's string; :class:`KeyStepError` when unreadable.
    Absent key steps (None, "", [], {}) give no groups."""
    if raw is None:
        return []
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return []
        if text[0] in "[{":
            return key_step_groups(_json_with_latex(text))
        return _extractor_groups(text)
    if isinstance(raw, dict):
        return _dict_groups(raw)
    if isinstance(raw, list):
        groups = []
        for i, group in enumerate(raw):
            alternatives = [group] if isinstance(group, str) else group
            if not isinstance(alternatives, list) or not all(isinstance(a, str) for a in alternatives):
                raise KeyStepError(f"key_steps[{i}] must be a string or a list of strings")
            groups.append(list(alternatives))
        return groups
    raise KeyStepError(f"key_steps must be a list, an object or a string, not {type(raw).__name__}")


def clean_groups(raw: Any) -> list[list[str]]:
    """:func:`key_step_groups` with blank alternatives, and groups left empty, dropped."""
    groups = []
    for group in key_step_groups(raw):
        kept = [a.strip() for a in group if a.strip()]
        if kept:
            groups.append(kept)
    return groups


def _dict_groups(raw: dict) -> list[list[str]]:
    """``{"Steps": [...]}`` (other keys, such as ``Image Description``, ignored) or ``{"Step 1": [...], ...}``;
    an object with only the extraction's other sections has no groups, one with other keys is refused."""
    if not raw:
        return []
    steps_key = next((k for k in raw if str(k).strip().lower() == "steps"), None)
    if steps_key is not None:
        if raw[steps_key] is None:
            raise KeyStepError(f'key_steps "{steps_key}" is null')
        return key_step_groups(raw[steps_key])
    numbered = sorted((int(m.group(1)), k) for k in raw if (m := _STEP_KEY.fullmatch(str(k).strip())))
    if not numbered:
        unknown = [str(k) for k in raw if str(k).strip().lower() not in _SECTION_KEYS]
        if not unknown:  # the extraction's own sections, none for the steps: it found no step elements
            return []
        keys = ", ".join(repr(k) for k in unknown[:5])
        raise KeyStepError(f'key_steps object has no "Steps" (or "Step 1", "Step 2", ...) key; unknown keys: {keys}')
    groups = []
    for _, key in numbered:
        groups.extend(key_step_groups(raw[key]) if raw[key] is not None else [])
    return groups


def _json_with_latex(text: str) -> Any:
    """JSON whose strings may hold LaTeX written with single backslashes (``"\\frac{1}{2}"``): a
    backslash before two or more letters is a LaTeX command, kept as text, not the JSON escape
    ``\\f`` + ``rac`` (a ``\\uXXXX`` escape and an escaped backslash stay what JSON says)."""

    def literal(m: re.Match) -> str:
        json_escape = m.group(1) == "\\" or (m.group(1)[0] == "u" and len(m.group(1)) == 5)
        return m.group(0) if json_escape else "\\" + m.group(0)

    try:
        return json.loads(_LATEX_IN_JSON.sub(literal, text))
    except json.JSONDecodeError as exc:
        raise KeyStepError(f"key_steps is not valid JSON: {exc.msg} at {exc.pos}") from None
    except RecursionError:
        raise KeyStepError("key_steps JSON is nested too deeply") from None


def _extractor_groups(text: str) -> list[list[str]]:
    """``Image Description: [..]; Rationales: [..]; Step 1: ["a", "b"], Step 2: [..]``: one group per
    element of the step lists (completions are matched against their steps only)."""
    starts = [m.end() for m in _STEP_LIST.finditer(text)]
    if not starts:
        raise KeyStepError("key_steps string has no 'Step N: [...]' lists")
    groups: list[list[str]] = []
    for start in starts:
        elements = _bracketed_elements(text, start)
        if elements is None:
            raise KeyStepError(f"key_steps string: the list at character {start - 1} is not closed")
        groups.extend([e] for e in elements if e.strip())
    return groups


def _bracketed_elements(text: str, start: int) -> list[str] | None:
    """The elements of the list opened just before ``start``: quoted strings taken verbatim (only
    an escaped quote of the same kind is unescaped), unquoted ones cut at top-level commas; brackets
    inside an element kept. None when the list is not closed."""
    elements: list[str] = []
    current: list[str] = []
    depth, i, quoted = 0, start, False
    while i < len(text):
        ch = text[i]
        if ch in "\"'" and not "".join(current).strip():
            end = _closing_quote(text, i)
            if end is None:
                return None
            current, quoted, i = [text[i + 1 : end].replace("\\" + ch, ch)], True, end + 1
            continue
        if ch == "," and depth == 0:
            elements.append(_element(current, quoted))
            current, quoted = [], False
        elif ch == "]" and depth == 0:
            elements.append(_element(current, quoted))
            return [e for e in elements if e]
        else:
            depth += {"[": 1, "(": 1, "{": 1, "]": -1, ")": -1, "}": -1}.get(ch, 0) if not quoted else 0
            if not quoted:
                current.append(ch)
        i += 1
    return None


def _closing_quote(text: str, i: int) -> int | None:
    """Where the quote opened at ``i`` closes: the next same quote not escaped, followed by a comma
    or the list's end (so an apostrophe inside ``'it's'``-style text does not end it early)."""
    quote, j = text[i], i + 1
    while True:
        j = text.find(quote, j)
        if j == -1:
            return None
        if text[j - 1] != "\\" and re.match(r"\s*[,\]]", text[j + 1 :]):
            return j
        j += 1


def _element(chars: list[str], quoted: bool) -> str:
    text = "".join(chars)
    return text if quoted else text.strip()
