"""A small client for both transports, with timeouts and bounded retries with backoff.

    from service.client import RewardClient
    with RewardClient("http://127.0.0.1:8000") as client:          # or "grpc://127.0.0.1:50051"
        response = client.score(groups, profile="stepgrpo", options={"explain": True})

Both transports return the same :class:`~service.scoring.contract.ScoreResponse`. HTTP goes through the client
core the trainer adapters use (:mod:`stepgrpo_reward.client`), and gRPC through its retry policy:
connection errors, timeouts, HTTP 429/502/503/504, gRPC UNAVAILABLE and an overloaded server's
RESOURCE_EXHAUSTED are retried ``retries`` times with exponential backoff (honouring ``Retry-After`` /
gRPC retry pushback). The caller's own deadline passing (a 504 marked ``X-Request-Timeout-Expired``, gRPC
DEADLINE_EXCEEDED) is never retried. After that, or on any other error, :class:`RewardServiceError` says
why — a trainer never gets a silent ``None``.

Against a secured server pass ``token=`` (default: the ``REWARD_AUTH_TOKEN`` environment variable),
sent as ``Authorization: Bearer`` on every call, and use ``https://`` or ``grpcs://`` (``ca_cert=`` names
a PEM file to trust, e.g. a self-signed certificate; default: the system's roots).

Importing this module or calling over gRPC loads the contract's models but not the server (no worker
pool, no FastAPI).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar, Unpack

from pydantic import BaseModel

from stepgrpo_reward.client import Connection, RewardServiceError, ServiceClient, Transient

from .scoring.contract import InfoResponse, ScoreRequest, ScoreResponse, StreamRequest, StreamResult

__all__ = ["RewardClient", "RewardServiceError"]

T = TypeVar("T")


def _as_dict(value: Any) -> Any:
    return value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value


class RewardClient(ServiceClient):
    def __init__(self, url: str, **connection: Unpack[Connection]):
        grpc_url = url.startswith(("grpc://", "grpcs://"))
        channel_ca_cert = connection.pop("ca_cert", None) if grpc_url else None  # the gRPC channel's, not httpx's
        super().__init__(url, **connection)
        self.transport = "grpc" if grpc_url else "http"
        if grpc_url:
            self._open_channel(channel_ca_cert)

    def _open_channel(self, ca_cert: str | os.PathLike | None) -> None:
        import grpc

        from .rewardpb import reward_pb2_grpc

        unlimited = [("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)]
        target = self.url.split("://", 1)[1]
        if self.url.startswith("grpcs://"):
            roots = Path(ca_cert).read_bytes() if ca_cert else None
            credentials = grpc.ssl_channel_credentials(root_certificates=roots)
            self._channel = grpc.secure_channel(target, credentials, options=unlimited)
        else:
            self._channel = grpc.insecure_channel(target, options=unlimited)
        self._stub = reward_pb2_grpc.RewardServiceStub(self._channel)
        self._metadata = (("authorization", f"Bearer {self.token}"),) if self.token else None

    def close(self) -> None:
        super().close()
        if self.transport == "grpc":
            self._channel.close()

    def score(
        self, groups: list, profile: str = "stepgrpo", options: dict | None = None, run: str | None = None
    ) -> ScoreResponse:
        """Score ``groups`` in one request; ``run`` names the training run in the service's policy-behaviour
        metrics."""
        request = ScoreRequest.model_validate(
            {
                "profile": profile,
                "groups": [_as_dict(g) for g in groups],
                "options": _as_dict(options or {}),
                "run": run,
            }
        )
        body = request.model_dump(mode="json", exclude_none=True)
        if self.transport == "grpc":
            from .grpc.proto_json import dict_to_message, message_to_dict
            from .rewardpb import reward_pb2

            message = dict_to_message(body, reward_pb2.ScoreRequest)
            reply = self._grpc_retrying(
                lambda: self._stub.Score(message, timeout=self.timeout, metadata=self._metadata)
            )
            return ScoreResponse.model_validate(message_to_dict(reply))
        return ScoreResponse.model_validate(self.post("/v1/score", body, what="batch"))

    def score_stream(
        self, items: Iterable, profile: str = "stepgrpo", options: dict | None = None, run: str | None = None
    ) -> Iterator[StreamResult]:
        """Send groups as they come (any iterable), yield each :class:`StreamResult` when ready. gRPC streams them
        on one call (results in the order they finish); HTTP, which has no stream, scores one group a request, in
        turn, so the same loop works with either URL."""
        if self.transport != "grpc":
            yield from self._http_stream(items, profile, options, run)
            return
        import grpc

        from .grpc.proto_json import dict_to_message, message_to_dict
        from .rewardpb import reward_pb2

        def requests():
            for group in items:
                item = StreamRequest.model_validate(
                    {"profile": profile, "group": _as_dict(group), "options": _as_dict(options or {}), "run": run}
                )
                yield dict_to_message(item.model_dump(mode="json", exclude_none=True), reward_pb2.StreamRequest)

        try:
            for reply in self._stub.ScoreStream(requests(), timeout=self.timeout, metadata=self._metadata):
                yield StreamResult.model_validate(message_to_dict(reply))
        except grpc.RpcError as exc:
            raise _grpc_error(exc) from None

    def _http_stream(
        self, items: Iterable, profile: str, options: dict | None, run: str | None
    ) -> Iterator[StreamResult]:
        for group in items:
            response = self.score([group], profile, options, run)
            yield StreamResult(profile=response.profile, version=response.version, group=response.groups[0])

    def info(self) -> InfoResponse:
        if self.transport == "grpc":
            from .grpc.proto_json import message_to_dict
            from .rewardpb import reward_pb2

            reply = self._grpc_retrying(
                lambda: self._stub.Info(reward_pb2.InfoRequest(), timeout=self.timeout, metadata=self._metadata)
            )
            return InfoResponse.model_validate(message_to_dict(reply))
        return InfoResponse.model_validate(self.get("/v1/info"))

    def _grpc_retrying(self, call: Callable[[], T]) -> T:
        """``call()`` under the core's retry policy: UNAVAILABLE and RESOURCE_EXHAUSTED with a retry
        pushback (overloaded, not over a limit) are transient; any other code is the error."""
        import grpc

        def attempt() -> T:
            try:
                return call()
            except grpc.RpcError as exc:
                code, reason = exc.code(), f"gRPC {exc.code().name}: {exc.details()}"
                if code == grpc.StatusCode.UNAVAILABLE:
                    raise Transient(reason, code.name) from None
                pushback = dict(exc.trailing_metadata() or ()).get("grpc-retry-pushback-ms")
                if code == grpc.StatusCode.RESOURCE_EXHAUSTED and pushback is not None and pushback.isdigit():
                    raise Transient(reason, code.name, int(pushback) / 1000) from None
                raise _grpc_error(exc) from None

        return self.retrying(attempt)


def _grpc_error(exc) -> RewardServiceError:
    """A failed call as the error: DEADLINE_EXCEEDED is this client's own timeout passing."""
    code = exc.code().name
    return RewardServiceError(f"gRPC {code}: {exc.details()}", code, deadline_expired=code == "DEADLINE_EXCEEDED")
