"""The one HTTP client of the reward service: sync and async, one retry policy, one error.

``service.client`` (HTTP and gRPC), the TRL and verl adapters and the trainer all go through
:class:`ServiceClient`. It needs only httpx and imports nothing of the server, so a trainer's reward
workers load no server code.

Retried at most ``retries`` times, with exponential backoff and never sooner than ``Retry-After``:
connection errors, timeouts, HTTP 429/502/503/504. Never retried: any other status, and the 504 the
server marks with ``X-Request-Timeout-Expired``: the caller's own deadline (the ``X-Request-Timeout``
this client sends) passed, so asking again cannot help. Whatever fails ends as :class:`RewardServiceError`,
never as a raw httpx error.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import ssl
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Self, TypedDict, TypeVar, Unpack

import httpx

logger = logging.getLogger("stepgrpo_reward")

TOKEN_ENV = "REWARD_AUTH_TOKEN"
TIMEOUT_HEADER = "X-Request-Timeout"
"""Seconds this client waits, sent with each request: the server drops work nobody waits for."""
EXPIRED_HEADER = "X-Request-Timeout-Expired"
"""The server sets it on its 504 when the caller's ``X-Request-Timeout`` passed (value: those seconds)."""
RETRY_STATUS = frozenset({429, 502, 503, 504})
READ_GRACE = 2.0
"""Seconds read beyond the timeout sent to the server: its marked 504 arrives before a read timeout."""
_RETRIED_TRANSPORT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

T = TypeVar("T")


class RewardServiceError(RuntimeError):
    """The service could not score the request; the message says why.

    ``status``: the HTTP status (or gRPC code name) of the last answer, None when none came;
    ``retry_after``: its ``Retry-After`` in seconds; ``deadline_expired``: the caller's own deadline
    passed (HTTP 504 with ``X-Request-Timeout-Expired``, gRPC ``DEADLINE_EXCEEDED``): never retried.
    """

    def __init__(
        self,
        message: str,
        status: int | str | None = None,
        retry_after: float | None = None,
        *,
        deadline_expired: bool = False,
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.deadline_expired = deadline_expired


class Transient(Exception):
    """One failed attempt worth repeating; ``wait``: seconds the server asked for (``Retry-After``)."""

    def __init__(self, reason: str, status: int | str | None = None, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.wait = wait


def bearer_token(token: str | None) -> str | None:
    """``token``, else ``REWARD_AUTH_TOKEN`` stripped (as the server reads it), else None."""
    if token is not None:
        return token
    return os.environ.get(TOKEN_ENV, "").strip() or None


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds, from delta-seconds or an HTTP date; None when absent or unreadable."""
    value = (value or "").strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Connection(TypedDict, total=False):
    """How a client reaches the service: the keyword arguments of :class:`ServiceClient`, which every client
    built on it (``service.client.RewardClient``, the TRL and verl adapters) passes through as they are.

    ``timeout``: seconds to wait for an answer (None: forever; default 120), also sent as ``X-Request-Timeout``;
    ``retries`` (default 3), with ``backoff`` seconds before the first (default 0.5, doubled each time up to
    ``max_backoff``, default 8); ``token``: the server's bearer token (default: ``REWARD_AUTH_TOKEN``);
    ``ca_cert``: a PEM file of certificates to trust for ``https://`` (default: the system's roots)."""

    timeout: float | None
    retries: int
    backoff: float
    max_backoff: float
    token: str | None
    ca_cert: str | os.PathLike | None


class ServiceClient:
    """HTTP(S) to the reward service at ``url``, with bounded retries and backoff (:class:`Connection`: how).
    Picklable: open connections stay behind, and an async client is kept per event loop (a client is bound to
    the loop it ran on).
    """

    def __init__(self, url: str, **connection: Unpack[Connection]):
        unknown = connection.keys() - Connection.__optional_keys__
        if unknown:
            known = ", ".join(sorted(Connection.__optional_keys__))
            raise TypeError(f"unexpected keyword argument {', '.join(sorted(unknown))}: a client takes {known}")
        self.url = url.rstrip("/")
        self.timeout = connection.get("timeout", 120.0)
        self.retries = connection.get("retries", 3)
        self.backoff = connection.get("backoff", 0.5)
        self.max_backoff = connection.get("max_backoff", 8.0)
        self.token = bearer_token(connection.get("token"))
        ca_cert = connection.get("ca_cert")
        self.ca_cert = None if ca_cert is None else str(ca_cert)
        self._verify()  # an unreadable CA file fails here, not at the first request
        self._client: httpx.Client | None = None
        self._async: tuple[asyncio.AbstractEventLoop, httpx.AsyncClient] | None = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_client": None, "_async": None}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def post(self, path: str, body: Any, *, what: str = "request") -> Any:
        """The JSON answer to POSTing ``body``; ``what`` names the request in errors."""
        return self.retrying(lambda: self._answer(self._request("POST", path, body), what))

    def get(self, path: str, *, what: str = "request") -> Any:
        return self.retrying(lambda: self._answer(self._request("GET", path), what))

    async def apost(self, path: str, body: Any, *, what: str = "request") -> Any:
        async def attempt() -> Any:
            return self._answer(await self._arequest("POST", path, body), what)

        return await self.aretrying(attempt)

    def retrying(self, attempt: Callable[[], T]) -> T:
        """``attempt()``, repeated after each :class:`Transient` failure until the retries are spent."""
        tries = 0
        while True:
            try:
                return attempt()
            except Transient as failure:
                time.sleep(self.retry_delay(tries, failure))
            tries += 1

    async def aretrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        tries = 0
        while True:
            try:
                return await attempt()
            except Transient as failure:
                await asyncio.sleep(self.retry_delay(tries, failure))
            tries += 1

    def retry_delay(self, tries: int, failure: Transient) -> float:
        """Seconds to wait before the next attempt (backoff, at least what the server asked for), or
        :class:`RewardServiceError` once ``tries`` attempts beyond the first have failed."""
        if tries >= self.retries:
            raise RewardServiceError(
                f"reward service at {self.url} unavailable after {tries + 1} attempts: {failure.reason}",
                failure.status,
                failure.wait,
            )
        logger.warning("reward service at %s: %s; retrying", self.url, failure.reason)
        return max(failure.wait or 0.0, min(self.max_backoff, self.backoff * 2**tries))

    def _request(self, method: str, path: str, body: Any = None) -> httpx.Response:
        try:
            return self._sync_client().request(method, self.url + path, json=body, headers=self._deadline())
        except httpx.HTTPError as exc:
            raise self._transport_failure(exc) from None

    async def _arequest(self, method: str, path: str, body: Any = None) -> httpx.Response:
        try:
            return await self._async_client().request(method, self.url + path, json=body, headers=self._deadline())
        except httpx.HTTPError as exc:
            raise self._transport_failure(exc) from None

    def _deadline(self) -> dict[str, str]:
        return {} if self.timeout is None else {TIMEOUT_HEADER: f"{self.timeout:g}"}

    def _transport_failure(self, exc: httpx.HTTPError) -> Exception:
        """Connection errors and timeouts are worth another attempt; other httpx errors (a bad URL,
        an unsupported scheme) are not."""
        reason = f"{type(exc).__name__}: {str(exc) or 'no answer in time'}"
        if isinstance(exc, _RETRIED_TRANSPORT):
            return Transient(reason)
        return RewardServiceError(f"{reason} talking to {self.url}")

    def _answer(self, response: httpx.Response, what: str) -> Any:
        """The body of a 200; :class:`Transient` for a status worth retrying; else the error."""
        status = response.status_code
        if status == 200:
            try:
                return response.json()
            except ValueError:
                raise RewardServiceError(
                    f"reward service at {self.url} answered 200 with no JSON: {response.text[:200]!r}", status
                ) from None
        reason = f"HTTP {status}: {response.text[:2000]}"
        if status == 504 and EXPIRED_HEADER in response.headers:
            raise RewardServiceError(
                f"reward service at {self.url} dropped the {what}: this client's {TIMEOUT_HEADER} of "
                f"{response.headers[EXPIRED_HEADER]} s passed (not retried; raise timeout=): {reason}",
                status,
                deadline_expired=True,
            )
        wait = retry_after_seconds(response.headers.get("retry-after"))
        if status in RETRY_STATUS:
            raise Transient(reason, status, wait)
        raise RewardServiceError(f"reward service at {self.url} refused the {what}: {reason}", status, wait)

    def _timeouts(self) -> httpx.Timeout:
        if self.timeout is None:
            return httpx.Timeout(None)
        return httpx.Timeout(self.timeout, read=self.timeout + READ_GRACE)

    def _verify(self) -> ssl.SSLContext | bool:
        return ssl.create_default_context(cafile=self.ca_cert) if self.ca_cert else True

    def _headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"} if self.token else {}

    def _sync_client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeouts(), headers=self._headers(), verify=self._verify())
        return self._client

    def _async_client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            client = httpx.AsyncClient(timeout=self._timeouts(), headers=self._headers(), verify=self._verify())
            self._async = (loop, client)
        return self._async[1]
