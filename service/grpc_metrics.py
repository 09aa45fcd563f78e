"""gRPC calls counted the way HTTP requests are: in flight in ``reward_in_flight_requests`` while they run,
then by method and status code in ``reward_grpc_requests_total`` and ``reward_grpc_request_seconds``
(``method="Score"``, ``code="RESOURCE_EXHAUSTED"``). Health and reflection are not counted, as HTTP's
probes are not; a call refused for its token is counted with ``code="UNAUTHENTICATED"``."""

from __future__ import annotations

import asyncio
import inspect
import time
from contextlib import aclosing

import grpc

from .auth import OPEN_GRPC_PREFIXES
from .grpc_handlers import behaviour_of, with_behaviour
from .metrics import Metrics


class RequestMetricsInterceptor(grpc.aio.ServerInterceptor):
    """Wraps every RewardService method (put it first: it then also sees the auth interceptor's refusals)."""

    def __init__(self, metrics: Metrics):
        self.metrics = metrics

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        if handler is None or details.method.startswith(OPEN_GRPC_PREFIXES):
            return handler
        return observed(handler, details.method.rsplit("/", 1)[-1], self.metrics)


def observed(handler: grpc.RpcMethodHandler, method: str, metrics: Metrics) -> grpc.RpcMethodHandler:
    """``handler`` counted under ``method``; streamed replies are timed until the last one is sent."""
    behaviour = behaviour_of(handler)

    async def answered(request_or_iterator, context):
        started = _start(metrics)
        failure = None
        try:
            return await behaviour(request_or_iterator, context)
        except BaseException as exc:
            failure = exc
            raise
        finally:
            _end(metrics, method, _code(context, failure), started)

    async def streamed(request_or_iterator, context):
        started = _start(metrics)
        failure = None
        try:
            async with aclosing(behaviour(request_or_iterator, context)) as replies:
                async for reply in replies:
                    yield reply
        except BaseException as exc:
            failure = exc
            raise
        finally:
            _end(metrics, method, _code(context, failure), started)

    return with_behaviour(handler, streamed if inspect.isasyncgenfunction(behaviour) else answered)


def _start(metrics: Metrics) -> float:
    metrics.in_flight.inc()
    return time.perf_counter()


def _end(metrics: Metrics, method: str, code: grpc.StatusCode, started: float) -> None:
    metrics.in_flight.dec()
    metrics.observe_rpc(method, code.name, time.perf_counter() - started)


def _code(context, failure: BaseException | None) -> grpc.StatusCode:
    """The status the call ended with: what it set or aborted with, CANCELLED when the caller went away
    (or the server stopped), UNKNOWN for an error that escaped the method (grpc's own answer to it)."""
    if isinstance(failure, asyncio.CancelledError | GeneratorExit) or context.cancelled():
        return grpc.StatusCode.CANCELLED
    code = context.code()
    if code is not None:
        return code
    return grpc.StatusCode.OK if failure is None else grpc.StatusCode.UNKNOWN
