"""Admission for every transport: a request the scorer refuses becomes one :class:`Refusal`, which knows
its HTTP status, its gRPC code and what a Ray Serve handle caller is told.

===========================  =====  ==================  ==========================================
refused because              HTTP   gRPC                also
===========================  =====  ==================  ==========================================
over a limit (LimitError)    413    RESOURCE_EXHAUSTED  HTTP names the field
workers not up (NotReady)    503    UNAVAILABLE         HTTP ``Retry-After: 1``
too much pending (Overload)  429    RESOURCE_EXHAUSTED  ``Retry-After`` / ``grpc-retry-pushback-ms``
===========================  =====  ==================  ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

import grpc

from .contract import ScoreRequest
from .scorer import LimitError, NotReady, Overloaded, Scorer

RETRY_PUSHBACK = "grpc-retry-pushback-ms"
"""Trailing metadata of an overloaded call: gRPC's own retry pushback, in milliseconds."""
NOT_READY_RETRY_SECONDS = 1
"""``Retry-After`` of a request refused while the workers start."""


@dataclass(frozen=True)
class Refusal:
    """Why a request cannot be scored now, and how each transport says so."""

    status: int
    code: grpc.StatusCode
    message: str
    """The scorer's message (a limit's starts with its field: ``groups: 5 groups, the limit is 4``)."""
    field: str = ""
    """A limit's field, and its message without it (HTTP puts the field in ``loc``)."""
    reason: str = ""
    retry_after: int | None = None
    """Seconds after which a retry may succeed (None: it will not)."""

    @property
    def overloaded(self) -> bool:
        return self.status == HTTPStatus.TOO_MANY_REQUESTS

    def grpc_trailers(self) -> tuple[tuple[str, str], ...]:
        """The retry pushback of an overloaded call; nothing for the others (they are not retried)."""
        if not self.overloaded or self.retry_after is None:
            return ()
        return ((RETRY_PUSHBACK, str(self.retry_after * 1000)),)

    def handle_detail(self) -> str:
        """The message a Ray Serve handle caller gets with the HTTP status."""
        return f"{self.message}; retry after {self.retry_after} s" if self.overloaded else self.message


def refusal(scorer: Scorer, request: ScoreRequest) -> Refusal | None:
    """None when ``request`` is admitted (start scoring it in the same event-loop turn), else why not."""
    try:
        scorer.admit(request)
    except LimitError as exc:
        return Refusal(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE.value,
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            str(exc),
            exc.field,
            exc.message,
        )
    except NotReady as exc:
        return Refusal(
            HTTPStatus.SERVICE_UNAVAILABLE.value,
            grpc.StatusCode.UNAVAILABLE,
            str(exc),
            retry_after=NOT_READY_RETRY_SECONDS,
        )
    except Overloaded as exc:
        return Refusal(
            HTTPStatus.TOO_MANY_REQUESTS.value,
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            str(exc),
            retry_after=exc.retry_after,
        )
    return None
