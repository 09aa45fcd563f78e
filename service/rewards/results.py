"""What scoring gives, as types: the core's scored result, a trajectory that could not be scored (one
constructor per kind), the wire's result with every field, a group's result and a response.

No shelter: a trajectory whose *own* content made its scoring fail (an exception while scoring it, its
deadline passed, its worker died on it twice) is marked ``own`` and, by default (``unscored: lowest``), is
paid the lowest reward and takes part in its group's advantages; otherwise a policy would learn to produce
whatever the scorer cannot read, trading a negative advantage for an absent one. A failure that is the
service's or the reference's (a worker lost for another reason, a reference that cannot be used, a
cancelled request) is never paid: it stays ``null`` and out of the advantages.

TypedDicts are plain dicts at runtime: they cross the worker pipe and reach the front ends unchanged.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, cast

Status = Literal["ok", "timeout", "error"]
UnscoredPolicy = Literal["lowest", "exclude"]
"""What a trajectory whose own scoring failed counts as: the lowest reward, or left out (reward null)."""
LOWEST: dict[str, Any] = {"reward": 0.0, "step_rar": 0.0, "step_rvr": 0.0, "answer_correct": False}
"""The lowest reward and its components (StepRAR and StepRVR are never negative, so 0 is the floor);
``key_step_ratio`` and ``explanation`` stay null: nothing was read."""
MAX_DETAIL_CHARS = 500
"""An exception's text in a ``detail`` is cut here: a hostile input must not make a huge response."""


class Scored(TypedDict):
    """A trajectory the core scored (``status: ok``)."""

    status: Literal["ok"]
    reward: float
    step_rar: float
    step_rvr: float
    answer_correct: bool
    key_step_ratio: float | None
    explanation: dict[str, Any] | None
    summary: NotRequired[tuple]
    """What the core decided, as codes from fixed sets (:class:`.summary.Summary`), for telemetry: never on the
    wire."""


class Unscored(TypedDict):
    """A trajectory with no reward: its deadline passed (``timeout``) or it could not be scored (``error``);
    ``own`` when its own content is why (it is then paid :data:`LOWEST` unless the request excludes it)."""

    status: Literal["timeout", "error"]
    detail: str
    own: NotRequired[bool]


Outcome = Scored | Unscored
"""What the core, a worker or the pool gives for one trajectory."""


class TrajectoryResult(TypedDict):
    """One trajectory's result on the wire: every field, null where it does not apply."""

    status: Status
    detail: str | None
    reward: float | None
    step_rar: float | None
    step_rvr: float | None
    answer_correct: bool | None
    key_step_ratio: float | None
    explanation: dict[str, Any] | None


def error_outcome(detail: str) -> Unscored:
    """A failure that is not the completion's (the service's, the reference's, a cancelled request): never paid."""
    return {"status": "error", "detail": detail}


def own_error_outcome(detail: str) -> Unscored:
    """Scoring this completion failed because of what it holds: paid the lowest reward by default."""
    return {"status": "error", "detail": detail, "own": True}


def timeout_outcome(detail: str) -> Unscored:
    """This completion ran its worker past the deadline: paid the lowest reward by default."""
    return {"status": "timeout", "detail": detail, "own": True}


def paid_lowest(outcome: Outcome, unscored: UnscoredPolicy) -> bool:
    """Whether ``outcome`` is a failure of the completion's own that the request pays the lowest reward."""
    return outcome["status"] != "ok" and unscored == "lowest" and bool(cast(dict, outcome).get("own"))


def counted_reward(outcome: Outcome, unscored: UnscoredPolicy) -> float | None:
    """The reward ``outcome`` enters its group's advantages with; None leaves it out (advantage 0)."""
    if outcome["status"] == "ok":
        return cast(Scored, outcome)["reward"]
    return LOWEST["reward"] if paid_lowest(outcome, unscored) else None


def failure_detail(exc: BaseException, prefix: str = "") -> str:
    """``prefix`` + the exception's type and text, cut at :data:`MAX_DETAIL_CHARS`."""
    return f"{prefix}{type(exc).__name__}: {exc}"[:MAX_DETAIL_CHARS]


def wire_result(outcome: Outcome, unscored: UnscoredPolicy = "lowest") -> TrajectoryResult:
    """The outcome with every wire field, those it lacks as null (a failure paid the lowest reward
    carries :data:`LOWEST`, beside its ``timeout``/``error`` status and ``detail``)."""
    fields = cast(dict[str, Any], outcome)
    if paid_lowest(outcome, unscored):
        fields = {**LOWEST, **fields}
    return {
        "status": fields["status"],
        "detail": fields.get("detail"),
        "reward": fields.get("reward"),
        "step_rar": fields.get("step_rar"),
        "step_rvr": fields.get("step_rvr"),
        "answer_correct": fields.get("answer_correct"),
        "key_step_ratio": fields.get("key_step_ratio"),
        "explanation": fields.get("explanation"),
    }


class GroupResult(TypedDict):
    """One group's result: its advantages and each trajectory's result, in order."""

    group_id: str
    status: Literal["ok", "error"]
    detail: str | None
    advantages: list[float]
    reward_mean: NotRequired[float | None]
    reward_std: NotRequired[float | None]
    zero_std: bool
    results: list[TrajectoryResult] | list[Unscored]


class ScoreResponse(TypedDict):
    """A ``/v1/score`` response as the scorer builds it (the contract's ``ScoreResponse`` documents it)."""

    profile: str
    version: str
    groups: list[GroupResult]
    stats: dict[str, Any]


def unscored_group(group_id: str, completions: int, detail: str) -> GroupResult:
    """A group none of whose completions could be scored, for the same reason."""
    return {
        "group_id": group_id,
        "status": "error",
        "detail": detail,
        "advantages": [0.0] * completions,
        "zero_std": True,
        "results": [error_outcome(detail)] * completions,
    }
