"""A small client for both transports, with timeouts and bounded retries with backoff.

    from service.client import RewardClient
    with RewardClient("http://127.0.0.1:8000") as client:          # or "grpc://127.0.0.1:50051"
        response = client.score(groups, profile="stepgrpo", options={"explain": True})

Both transports return the same :class:`~service.contract.ScoreResponse`. Connection failures,
HTTP 429/502/503/504, gRPC UNAVAILABLE and an overloaded server's RESOURCE_EXHAUSTED are retried
``retries`` times with exponential backoff (honouring ``Retry-After`` / gRPC retry pushback); after that, or on any other error, :class:`RewardServiceError` says
why — a trainer never gets a silent ``None``.

Against a secured server pass ``token=`` (default: the ``REWARD_AUTH_TOKEN`` environment variable),
sent as ``Authorization: Bearer`` on every call, and use ``https://`` or ``grpcs://`` (``ca_cert=`` names
a PEM file to trust, e.g. a self-signed certificate; default: the system's roots).
"""

from __future__ import annotations

import os
import ssl
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel

from .contract import InfoResponse, ScoreRequest, ScoreResponse, StreamRequest, StreamResult

_RETRY_STATUS = {429, 502, 503, 504}


class RewardServiceError(RuntimeError):
    """The service could not score the request; the message says why."""

    def __init__(self, message: str, status: int | str | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _as_dict(value: Any) -> Any:
    return value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value


class RewardClient:
    def __init__(
        self,
        url: str,
        *,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        token: str | None = None,
        ca_cert: str | os.PathLike | None = None,
    ):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        token = token if token is not None else os.environ.get("REWARD_AUTH_TOKEN", "").strip() or None
        auth = {"authorization": f"Bearer {token}"} if token else {}
        self.transport = "grpc" if self.url.startswith(("grpc://", "grpcs://")) else "http"
        if self.transport == "grpc":
            import grpc

            from .rewardpb import reward_pb2_grpc

            unlimited = [("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)]
            target = self.url.split("://", 1)[1]
            if self.url.startswith("grpcs://"):
                roots = Path(ca_cert).read_bytes() if ca_cert else None
                self._channel = grpc.secure_channel(
                    target, grpc.ssl_channel_credentials(root_certificates=roots), options=unlimited
                )
            else:
                self._channel = grpc.insecure_channel(target, options=unlimited)
            self._stub = reward_pb2_grpc.RewardServiceStub(self._channel)
            self._metadata = tuple(auth.items()) or None
        else:
            verify = ssl.create_default_context(cafile=str(ca_cert)) if ca_cert else True
            self._http = httpx.Client(base_url=self.url, timeout=timeout, headers=auth, verify=verify)

    def __enter__(self) -> RewardClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        (self._channel if self.transport == "grpc" else self._http).close()

    def score(self, groups: list, profile: str = "stepgrpo", options: dict | None = None) -> ScoreResponse:
        request = ScoreRequest.model_validate(
            {"profile": profile, "groups": [_as_dict(g) for g in groups], "options": _as_dict(options or {})}
        )
        body = request.model_dump(mode="json", exclude_none=True)
        if self.transport == "grpc":
            from .grpc_api import dict_to_message, message_to_dict
            from .rewardpb import reward_pb2

            reply = self._retrying(
                lambda: self._stub.Score(
                    dict_to_message(body, reward_pb2.ScoreRequest), timeout=self.timeout, metadata=self._metadata
                )
            )
            return ScoreResponse.model_validate(message_to_dict(reply))
        return ScoreResponse.model_validate(self._retrying(lambda: self._post("/v1/score", body)))

    def score_stream(self, items, profile: str = "stepgrpo", options: dict | None = None):
        """gRPC only: send groups as they come (any iterable), yield each :class:`StreamResult` when ready."""
        if self.transport != "grpc":
            raise RewardServiceError("score_stream needs a grpc:// URL")
        import grpc

        from .grpc_api import dict_to_message, message_to_dict
        from .rewardpb import reward_pb2

        def requests():
            for group in items:
                item = StreamRequest.model_validate(
                    {"profile": profile, "group": _as_dict(group), "options": _as_dict(options or {})}
                )
                yield dict_to_message(item.model_dump(mode="json", exclude_none=True), reward_pb2.StreamRequest)

        try:
            for reply in self._stub.ScoreStream(requests(), timeout=self.timeout, metadata=self._metadata):
                yield StreamResult.model_validate(message_to_dict(reply))
        except grpc.RpcError as exc:
            raise RewardServiceError(f"gRPC {exc.code().name}: {exc.details()}", exc.code().name) from None

    def info(self) -> InfoResponse:
        if self.transport == "grpc":
            from .grpc_api import message_to_dict
            from .rewardpb import reward_pb2

            return InfoResponse.model_validate(
                message_to_dict(
                    self._retrying(
                        lambda: self._stub.Info(reward_pb2.InfoRequest(), timeout=self.timeout, metadata=self._metadata)
                    )
                )
            )
        return InfoResponse.model_validate(self._retrying(lambda: self._get("/v1/info")))

    def _post(self, path: str, body: dict) -> dict:
        # The server drops work it cannot finish before this client would give up anyway.
        headers = {} if self.timeout is None else {"X-Request-Timeout": f"{self.timeout:g}"}
        return self._check(self._http.post(path, json=body, headers=headers))

    def _get(self, path: str) -> dict:
        return self._check(self._http.get(path))

    @staticmethod
    def _check(response: httpx.Response) -> dict:
        if response.status_code == 200:
            return response.json()
        retry_after = response.headers.get("retry-after", "")
        raise RewardServiceError(
            f"HTTP {response.status_code}: {response.text[:2000]}",
            response.status_code,
            float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None,
        )

    def _retrying(self, call):
        """Run ``call``, retrying transient failures with exponential backoff, at most ``retries`` times."""
        attempt = 0
        while True:
            try:
                return call()
            except Exception as exc:
                transient, wait, reason = self._transient(exc)
                if not transient:
                    raise
                if attempt >= self.retries:
                    raise RewardServiceError(
                        f"reward service at {self.url} unavailable after {attempt + 1} attempts: {reason}"
                    ) from None
            delay = min(self.max_backoff, self.backoff * 2**attempt)
            time.sleep(max(delay, wait or 0.0))
            attempt += 1

    def _transient(self, exc: Exception) -> tuple[bool, float | None, str]:
        if isinstance(exc, RewardServiceError):
            own_deadline = exc.status == 504 and "X-Request-Timeout" in str(
                exc
            )  # this client's time is up: do not ask again
            return exc.status in _RETRY_STATUS and not own_deadline, exc.retry_after, str(exc)
        if isinstance(
            exc,
            (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectTimeout, httpx.WriteError),
        ):
            return True, None, f"{type(exc).__name__}: {exc}"
        if isinstance(exc, httpx.HTTPError):
            raise RewardServiceError(f"{type(exc).__name__} talking to {self.url}: {exc}") from None
        if self.transport == "grpc":
            import grpc

            if isinstance(exc, grpc.RpcError):
                code = exc.code()
                if code == grpc.StatusCode.UNAVAILABLE:
                    return True, None, f"gRPC {code.name}: {exc.details()}"
                pushback = dict(exc.trailing_metadata() or ()).get("grpc-retry-pushback-ms")
                if (
                    code == grpc.StatusCode.RESOURCE_EXHAUSTED and pushback is not None and pushback.isdigit()
                ):  # overloaded, not over a limit
                    return True, int(pushback) / 1000, f"gRPC {code.name}: {exc.details()}"
                raise RewardServiceError(f"gRPC {code.name}: {exc.details()}", code.name) from None
        return False, None, str(exc)
