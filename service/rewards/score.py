"""One group's reference, prepared once, scores each of the group's completions.

Pure and I/O-free: the HTTP and gRPC front ends, the worker pool and the tests all call
:class:`PreparedGroup` the same way. Which rule scores each part is read from the profile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from stepgrpo_references import KeyStepError, key_step_groups

from .answers import MAX_ANSWER_CHARS, AnswerJudge, Verdict, clean_answer
from .claims import THINK_END
from .growth import unbounded_growth
from .keysteps import StepStream, credit_all, credit_matches, find_matches, prepare_alternative
from .profiles import Profile
from .reference_rules import (
    reference_answer,
    reference_key_step_matches,
    reference_match_span,
    reference_sections,
    reference_validity,
)
from .results import Scored
from .sections import answer_blocks, answer_text, parse_completion
from .spans import TextOffsets
from .stance_words import STANCES
from .statement import Statement
from .summary import Summary, failed_checks, reason_codes, reference_codes, verdict_codes
from .validity import validity_checks
from .vocabulary import Decision, Method, Rule

_MAX_WRAPPED_ANSWER_CHARS = 4 * MAX_ANSWER_CHARS
"""A reference answer up to this long is cleaned (wrappers peeled) before its growth check; a longer one
cannot clean down to an answer that is read."""
MAX_ANSWER_READINGS = 4
"""Final-answer sections with different text judged one by one; more than this many is a hedge at once."""
DEFAULT_ALPHA = 0.1
"""The weight of the key-step ratio in StepRAR, as R1-VL trains with."""
MEMO_SIZE = 32
"""Scores and answer verdicts remembered per prepared group: GRPO samples 8-16 completions of one prompt and
they mostly state the same answer, sometimes in the same words. A worker keeps a prepared group for its
reference across requests, so the memo is small, cleared when full, and keyed by a digest of the text."""


class UnusableReference(ValueError):
    """The group's reference cannot be used; every completion of the group reports why."""


@dataclass(frozen=True, slots=True)
class CoreReference:
    """A group's reference as the core scores it. The wire's :class:`service.scoring.contract.Reference` is read
    into one by :mod:`service.scoring.scorer` (under ``stepgrpo``: the answer from the solution, ``B: 45`` as
    option B)."""

    answer: str
    key_steps: Any = None
    choices: dict[str, str] | None = None
    solution: str | None = None

    def __reduce__(self) -> tuple:
        """Pickled as a call with its fields: every request sends one per group to a worker, and a slotted
        class's default pickling is several times slower."""
        return (CoreReference, (self.answer, self.key_steps, self.choices, self.solution))


@dataclass(frozen=True, slots=True)
class Settings:
    """Per-request options that change scores; ``None`` leaves the profile's choice."""

    alpha: float = DEFAULT_ALPHA
    stuffing_guard: bool | None = None


def reference_key_steps(reference: CoreReference) -> list[list[str]]:
    """The reference's key-step groups; :class:`UnusableReference` when the reference cannot be used."""
    if not reference.answer.strip():
        raise UnusableReference("reference.answer is empty")
    answer = clean_answer(reference.answer) if len(reference.answer) <= _MAX_WRAPPED_ANSWER_CHARS else ""
    if len(answer) <= MAX_ANSWER_CHARS and (why := unbounded_growth(answer)) is not None:
        raise UnusableReference(f"reference.answer cannot be checked in bounded time: {why}")
    try:
        return key_step_groups(reference.key_steps)
    except KeyStepError as exc:
        raise UnusableReference(f"reference.key_steps: {exc}") from None


@dataclass(frozen=True, slots=True)
class CheckedReference:
    """A reference read once, where a request arrives (:func:`checked_reference`), and what a worker prepares:
    its key-step groups travel with it, so the worker does not read them again."""

    reference: CoreReference
    groups: list[list[str]]

    def __reduce__(self) -> tuple:
        """Pickled as a call with its fields, as :class:`CoreReference` is."""
        return (CheckedReference, (self.reference, self.groups))


def checked_reference(reference: CoreReference) -> CheckedReference:
    """The reference with its key-step groups; :class:`UnusableReference` when it cannot be used."""
    return CheckedReference(reference, reference_key_steps(reference))


class PreparedGroup:
    def __init__(self, reference: CoreReference | CheckedReference, profile: Profile, settings: Settings):
        if isinstance(reference, CheckedReference):
            self.groups = reference.groups
            reference = reference.reference
        else:
            self.groups = reference_key_steps(reference)
        self.reference = reference
        self.profile = profile
        self.alpha = settings.alpha
        self.stuffing_guard = profile.stuffing_guard if settings.stuffing_guard is None else settings.stuffing_guard
        if not profile.reference_rules:
            self.alternatives = [[a for a in map(prepare_alternative, g) if a is not None] for g in self.groups]
            self.judge = AnswerJudge(reference.answer, reference.choices)
        self._scored: dict[bytes, Scored] = {}
        self._verdicts: dict[bytes, Verdict] = {}

    def score(self, completion: str, explain: bool = False) -> Scored:
        """The completion's score; an identical completion of the group is scored once (a score is a pure
        function of the completion and the prepared reference). Explained scores are not remembered."""
        if explain:
            return self._score(completion, True)
        key = _digest(completion)
        hit = self._scored.get(key)
        if hit is None:
            hit = _remember(self._scored, key, self._score(completion, False))
        return hit.copy()

    def _score(self, completion: str, explain: bool) -> Scored:
        if self.profile.reference_rules:
            return self._score_reference(completion, explain)
        return self._score_soft(completion, explain)

    def _judged(self, block: str) -> Verdict:
        """The judge's verdict on one final-answer text, judged once per group (it depends only on the text
        and the reference)."""
        key = _digest(block)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = _remember(self._verdicts, key, self.judge.judge(block))
        return verdict

    def _result(
        self, correct: bool, has_answer: bool, matched: int, total: int, checks, explanation, summary: Summary
    ) -> Scored:
        k = matched / total if total else None
        r_val = 1.0 if all(c.passed for c in checks) else 0.0
        bonus = self.alpha * (k or 0.0)
        r_auc = (1.0 if correct else 0.0) + bonus if (has_answer or self.profile.bonus_without_answer) else 0.0
        return {
            "status": "ok",
            "reward": r_auc + r_val,
            "step_rar": r_auc,
            "step_rvr": r_val,
            "answer_correct": correct,
            "key_step_ratio": k,
            "explanation": explanation,
            "summary": summary,
        }

    def _score_soft(self, completion: str, explain: bool) -> Scored:
        parsed = parse_completion(completion)
        checks = validity_checks(parsed)
        stated = answer_text(parsed)
        verdict = self._judge_sections(answer_blocks(parsed))
        stream = StepStream.of([parsed.body(s) for s in parsed.steps])
        matches = find_matches(self.alternatives, stream, self.profile.fuzzy_threshold)
        credit = (credit_matches if self.stuffing_guard else credit_all)(matches, stream)
        explanation = None
        if explain:
            offsets: dict[int, TextOffsets] = {}
            groups = zip(self.groups, matches, credit.credited, credit.steps, credit.reasons, strict=False)
            explanation = {
                "sections": [
                    {"kind": s.kind, "number": s.number, "start": s.start, "end": s.body_end} for s in parsed.sections
                ],
                "validity": _explain_checks(checks),
                "answer": _explain_verdict(stated, self.reference.answer, verdict),
                "key_steps": [
                    _explain_group(i, texts, found, ok, step, stream, parsed, offsets, why)
                    for i, (texts, found, ok, step, why) in enumerate(groups)
                ],
                "stuffing_guard": {"applied": self.stuffing_guard},
            }
        summary = Summary(*verdict_codes(verdict), failed_checks(checks), reason_codes(credit.reasons))
        return self._result(
            verdict.correct,
            verdict.method is not Method.NONE,
            sum(credit.credited),
            len(self.alternatives),
            checks,
            explanation,
            summary,
        )

    def _judge_sections(self, blocks: list[str]) -> Verdict:
        """Every final-answer section is read: sections that state different values are a hedge (a later one
        does not take an earlier one back); the same value stated twice is judged once. Sections before a
        closing ``</think>`` are the model's private reasoning, not its answer."""
        thought = max((i for i, block in enumerate(blocks) if THINK_END in block), default=0)
        distinct = list(dict.fromkeys(blocks[thought:]))
        if not distinct:
            return self.judge.judge(None)
        if len(distinct) > MAX_ANSWER_READINGS:
            return _hedge(f"{len(distinct)} final-answer sections state different answers")
        verdicts = [self._judged(block) for block in distinct]
        last = verdicts[-1]
        values = {v.statement.value if v.statement else None for v in verdicts}
        if all(v.correct for v in verdicts) or (not any(v.correct for v in verdicts) and len(values) == 1):
            return last
        shown = ", ".join(_read(v) for v in verdicts)
        return _hedge(f"{len(verdicts)} final-answer sections state different values: {shown}")

    def _score_reference(self, completion: str, explain: bool) -> Scored:
        checks = reference_validity(completion)
        correct, how, stated = reference_answer(completion, self.reference.solution or self.reference.answer)
        found = reference_key_step_matches(completion, self.groups)
        explanation = None
        if explain:
            explanation = {
                "sections": reference_sections(completion),
                "validity": _explain_checks(checks),
                "answer": {
                    "stated": stated,
                    "reference": self.reference.answer,
                    "correct": correct,
                    "method": how,
                    "detail": "",
                    "read": None,
                    "rule": how,
                    "claims": [],
                    "decided_by": "reference rules",
                },
                "key_steps": [
                    _explain_substring(i, g, alt, completion)
                    for i, (g, alt) in enumerate(zip(self.groups, found, strict=False))
                ],
                "stuffing_guard": {"applied": False},
            }
        summary = Summary(*reference_codes(correct, how, stated), failed_checks(checks), ())
        matched = sum(a is not None for a in found)
        return self._result(correct, True, matched, len(self.groups), checks, explanation, summary)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _remember(memo: dict, key, value):
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _hedge(detail: str) -> Verdict:
    return Verdict(False, Method.HEDGE, detail, Statement(None, Rule.HEDGE, detail), decided_by=Decision.SECTIONS)


def _read(verdict: Verdict) -> str:
    statement = verdict.statement
    return statement.value if statement and statement.value else str(verdict.method)


def _explain_verdict(stated: str | None, reference: str, verdict) -> dict:
    statement = verdict.statement
    return {
        "stated": stated,
        "reference": reference,
        "correct": verdict.correct,
        "method": str(verdict.method),
        "detail": verdict.detail,
        "read": statement.value if statement else None,
        "rule": statement.shown() if statement else str(verdict.method),
        "claims": [
            {"value": c.value, "stance": str(c.stance), "where": c.where, "marker": c.marker} for c in verdict.claims
        ],
        "decided_by": str(verdict.decided_by),
    }


def _explain_checks(checks) -> list[dict]:
    return [{"check": c.name, "passed": c.passed, "detail": c.detail} for c in checks]


def _explain_substring(index, alternatives, alternative, completion) -> dict:
    where = reference_match_span(completion, alternative) if alternative is not None else None
    step, start, end = where or (None, None, None)
    return {
        "group": index,
        "alternatives": alternatives,
        "matched": alternative is not None,
        "credited": alternative is not None,
        "alternative": alternative,
        "how": "substring" if alternative is not None else None,
        "score": None,
        "step": step,
        "matched_text": alternative,
        "start": start,
        "end": end,
        "reason": None if alternative is not None else "not found",
    }


def _explain_group(
    index, texts, found, credited, credit_step, stream: StepStream, parsed, offsets: dict[int, TextOffsets], why
) -> dict:
    """The match shown is the one that earned the credit (else the best); an equation chain is shown whole."""
    entry = {
        "group": index,
        "alternatives": list(texts),
        "matched": bool(found),
        "credited": credited,
        "alternative": None,
        "how": None,
        "score": None,
        "step": None,
        "matched_text": None,
        "start": None,
        "end": None,
        "reason": None,
    }
    if not credited:
        entry["reason"] = _reason(why, stream, parsed, offsets) if found else "not found"
    if found:
        m = next((x for x in found if stream.step_of[x.start] == credit_step), found[0])
        step = stream.step_of[m.start]
        end = _shown_end(m, found, stream)
        entry.update(
            alternative=m.alternative,
            how=m.how,
            score=m.score,
            step=parsed.steps[step].number if step >= 0 else None,
            matched_text=" ".join(stream.tokens[m.start : end]),
        )
        if step >= 0:
            a, b = _text_span(step, m.start, end, stream, parsed, offsets)
            entry.update(start=a, end=b)
    return entry


def _text_span(
    step: int, start: int, end: int, stream: StepStream, parsed, offsets: dict[int, TextOffsets]
) -> tuple[int, int]:
    """Where tokens ``[start, end)`` of the stream (all in ``step``) lie in the completion."""
    section = parsed.steps[step]
    first = stream.step_of.index(step)
    if step not in offsets:
        offsets[step] = TextOffsets(parsed.body(section))
    a, b = offsets[step].span(start - first, end - first)
    return section.body_start + a, section.body_start + b


REASONS = (
    "not found",
    "repeated",
    "enumerated: AC has 4 values",
    "contradicted in step 3",
    "named without use",
    *(f"not asserted: {stance}" for stance in STANCES),
)
"""Every reason an explained key step gives for earning nothing (:func:`_reason`), each as an example."""


def _reason(why: tuple | None, stream: StepStream, parsed, offsets: dict[int, TextOffsets]) -> str | None:
    """Why a matched key step earns nothing, in the words of the README (see :mod:`.gaming`)."""
    if why is None:
        return None
    shape = why[0]
    if shape == "enumerated":
        (start, end), values = why[1], why[2]
        step = stream.step_of[start]
        a, b = _text_span(step, start, end, stream, parsed, offsets)
        return f"enumerated: {parsed.text[a:b]} has {values} values"
    if shape == "contradicted":
        return f"contradicted in step {parsed.steps[why[1]].number}"
    if shape == "not asserted":
        return f"not asserted: {why[1]}"
    return {"repeated": "repeated", "unused": "named without use"}[shape]


def _shown_end(m, found, stream: StepStream) -> int:
    """End token of what to highlight: for an equation chain, its last matched member in the clause."""
    if m.how != "equation_chain":
        return m.end
    clause = next(
        ((parts[0][0], parts[-1][1]) for parts in stream.clauses() if parts[0][0] <= m.start < parts[-1][1]),
        (m.start, m.end),
    )
    return max(x.end for x in found if x.how == "equation_chain" and clause[0] <= x.start < clause[1])
