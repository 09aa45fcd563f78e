"""The R1-VL reference code's reward rules, reproduced for the ``r1vl-reference`` profile.

Behaviour (not code) follows ``src/r1-vl/src/open_r1/grpo.py`` of jingyi0000/R1-VL, quirks
included: whole-text math-verify with the arguments in the code's order, a first-header exact
fallback, lower-case substring key steps over ``### Step N:`` bodies, and literal header checks
that ignore the order of description and rationales.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .answers import math_verify_text
from .latex_parse_memo import remembered_parses
from .quick_verdict import quick_verdict
from .validity import Check

_FINAL = re.compile(r"### The final answer is:\s*\n?(.*)")
_FINAL_TO_END = re.compile(r"### The final answer is:.*?$", re.DOTALL)
_STEP_HEADER = re.compile(r"### Step \d+:")
_STEP_NUMBER = re.compile(r"### Step (\d+):")
_STEP_BODY = re.compile(r"### Step \d+:\s*(.*?)(?=\n###|\Z)", re.DOTALL)
_NUMBERED_STEP_BODY = re.compile(r"### Step (\d+):\s*(.*?)(?=\n###|\Z)", re.DOTALL)
_REQUIRED = ("### Image Description:", "### Rationales:", "### Step 1:", "### The final answer is:")


def reference_validity(text: str) -> list[Check]:
    missing = [h for h in _REQUIRED if h not in text]
    if missing:
        return [Check("reference_headers", False, f"missing literal header(s): {', '.join(missing)}")]
    checks = [Check("reference_headers", True)]
    if not text.strip().endswith("### The final answer is:"):
        first = _FINAL_TO_END.search(text)
        last_step_end = max(m.end() for m in _STEP_HEADER.finditer(text))
        if first is None or first.start() < last_step_end:
            return checks + [
                Check(
                    "reference_answer_after_steps",
                    False,
                    "the first final-answer header starts before the last step header ends",
                )
            ]
    checks.append(Check("reference_answer_after_steps", True))
    numbers = [int(n) for n in _STEP_NUMBER.findall(text)]
    if numbers != list(range(1, len(numbers) + 1)):
        return checks + [Check("reference_step_numbering", False, f"steps numbered {numbers}")]
    return checks + [Check("reference_step_numbering", True)]


def _final_answer(text: str) -> str:
    m = _FINAL.search(text)
    return m.group(1).strip() if m else text.strip()


@lru_cache(maxsize=2048)
def _parse_whole(text: str):
    """math-verify over the whole text, as R1-VL's code calls it; of a text past ``MATH_VERIFY_TEXT_CHARS``, its
    end (R1-VL's code gave up on a parse after 5 s; the deadline here is for the whole trajectory)."""
    from math_verify import parse

    with remembered_parses():
        return parse(math_verify_text(text), parsing_timeout=None)


def _verify_parsed(pred: tuple, gold: tuple) -> bool:
    from math_verify import verify

    if (sure := quick_verdict(list(pred), list(gold))) is not None:
        return sure
    return float(verify(list(pred), list(gold), timeout_seconds=None)) > 0


_verify_parsed_cached = lru_cache(maxsize=4096)(_verify_parsed)


def _whole_text_equal(completion: str, solution: str) -> bool:
    """math-verify's verdict on the two parses, cached on the parses: the members of a group often
    extract the same answer, and the parse (a sympy value and its source text) decides the verdict."""
    pred, gold = tuple(_parse_whole(completion)), tuple(_parse_whole(solution))
    try:
        hash((pred, gold))
    except TypeError:  # a mutable sympy matrix: not cacheable
        return _verify_parsed(pred, gold)
    return _verify_parsed_cached(pred, gold)


def reference_answer(completion: str, solution: str) -> tuple[bool, str, str]:
    """(correct, how, stated answer): math-verify over the whole text, then exact first-header text."""
    try:
        if _whole_text_equal(completion, solution):
            return True, "math_verify_whole_text", _final_answer(completion)
    except Exception:
        pass
    stated = _final_answer(completion)
    if stated == _final_answer(solution):
        return True, "exact_string", stated
    return False, "exact_string", stated


def reference_step_text(completion: str) -> str:
    return " ".join(_STEP_BODY.findall(completion)).lower()


def reference_key_step_matches(completion: str, groups: list[list[str]]) -> list[str | None]:
    """Per group, the first alternative that is a lower-case substring of the joined step bodies."""
    text = reference_step_text(completion)
    return [next((alt for alt in group if alt.lower() in text), None) for group in groups]


def _lf_offset(text: str, i: int) -> int:
    """Offset ``i`` of ``text`` in the same text with CRLF read as LF (the explanation's coordinates)."""
    return i - text.count("\r\n", 0, i)


def reference_sections(completion: str) -> list[dict]:
    """For the explanation: the step bodies the key steps are matched in, and the first final-answer line."""
    sections = [
        {
            "kind": "step",
            "number": int(m.group(1)),
            "start": _lf_offset(completion, m.start()),
            "end": _lf_offset(completion, m.end(2)),
        }
        for m in _NUMBERED_STEP_BODY.finditer(completion)
    ]
    final = _FINAL.search(completion)
    if final:
        sections.append(
            {
                "kind": "answer",
                "number": None,
                "start": _lf_offset(completion, final.start()),
                "end": _lf_offset(completion, final.end()),
            }
        )
    return sections


def reference_match_span(completion: str, alternative: str) -> tuple[int, int, int] | None:
    """(step number, start, end) of the first lower-case occurrence of ``alternative`` in the joined
    step bodies, as offsets of the completion; a span may run across two steps, as the rule allows."""
    bodies = [(int(m.group(1)), m.start(2), m.group(2).lower()) for m in _NUMBERED_STEP_BODY.finditer(completion)]
    joined = " ".join(b for _, _, b in bodies)
    pos = joined.find(alternative.lower())
    if pos < 0 or not bodies:
        return None

    def locate(at: int) -> tuple[int, int]:
        for number, start, body in bodies:
            if at <= len(body):
                return number, start + at
            at -= len(body) + 1
        return bodies[-1][0], bodies[-1][1] + len(bodies[-1][2])

    number, start = locate(pos)
    _, end = locate(pos + len(alternative.lower()))
    return number, _lf_offset(completion, start), _lf_offset(completion, end)
