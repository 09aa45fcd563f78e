"""The gRPC front end: ``reward.v1.RewardService`` translated onto the same :class:`Scorer`.

Messages are converted to and from the pydantic contract through protobuf's JSON mapping, so the
validation, limits and scoring are exactly HTTP's; only the error codes differ (INVALID_ARGUMENT,
RESOURCE_EXHAUSTED, UNAVAILABLE). Requests arrive as bytes and are decoded here, so that malformed
protobuf is INVALID_ARGUMENT (gRPC's own decoding answers UNKNOWN). A ``ScoreStream`` holds at most
``--grpc-stream-bytes`` of groups unanswered (beyond, it is not read: HTTP/2 flow control pushes back on a
caller that sends and never reads), and open streams are capped per connection and in all. Health
(``grpc.health.v1``) and reflection are served alongside.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import grpc
from google.protobuf.message import DecodeError
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from pydantic import ValidationError

from ..rewardpb import reward_pb2, reward_pb2_grpc
from ..rewards.results import ScoreResponse, unscored_group
from ..scoring.admission import RETRY_PUSHBACK, refusal
from ..scoring.contract import MAX_RUN_CHARS, ScoreRequest, StreamRequest, validation_message
from ..scoring.scorer import Scorer
from .auth import BearerAuthInterceptor
from .call_metrics import RequestMetricsInterceptor
from .proto_json import dict_to_message, message_to_dict

log = logging.getLogger("service.grpc")
SERVICE_NAME = reward_pb2.DESCRIPTOR.services_by_name["RewardService"].full_name
STREAM_WINDOW = 64
"""Groups of one ScoreStream read and not yet answered; beyond it the stream is not read."""
HEALTH_POLL_SECONDS = 0.2
"""How often health is brought in line with the worker pool."""
INTERNAL_DETAIL_CHARS = 500
"""Characters of an unexpected error's text sent with INTERNAL."""
OFF_LOOP_BYTES = 1 << 20
"""A Score request at least this large is converted to and from the contract in a thread (58 MB took 0.6 s)."""
STREAMS_PUSHBACK_MS = 1000
"""The retry pushback of a ScoreStream refused for too many open streams."""


RUN_METADATA = "x-reward-run"
"""gRPC metadata naming the training run (as a request's ``run``, which wins where both are given)."""


def metadata_run(context) -> str | None:
    """The run the call's metadata names, or None."""
    return next((value for key, value in context.invocation_metadata() or () if key == RUN_METADATA), None)


class MalformedMessage(Exception):
    """A request message that is not valid protobuf of its type (INVALID_ARGUMENT)."""


def decoded(raw: bytes, message_type):
    """``raw`` parsed as ``message_type``; :class:`MalformedMessage` naming the type if it is not one."""
    try:
        return message_type.FromString(raw)
    except DecodeError as exc:
        raise MalformedMessage(f"request is not a valid {message_type.DESCRIPTOR.full_name} message: {exc}") from None


def _score_request(raw: bytes) -> ScoreRequest:
    """A Score call's request, decoded and validated (:class:`MalformedMessage`, ``ValidationError``)."""
    return ScoreRequest.model_validate(message_to_dict(decoded(raw, reward_pb2.ScoreRequest)))


class _ByteBudget:
    """Bytes one stream may hold: taking waits until they fit (or nothing is held); ``gauge`` (all streams'
    bytes) follows."""

    def __init__(self, cap: int, gauge):
        self.cap = cap
        self.held = 0
        self.gauge = gauge
        self._changed = asyncio.Condition()

    async def take(self, n: int) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.held == 0 or self.held + n <= self.cap)
            self.held += n
            self.gauge.inc(n)

    async def give(self, n: int) -> None:
        async with self._changed:
            self.held -= n
            self.gauge.dec(n)
            self._changed.notify_all()

    def give_all(self) -> None:
        """The stream has ended: what it still held (groups whose results were never sent) is freed."""
        self.gauge.dec(self.held)
        self.held = 0


class RewardServicer(reward_pb2_grpc.RewardServiceServicer):
    """The methods take their requests as bytes (see :func:`handlers`)."""

    def __init__(self, scorer: Scorer):
        self.scorer = scorer
        self.streams = 0
        """Open ScoreStream calls."""
        self.streams_by_connection: Counter[str] = Counter()

    async def _score(self, request: ScoreRequest, context) -> ScoreResponse:
        if request.run is None and (run := metadata_run(context)) is not None:
            if len(run) > MAX_RUN_CHARS:
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT, f"metadata {RUN_METADATA}: over {MAX_RUN_CHARS} characters"
                )
            request = request.model_copy(update={"run": run})
        refused = refusal(self.scorer, request)
        if refused is not None:
            await context.abort(refused.code, refused.message, trailing_metadata=refused.grpc_trailers())
        return await self.scorer.score(request)

    async def Score(self, raw: bytes, context):
        large = len(raw) >= OFF_LOOP_BYTES  # converting it takes a while: in a thread, as HTTP parses large bodies
        try:
            req = await asyncio.to_thread(_score_request, raw) if large else _score_request(raw)
        except MalformedMessage as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        except ValidationError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, validation_message(exc))
        try:
            result = await self._score(req, context)
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            log.exception("unexpected error in Score")
            await context.abort(
                grpc.StatusCode.INTERNAL, f"internal error: {type(exc).__name__}: {exc}"[:INTERNAL_DETAIL_CHARS]
            )
        if large:
            return await asyncio.to_thread(dict_to_message, result, reward_pb2.ScoreResponse)
        return dict_to_message(result, reward_pb2.ScoreResponse)

    async def ScoreStream(self, request_iterator: AsyncIterator[bytes], context):
        """Each incoming group is scored as soon as it arrives; results leave as they finish. Refused with
        RESOURCE_EXHAUSTED beyond the open-stream caps; malformed protobuf ends it with INVALID_ARGUMENT
        after the results of the groups before it."""
        config = self.scorer.config
        connection = context.peer()
        over = None
        if self.streams >= config.grpc_streams:
            over = f"{self.streams} ScoreStream calls are open, the limit is {config.grpc_streams} (--grpc-streams)"
        elif self.streams_by_connection[connection] >= config.grpc_streams_per_connection:
            over = (
                f"{self.streams_by_connection[connection]} ScoreStream calls are open on this connection, the limit "
                f"is {config.grpc_streams_per_connection} (--grpc-streams-per-connection)"
            )
        if over is not None:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                over,
                trailing_metadata=((RETRY_PUSHBACK, str(STREAMS_PUSHBACK_MS)),),
            )
        self.streams += 1
        self.streams_by_connection[connection] += 1
        self.scorer.metrics.grpc_streams.inc()
        try:
            async for result in self._stream(request_iterator, context):
                yield result
        finally:
            self.streams -= 1
            self.streams_by_connection[connection] -= 1
            self.scorer.metrics.grpc_streams.dec()
            if not self.streams_by_connection[connection]:
                del self.streams_by_connection[connection]

    async def _stream_reply(self, message, context) -> reward_pb2.StreamResult:
        """One streamed group's result, or an error result naming what was wrong with it."""
        try:
            item = StreamRequest.model_validate(message_to_dict(message))
            run = item.run if item.run is not None else metadata_run(context)
            request = ScoreRequest(profile=item.profile, groups=[item.group], options=item.options, run=run)
        except ValidationError as exc:
            return _stream_error_message(message, validation_message(exc))
        refused = refusal(self.scorer, request)
        if refused is not None and not refused.overloaded:
            return _stream_error_message(message, refused.message)
        if refused is not None:  # its caller cannot be told to retry one group of a stream: it waits
            await self.scorer.wait_for_room(request)
        response = await self.scorer.score(request)
        group = response["groups"][0]
        if item.group.group_id is None:
            group["group_id"] = ""
        return dict_to_message(
            {"profile": response["profile"], "version": response["version"], "group": group},
            reward_pb2.StreamResult,
        )

    async def _stream(self, request_iterator: AsyncIterator[bytes], context):
        results: asyncio.Queue = asyncio.Queue()
        pending: set[asyncio.Task] = set()
        cap = self.scorer.config.grpc_stream_bytes
        budget = _ByteBudget(cap, self.scorer.metrics.grpc_stream_bytes)
        malformed: list[MalformedMessage] = []

        window = asyncio.Semaphore(STREAM_WINDOW)

        async def one(message, size: int) -> None:
            """One group's result; whatever goes wrong, an error result for that group only."""
            try:
                result = await self._stream_reply(message, context)
            except Exception as exc:
                log.exception("scoring a streamed group failed")
                result = _stream_error_message(message, f"internal error: {type(exc).__name__}")
            await results.put((result, size))

        async def consume() -> None:
            try:
                async for raw in request_iterator:
                    message = decoded(raw, reward_pb2.StreamRequest)
                    if len(raw) > cap:
                        detail = f"group: {len(raw)} bytes, over the stream's limit of {cap} (--grpc-stream-bytes)"
                        await window.acquire()
                        await results.put((_stream_error_message(message, detail), 0))
                        continue
                    # A group holds its place and its bytes until its result is sent: with the window or the
                    # bytes full (scoring, or a caller that does not read its results) reading stops and HTTP/2
                    # flow control pushes back.
                    await window.acquire()
                    await budget.take(len(raw))
                    task = asyncio.ensure_future(one(message, len(raw)))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
            except MalformedMessage as exc:
                malformed.append(exc)
            except Exception:  # a broken request stream still ends the reply stream, after what was sent
                log.exception("reading the request stream failed")
            finally:
                if pending:
                    await asyncio.gather(*list(pending), return_exceptions=True)
                await results.put(None)

        reader = asyncio.ensure_future(consume())
        try:
            while (item := await results.get()) is not None:
                result, size = item
                yield result
                window.release()
                await budget.give(size)
            await reader
        finally:
            reader.cancel()
            for task in list(pending):
                task.cancel()
            budget.give_all()
        if malformed:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(malformed[0]))

    async def Info(self, raw: bytes, context):
        try:
            decoded(raw, reward_pb2.InfoRequest)
        except MalformedMessage as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        return dict_to_message(self.scorer.info(), reward_pb2.InfoResponse)


def handlers(servicer: RewardServicer) -> grpc.GenericRpcHandler:
    """The service's methods with requests left as bytes (the servicer decodes them) and responses
    serialised as usual."""
    unary: Callable = grpc.unary_unary_rpc_method_handler
    methods = {
        "Score": unary(servicer.Score, response_serializer=reward_pb2.ScoreResponse.SerializeToString),
        "ScoreStream": grpc.stream_stream_rpc_method_handler(
            servicer.ScoreStream, response_serializer=reward_pb2.StreamResult.SerializeToString
        ),
        "Info": unary(servicer.Info, response_serializer=reward_pb2.InfoResponse.SerializeToString),
    }
    return grpc.method_handlers_generic_handler(SERVICE_NAME, methods)


def _group_id(message) -> str:
    return message.group.group_id if message.group.HasField("group_id") else ""


def _stream_error_message(message, detail: str) -> reward_pb2.StreamResult:
    """The error result of one streamed group: every completion unscored, with ``detail``."""
    return dict_to_message(
        _stream_error(_group_id(message), len(message.group.completions), detail), reward_pb2.StreamResult
    )


def _stream_error(group_id: str, completions: int, detail: str) -> dict:
    return {"profile": "", "version": "", "group": unscored_group(group_id, completions, detail)}


def grpc_options(config) -> list[tuple[str, int]]:
    """The server's channel options: the request size limit, and HTTP/2 windows that do not grow by
    bandwidth-delay probing unless asked (``--grpc-bdp-probe``): with probing, gRPC itself buffered about
    70 MB per connection of a stream whose caller sends and never reads, beyond the service's byte cap."""
    return [
        ("grpc.max_receive_message_length", config.max_request_bytes),
        ("grpc.http2.bdp_probe", int(config.grpc_bdp_probe)),
    ]


class GrpcServer:
    """A grpc.aio server on the app's event loop, with health following the worker pool."""

    def __init__(self, scorer: Scorer, host: str, port: int, token: str | None = None):
        self.scorer = scorer
        self.address = f"{host}:{port}"
        interceptors = [RequestMetricsInterceptor(scorer.metrics)]
        if token:
            interceptors.append(BearerAuthInterceptor(token))
        self.server = grpc.aio.server(options=grpc_options(scorer.config), interceptors=interceptors)
        self.server.add_generic_rpc_handlers((handlers(RewardServicer(scorer)),))
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection.enable_server_reflection([SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME], self.server)
        config = scorer.config
        if config.tls_cert:
            credentials = grpc.ssl_server_credentials(
                [(Path(config.tls_key).read_bytes(), Path(config.tls_cert).read_bytes())]
            )
            self.port = self.server.add_secure_port(self.address, credentials)
        else:
            self.port = self.server.add_insecure_port(self.address)
        self.draining = False
        self._watcher: asyncio.Task | None = None

    async def start(self) -> None:
        for name in ("", SERVICE_NAME):  # known from the first call: NOT_SERVING, never SERVICE_UNKNOWN
            await self.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.start()
        self._watcher = asyncio.ensure_future(self._watch())
        log.info(
            "gRPC serving reward.v1.RewardService on %s (%s)",
            self.address,
            "TLS" if self.scorer.config.tls_cert else "plaintext",
        )

    async def _watch(self) -> None:
        """Health follows the pool; once the server drains, gRPC stops accepting after the same
        drain delay as HTTP and gets the same grace, at the same time as HTTP's."""
        last = None
        while not self.scorer.draining:
            serving = self.scorer.pool.ready and not self.draining
            if serving != last:
                status = (
                    health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
                )
                for name in ("", SERVICE_NAME):
                    await self.health.set(name, status)
                last = serving
            await asyncio.sleep(HEALTH_POLL_SECONDS)
        for name in ("", SERVICE_NAME):
            await self.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        await asyncio.sleep(self.scorer.config.drain_seconds)
        await self.server.stop(self.scorer.config.grace_seconds)

    async def stop(self, grace: float) -> None:
        """Stop now (after a drain the watcher has already begun stopping; this waits for it)."""
        self.draining = True
        for name in ("", SERVICE_NAME):
            await self.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        if self._watcher and not self.scorer.draining:
            self._watcher.cancel()
        await self.server.stop(grace)
