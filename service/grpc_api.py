"""The gRPC front end: ``reward.v1.RewardService`` translated onto the same :class:`Scorer`.

Messages are converted to and from the pydantic contract through protobuf's JSON mapping, so the
validation, limits and scoring are exactly HTTP's; only the error codes differ (INVALID_ARGUMENT,
RESOURCE_EXHAUSTED, UNAVAILABLE). Health (``grpc.health.v1``) and reflection are served alongside.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from pydantic import ValidationError

from .admission import refusal
from .auth import BearerAuthInterceptor
from .contract import ScoreRequest, StreamRequest, validation_message
from .grpc_metrics import RequestMetricsInterceptor
from .proto_json import dict_to_message, message_to_dict
from .rewardpb import reward_pb2, reward_pb2_grpc
from .rewards.results import unscored_group
from .scoring import Scorer

log = logging.getLogger("service.grpc")
SERVICE_NAME = reward_pb2.DESCRIPTOR.services_by_name["RewardService"].full_name
STREAM_WINDOW = 64
"""Groups of one ScoreStream read and not yet answered; beyond it the stream is not read."""
HEALTH_POLL_SECONDS = 0.2
"""How often health is brought in line with the worker pool."""
INTERNAL_DETAIL_CHARS = 500
"""Characters of an unexpected error's text sent with INTERNAL."""


class RewardServicer(reward_pb2_grpc.RewardServiceServicer):
    def __init__(self, scorer: Scorer):
        self.scorer = scorer

    async def _score(self, request: ScoreRequest, context) -> dict:
        refused = refusal(self.scorer, request)
        if refused is not None:
            await context.abort(refused.code, refused.message, trailing_metadata=refused.grpc_trailers())
        return await self.scorer.score(request)

    async def Score(self, request, context):
        try:
            req = ScoreRequest.model_validate(message_to_dict(request))
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
        return dict_to_message(result, reward_pb2.ScoreResponse)

    async def ScoreStream(self, request_iterator, context):
        """Each incoming group is scored as soon as it arrives; results leave as they finish."""
        results: asyncio.Queue = asyncio.Queue()
        pending: set[asyncio.Task] = set()

        async def reply(message) -> reward_pb2.StreamResult:
            try:
                item = StreamRequest.model_validate(message_to_dict(message))
                request = ScoreRequest(profile=item.profile, groups=[item.group], options=item.options)
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

        window = asyncio.Semaphore(STREAM_WINDOW)

        async def one(message) -> None:
            """One group's result; whatever goes wrong, an error result for that group only."""
            try:
                result = await reply(message)
            except Exception as exc:
                log.exception("scoring a streamed group failed")
                result = _stream_error_message(message, f"internal error: {type(exc).__name__}")
            await results.put(result)

        async def consume() -> None:
            try:
                async for message in request_iterator:
                    # A group holds its place until its result is sent: with a full window (scoring, or a
                    # caller that does not read its results) reading stops and HTTP/2 flow control pushes back.
                    await window.acquire()
                    task = asyncio.ensure_future(one(message))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
            except Exception:  # a broken request stream still ends the reply stream, after what was sent
                log.exception("reading the request stream failed")
            finally:
                if pending:
                    await asyncio.gather(*list(pending), return_exceptions=True)
                await results.put(None)

        reader = asyncio.ensure_future(consume())
        try:
            while (result := await results.get()) is not None:
                yield result
                window.release()
            await reader
        finally:
            reader.cancel()
            for task in list(pending):
                task.cancel()

    async def Info(self, request, context):
        return dict_to_message(self.scorer.info(), reward_pb2.InfoResponse)


def _group_id(message) -> str:
    return message.group.group_id if message.group.HasField("group_id") else ""


def _stream_error_message(message, detail: str) -> reward_pb2.StreamResult:
    """The error result of one streamed group: every completion unscored, with ``detail``."""
    return dict_to_message(
        _stream_error(_group_id(message), len(message.group.completions), detail), reward_pb2.StreamResult
    )


def _stream_error(group_id: str, completions: int, detail: str) -> dict:
    return {"profile": "", "version": "", "group": unscored_group(group_id, completions, detail)}


class GrpcServer:
    """A grpc.aio server on the app's event loop, with health following the worker pool."""

    def __init__(self, scorer: Scorer, host: str, port: int, token: str | None = None):
        self.scorer = scorer
        self.address = f"{host}:{port}"
        interceptors = [RequestMetricsInterceptor(scorer.metrics)]
        if token:
            interceptors.append(BearerAuthInterceptor(token))
        self.server = grpc.aio.server(
            options=[("grpc.max_receive_message_length", scorer.config.max_request_bytes)], interceptors=interceptors
        )
        reward_pb2_grpc.add_RewardServiceServicer_to_server(RewardServicer(scorer), self.server)
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
