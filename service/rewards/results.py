"""What scoring one trajectory gives, as types: the core's scored result, a trajectory that could not be
scored (one constructor per kind), and the wire's result with every field.

TypedDicts are plain dicts at runtime: they cross the worker pipe and reach the front ends unchanged.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict, cast

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
