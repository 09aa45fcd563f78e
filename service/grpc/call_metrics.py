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

from ..ops.metrics import Metrics
from .auth import OPEN_GRPC_PREFIXES
from .handlers import behaviour_of, with_behaviour


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
        call = _Call(metrics, method, context)
        try:
            return await behaviour(request_or_iterator, context)
        except BaseException as exc:
            call.failure = exc
            raise
        finally:
            call.returned = True

    async def streamed(request_or_iterator, context):
        call = _Call(metrics, method, context)
        try:
            async with aclosing(behaviour(request_or_iterator, context)) as replies:
                async for reply in replies:
                    yield reply
        except BaseException as exc:
            call.failure = exc
            raise
        finally:
            call.returned = True

    return with_behaviour(handler, streamed if inspect.isasyncgenfunction(behaviour) else answered)


class _Call:
    """One call: in flight from its start until gRPC reports it done (its status sent, or the caller gone),
    then counted with the status it ended with."""

    def __init__(self, metrics: Metrics, method: str, context):
        self.metrics = metrics
        self.method = method
        self.started = time.perf_counter()
        self.failure: BaseException | None = None
        self.returned = False
        metrics.in_flight.inc()
        context.add_done_callback(self._done)

    def _done(self, context) -> None:
        self.metrics.in_flight.dec()
        self.metrics.observe_rpc(self.method, self._code(context).name, time.perf_counter() - self.started)

    def _code(self, context) -> grpc.StatusCode:
        """What the method set or aborted with; CANCELLED when the call ended before the method did (the
        caller went away); UNKNOWN for an error that escaped the method (gRPC's own answer to it). A stream
        cancelled just as its method ends counts as the method ended: gRPC does not tell the two apart."""
        if not self.returned or isinstance(self.failure, asyncio.CancelledError | GeneratorExit):
            return grpc.StatusCode.CANCELLED
        code = context.code()
        if code is not None:
            return code
        return grpc.StatusCode.OK if self.failure is None else grpc.StatusCode.UNKNOWN
