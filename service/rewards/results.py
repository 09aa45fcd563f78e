"""What scoring gives, as types: the core's scored result, a trajectory that could not be scored (one
constructor per kind), the wire's result with every field, a group's result and a response.

TypedDicts are plain dicts at runtime: they cross the worker pipe and reach the front ends unchanged.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, cast

Status = Literal["ok", "timeout", "error"]
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


class Unscored(TypedDict):
    """A trajectory with no reward: its deadline passed (``timeout``) or it could not be scored (``error``)."""

    status: Literal["timeout", "error"]
    detail: str


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
    return {"status": "error", "detail": detail}


def timeout_outcome(detail: str) -> Unscored:
    return {"status": "timeout", "detail": detail}


def failure_detail(exc: BaseException, prefix: str = "") -> str:
    """``prefix`` + the exception's type and text, cut at :data:`MAX_DETAIL_CHARS`."""
    return f"{prefix}{type(exc).__name__}: {exc}"[:MAX_DETAIL_CHARS]


def wire_result(outcome: Outcome) -> TrajectoryResult:
    """The outcome with every wire field, those it lacks as null."""
    fields = cast(dict[str, Any], outcome)
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
    stats: dict[str, int | float]


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
