"""The wire contract (v1): one set of pydantic models for requests, responses and their schema."""

from __future__ import annotations

from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..rewards.advantages import DEFAULT_EPSILON
from ..rewards.profiles import DEFAULT_PROFILE, Profile
from ..rewards.score import DEFAULT_ALPHA
from ..rewards.score import REASONS as KEY_STEP_REASONS

Status = Literal["ok", "timeout", "error"]
ProfileName = Literal["stepgrpo", "r1vl-reference"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class Reference(_Strict):
    answer: str = Field(
        description=(
            "The ground-truth final answer (a value, an option letter, LaTeX or short text). Under 'stepgrpo', "
            "'B: 45' is option B whose text is 45, and an empty answer is the solution's."
        )
    )
    solution: str | None = Field(
        None,
        description=(
            "The reference solution; 'stepgrpo' reads the answer from it when 'answer' is empty, and 'r1vl-reference' "
            "grades against it when given, as R1-VL's code grades against the data set's solution column."
        ),
    )
    key_steps: list[list[str] | str] | dict[str, Any] | str | None = Field(
        None,
        description=(
            'Key-step groups: a list of groups of alternatives, the dataset\'s {"Steps": [...]} object or its '
            "JSON string, or the extractor's string form 'Step 1: [\"...\"], Step 2: [...]' (elements verbatim). "
            'An object with no "Steps" (or "Step N") key and other keys than "Image Description"/"Rationales" '
            "is refused."
        ),
    )
    choices: dict[str, str] | None = Field(None, description='Multiple-choice options, e.g. {"A": "3", "B": "5"}.')


class Group(_Strict):
    group_id: str | None = Field(None, description="Echoed back; defaults to the group's index.")
    reference: Reference
    completions: list[str] = Field(description="The M completions sampled for one prompt.")


class Options(_Strict):
    alpha: float = Field(DEFAULT_ALPHA, ge=0.0, le=10.0, description="Weight of the key-step ratio in StepRAR.")
    advantage: Literal["group", "batch", "none"] = Field(
        "group",
        description=(
            "Scale (r - group mean) by the group's std, the batch's std (TRL 'batch'), or not at all (Dr.GRPO)."
        ),
    )
    epsilon: float = Field(
        DEFAULT_EPSILON,
        ge=0.0,
        le=1.0,
        description="Added to the std: 1e-4 (R1-VL, TRL), 1e-6 (verl), 1e-9 (OpenRLHF).",
    )
    unbiased_std: bool = Field(
        True, description="Divide by n-1 (torch's default, as TRL, verl and OpenRLHF do) or by n."
    )
    stuffing_guard: bool | None = Field(None, description="Override the profile's key-step stuffing guard.")
    explain: bool = Field(False, description="Attach a per-trajectory explanation.")
    unscored: Literal["lowest", "exclude"] = Field(
        "lowest",
        description=(
            "A completion whose own scoring fails or runs past the deadline (status 'error'/'timeout'): 'lowest' "
            "pays it reward 0 (StepRAR 0, StepRVR 0, answer_correct false) and counts it in its group's "
            "advantages, so a policy gains nothing by producing what cannot be scored; 'exclude' gives it reward "
            "null and advantage 0, left out of the group's mean and std. Failures of the service's own or of the "
            "reference are never paid."
        ),
    )


MAX_RUN_CHARS = 200
"""Characters of a run name."""


class ScoreRequest(_Strict):
    profile: ProfileName = Field(cast(ProfileName, DEFAULT_PROFILE), description="Reward profile (see GET /v1/info).")
    groups: list[Group] = Field(min_length=1)
    options: Options = Field(default_factory=Options)
    run: str | None = Field(
        None,
        max_length=MAX_RUN_CHARS,
        description=(
            "Names the training run, for the policy-behaviour metrics (/metrics): the most recent runs get their own "
            "series, the rest are counted under 'other'. Scores do not depend on it."
        ),
    )


class SectionSpan(BaseModel):
    kind: str
    number: int | None = None
    start: int
    end: int


class CheckResult(BaseModel):
    check: str
    passed: bool
    detail: str


class AnswerClaim(BaseModel):
    value: str
    stance: str = Field(description="asserted, negated, uncertain, bounded, conditional, alternative or justification.")
    where: str = Field(description="box, sentence, line, table or alternative: how the claim was found.")
    marker: str = Field("", description="The word or sign that gave the stance ('perhaps', 'not', '\\pm').")


class AnswerJudgement(BaseModel):
    stated: str | None = None
    reference: str
    correct: bool
    method: str
    detail: str
    read: str | None = Field(
        None, description="The value read from the stated answer (a sentence's value, a boxed value); null for a hedge."
    )
    rule: str = Field("", description="The rule that read it: 'prose → 34', 'boxed → 9', 'hedge: two values 5, 6'.")
    claims: list[AnswerClaim] = Field(
        default_factory=list, description="Every claim the final-answer section makes, each with its stance."
    )
    decided_by: str = Field(
        "",
        description="The rule that decided: 'committed', 'open claim', 'second value', 'hedged sentence', 'set', "
        "'sections', 'no answer' ('reference rules' under r1vl-reference).",
    )


class KeyStepMatch(BaseModel):
    group: int
    alternatives: list[str]
    matched: bool
    credited: bool
    alternative: str | None = None
    how: str | None = None
    score: float | None = None
    step: int | None = None
    matched_text: str | None = None
    start: int | None = Field(
        None, description="Where the shown match begins in the completion (CRLF read as LF); null when unmatched."
    )
    end: int | None = Field(None, description="Where the shown match ends (exclusive).")
    reason: str | None = Field(
        None,
        description=(
            "Why the key step earns nothing, one of: "
            + "; ".join(f"'{reason}'" for reason in KEY_STEP_REASONS)
            + " (the words in parentheses are those the step used; docs/rewards.md); null when credited."
        ),
    )


class StuffingReport(BaseModel):
    applied: bool = Field(description="Whether key steps that are part of a gaming shape lose their credit.")


class Explanation(BaseModel):
    sections: list[SectionSpan]
    validity: list[CheckResult]
    answer: AnswerJudgement
    key_steps: list[KeyStepMatch]
    stuffing_guard: StuffingReport


class TrajectoryResult(BaseModel):
    status: Status
    detail: str | None = None
    reward: float | None = None
    step_rar: float | None = None
    step_rvr: float | None = None
    answer_correct: bool | None = None
    key_step_ratio: float | None = Field(
        None, description="Credited key-step groups / groups; null when the reference has none."
    )
    explanation: Explanation | None = None


class GroupResult(BaseModel):
    group_id: str
    status: Literal["ok", "error"]
    detail: str | None = None
    advantages: list[float]
    reward_mean: float | None = None
    reward_std: float | None = None
    zero_std: bool
    results: list[TrajectoryResult]


class Rates(BaseModel):
    """What the batch's scored completions were paid for, as shares of them (``zero_std_groups``: of the usable
    groups). Every key is one of a fixed set (docs/contract.md)."""

    scored: int = Field(description="Completions scored (status ok): the denominator of the shares.")
    right: float
    wrong: float
    unread: float = Field(description="No final answer read.")
    hedge: float = Field(description="The final answer left open: see hedges.")
    hedges: dict[str, float] = Field(description="Share of each hedge kind (negated, uncertain, second_value, ...).")
    validity_failures: dict[str, float] = Field(description="Share failing each validity check.")
    key_steps_uncredited: dict[str, float] = Field(
        description="Matched key steps that earned nothing per scored completion, by reason."
    )
    zero_std_groups: float = Field(description="Share of usable groups whose rewards all agree.")


class Stats(BaseModel):
    trajectories: int
    ok: int
    timeout: int
    error: int
    elapsed_ms: float
    rates: Rates | None = None


class ScoreResponse(BaseModel):
    profile: str
    version: str
    groups: list[GroupResult]
    stats: Stats


class StreamRequest(_Strict):
    """One group of a ``ScoreStream``: scored on its own, advantages within the group."""

    profile: ProfileName = cast(ProfileName, DEFAULT_PROFILE)
    group: Group
    options: Options = Field(default_factory=Options)
    run: str | None = Field(
        None,
        max_length=MAX_RUN_CHARS,
        description="Names the training run, as ScoreRequest's run (the call's x-reward-run metadata where absent).",
    )


class StreamResult(BaseModel):
    profile: str
    version: str
    group: GroupResult


class ProfileInfo(Profile):
    version: str


# The request limits /v1/info publishes, each named as its setting (service.ops.config.Config): Scorer.info
# reads them by these names. (No docstring: it would become the schema's description.)
class Limits(BaseModel):
    max_groups: int
    max_completions_per_group: int
    max_trajectories: int
    max_completion_bytes: int
    max_request_bytes: int
    max_reference_bytes: int


class InfoResponse(BaseModel):
    service: str
    core_version: str
    default_profile: str
    profiles: dict[str, ProfileInfo]
    default_options: Options
    limits: Limits
    deadline_seconds: float
    workers: int
    checked_against: dict[str, str] = Field(
        default_factory=dict,
        description="Integration (trl, verl, openrlhf, ray) -> the releases it was checked against.",
    )


class OpenRLHFRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    query: list[str] = Field(description="Prompt + response texts, as OpenRLHF's remote reward client sends them.")
    prompts: list[str] | None = None
    labels: list[Any] | None = Field(
        None,
        description=(
            'Per sample: the answer as a string, or {"answer", "key_steps", "choices"} (object or JSON string).'
        ),
    )


class OpenRLHFResponse(BaseModel):
    rewards: list[float]
    scores: list[float]
    extra_logs: dict[str, list[float]]


class ErrorBody(BaseModel):
    detail: Any


class FieldError(ValueError):
    """A request field that cannot be used: ``field`` says where (``labels[3]``), ``message`` why; the
    front ends place the error from ``field``, never by reading it back out of the text."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def validation_message(exc: ValidationError) -> str:
    """``groups.0.completions.1: Input should be a valid string; ...`` — the fields by name, in one line."""
    parts = [
        f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg']}"
        for e in exc.errors(include_url=False, include_input=False)
    ]
    return "; ".join(parts)[:2000]
