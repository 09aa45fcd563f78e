"""Every scoring request answered and counted the same way: its handler's result, its refusal, a 499 for a
caller that left, a 503 once the shutdown grace ran out, or a 500 for a bug; then its status and latency
go into ``reward_requests_total`` / ``reward_request_seconds`` by endpoint."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response
from starlette.requests import ClientDisconnect

from .errors import Refused, error
from .waiting import CallerGone, GraceExpired, unless

log = logging.getLogger("service.app")

CLIENT_CLOSED_REQUEST = 499
"""nginx's status for a caller that hung up before its answer (it is logged and counted, never sent)."""
GRACE_RETRY_SECONDS = 1
"""``Retry-After`` of a request cut off by the shutdown grace."""

Handler = Callable[[Request], Awaitable[Response]]


def observed(endpoint: str) -> Callable[[Handler], Handler]:
    """``handler`` answered whatever happens, in flight while it runs, and counted under ``endpoint``."""

    def wrap(handler: Handler) -> Handler:
        async def inner(request: Request) -> Response:
            metrics = request.app.state.metrics
            started = time.perf_counter()
            metrics.in_flight.inc()
            try:
                response = await answered(request, handler)
            finally:
                metrics.in_flight.dec()
            metrics.observe_request(endpoint, response.status_code, time.perf_counter() - started)
            return response

        inner.__name__ = handler.__name__  # the route's name and summary in the OpenAPI schema
        inner.__doc__ = handler.__doc__
        return inner

    return wrap


async def answered(request: Request, handler: Handler) -> Response:
    """The handler's response, or the one that stands for how it ended."""
    try:
        return await unless(request.app.state.grace_expired, handler(request))
    except Refused as refused:
        return refused.response
    except (CallerGone, ClientDisconnect):  # nobody to answer; counted with nginx's "client closed request"
        log.info(
            "%s %s: the client closed the connection before the response (%d)",
            request.method,
            request.url.path,
            CLIENT_CLOSED_REQUEST,
        )
        return Response(status_code=CLIENT_CLOSED_REQUEST)
    except GraceExpired:
        return error(
            503,
            "the server is shutting down and its grace period ran out before "
            "this request was answered; its work was dropped: retry",
            {"Retry-After": str(GRACE_RETRY_SECONDS)},
        )
    except Exception as exc:  # still answered, and counted as a 500
        log.exception("unhandled error serving %s", request.url.path)
        return error(500, f"internal server error: {type(exc).__name__}")
