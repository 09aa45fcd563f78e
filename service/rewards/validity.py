"""StepRVR: binary reasoning validity, as a list of named checks so failures can be explained."""

from __future__ import annotations

from dataclasses import dataclass

from .sections import ANSWER, DESCRIPTION, RATIONALES, STEP, THINK, Parsed, has_content

_ORDER = {DESCRIPTION: 0, RATIONALES: 1, THINK: 2, STEP: 3, ANSWER: 4}
_NAMES = {
    DESCRIPTION: "image description",
    RATIONALES: "rationales",
    STEP: "step",
    ANSWER: "final answer",
    THINK: "'Let's think step by step'",
}


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


def validity_checks(parsed: Parsed) -> list[Check]:
    """Completeness and logic checks of the paper's StepRVR, each named for the explanation."""
    return [_complete(parsed), _unique(parsed), _ordered(parsed), _numbered(parsed), _answer_after_steps(parsed)]


def _complete(parsed: Parsed) -> Check:
    """Each section holds content (:func:`.sections.has_content`): a section of markup, punctuation or invisible
    characters alone is as missing as an empty one."""
    missing = [
        _NAMES[k] for k in (DESCRIPTION, RATIONALES) if not any(has_content(parsed.body(s)) for s in parsed.of_kind(k))
    ]
    steps = parsed.steps
    if not steps:
        missing.append("steps")
    empty = [str(s.number) for s in steps if not has_content(parsed.body(s))]
    answer = parsed.answer_section
    if answer is None or not has_content(parsed.body(answer)):
        missing.append(_NAMES[ANSWER])
    if missing or empty:
        parts = [f"missing or empty: {', '.join(missing)}"] if missing else []
        parts += [f"empty step(s): {', '.join(empty)}"] if empty else []
        return Check("complete", False, "; ".join(parts))
    return Check("complete", True)


def _unique(parsed: Parsed) -> Check:
    repeated = [_NAMES[k] for k in (DESCRIPTION, RATIONALES, THINK, ANSWER) if len(parsed.of_kind(k)) > 1]
    if repeated:
        return Check("no_repeated_sections", False, f"repeated: {', '.join(repeated)}")
    return Check("no_repeated_sections", True)


def _ordered(parsed: Parsed) -> Check:
    ranks = [_ORDER[s.kind] for s in parsed.sections]
    for prev, (rank, section) in zip(ranks, zip(ranks[1:], parsed.sections[1:], strict=False), strict=False):
        if rank < prev:
            return Check(
                "section_order", False, f"{_NAMES[section.kind]} at offset {section.start} comes after a later section"
            )
    return Check("section_order", True)


def _numbered(parsed: Parsed) -> Check:
    numbers = [s.number for s in parsed.steps]
    expected = list(range(1, len(numbers) + 1))
    if numbers != expected:
        return Check("step_numbering", False, f"steps numbered {numbers}, expected {expected}")
    return Check("step_numbering", True)


def _answer_after_steps(parsed: Parsed) -> Check:
    answer, steps = parsed.answer_section, parsed.steps
    if answer is None or not steps:
        return Check("answer_after_steps", False, "no final answer or no steps")
    if answer.start < steps[-1].start:
        return Check("answer_after_steps", False, "the final answer comes before the last step")
    return Check("answer_after_steps", True)
