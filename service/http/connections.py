"""Connection limits enforced in uvicorn's HTTP protocol, before any request reaches the app.

uvicorn (httptools) buffers a request's headers without bound and keeps a connection open for as
long as its headers or body trickle in; its ``limit_concurrency`` answers 503 only after reading the
headers, and it counts no refusals. This subclass of its protocol adds, per connection and before
auth or parsing: a cap on header bytes (431), a deadline for the headers (408), an idle deadline
for the body (408), and a cap on open connections. At the cap the connection that has waited
longest without a request in progress (slow headers or idle keep-alive) is closed to make room;
only when every connection is busy with a request is the new one refused (503). Each refusal is
counted in ``reward_refused_connections_total{reason}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from prometheus_client import CollectorRegistry, Counter
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("service.connections")

REASONS = ("header_size", "header_timeout", "body_timeout", "connections", "evicted")
"""Why a connection was refused or closed: headers over the byte cap or too slow, a body that
stalled, the connection cap with nothing to evict, and a waiting connection closed to make room."""


@dataclass(frozen=True)
class ConnectionLimits:
    max_header_bytes: int = 32768
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 1024


def connection_cap(requested: int, reserved: int) -> int:
    """``requested``, raising the process's open-file limit to fit it (plus ``reserved`` descriptors for
    workers, gRPC and files) where the hard limit allows, else the most that fits: past the file limit
    accept() fails before any cap could answer."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = requested + reserved
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < wanted:
        fitted = max(1, soft - reserved)
        log.warning("--max-connections %d lowered to %d: the open-file limit is %d", requested, fitted, soft)
        return fitted
    return requested


def refusal_counter(registry: CollectorRegistry) -> Counter:
    counter = Counter(
        "reward_refused_connections",
        "HTTP connections refused or closed by a connection limit, by reason",
        ["reason"],
        registry=registry,
    )
    for reason in REASONS:
        counter.labels(reason)
    return counter


def _response(status: int, phrase: str, detail: str, retry_after: int | None = None) -> bytes:
    body = json.dumps({"detail": detail}).encode()
    head = [
        f"HTTP/1.1 {status} {phrase}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        "connection: close",
    ]
    if retry_after is not None:
        head.append(f"retry-after: {retry_after}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with connection limits; :func:`limited_protocol` makes one subclass per
    server, holding its limits, its refusal counter and its connections that wait without a request."""

    limits: ClassVar[ConnectionLimits]
    waiting: ClassVar[dict[LimitedHttpToolsProtocol, None]]
    """Connections without a request in progress, oldest first: the ones a new connection may evict."""

    @staticmethod
    def on_refuse(reason: str) -> None:
        """Counts a refusal, by reason (each server's subclass has its own)."""
        raise NotImplementedError

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._refused = False
        self._header_bytes = 0
        self._tail = b""
        self._reading_headers = True
        self._message_done = False
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._last_body = 0.0
        if len(self.connections) >= self.limits.max_connections and not self._evict_one():
            self._refused = True
            self.transport = transport
            self.on_refuse("connections")
            log.warning("refused a connection: %d open, all with a request in progress", len(self.connections))
            transport.write(_response(503, "Service Unavailable", "too many open connections", retry_after=1))
            transport.close()
            return
        super().connection_made(transport)
        self.waiting[self] = None
        self._header_timer = self.loop.call_later(self.limits.header_timeout, self._headers_too_slow)

    def _evict_one(self) -> bool:
        for victim in self.waiting:
            victim._cut("evicted", 408, "Request Timeout", "closed to make room for another connection")
            return True
        return False

    def _cut(self, reason: str, status: int, phrase: str, detail: str) -> None:
        """Answer ``status`` (only if the client has sent part of a request) and close."""
        self.on_refuse(reason)
        self._forget()
        self.connections.discard(self)  # at once: the cap counts it as gone before connection_lost runs
        if self.transport.is_closing():
            return
        if self._header_bytes or not self._reading_headers:
            if self.cycle is None or not self.cycle.response_started:
                self.transport.write(_response(status, phrase, detail))
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.close()

    def _forget(self) -> None:
        self.waiting.pop(self, None)
        for timer in (self._header_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._header_timer = self._body_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._refused:
            return
        self._forget()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._reading_headers:
            if self._header_timer is None:  # the first byte of a request on a kept-alive connection
                self._header_timer = self.loop.call_later(self.limits.header_timeout, self._headers_too_slow)
            window = self._tail + data  # the blank line ending the headers may span two reads
            end = window.find(b"\r\n\r\n")
            self._header_bytes += len(data) if end < 0 else end + 4 - len(self._tail)
            self._tail = window[-3:]
            if self._header_bytes > self.limits.max_header_bytes:  # checked before the parser buffers anything
                log.warning("closed a connection: request headers over %d bytes", self.limits.max_header_bytes)
                self._cut(
                    "header_size",
                    431,
                    "Request Header Fields Too Large",
                    f"request line and headers are over {self.limits.max_header_bytes} bytes",
                )
                return
        super().data_received(data)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._reading_headers and not self.transport.is_closing():
            log.info("closed a connection: no complete request headers within %g s", self.limits.header_timeout)
            detail = f"request headers not received within {self.limits.header_timeout:g} s"
            self._cut("header_timeout", 408, "Request Timeout", detail)

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._message_done = False
        self.waiting.pop(self, None)
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().on_headers_complete()
        self._last_body = self.loop.time()
        self._body_timer = self.loop.call_later(self.limits.body_timeout, self._body_stalled)

    def on_body(self, body: bytes) -> None:
        self._last_body = self.loop.time()
        super().on_body(body)

    def on_message_complete(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        self._message_done = True
        answered = self.cycle is not None and self.cycle.response_complete  # e.g. a 413 sent before the body
        super().on_message_complete()
        if answered and not self.transport.is_closing() and not self.pipeline:
            self._await_next_request()

    def _body_stalled(self) -> None:
        """Close a connection whose body has stopped arriving; not one paused because the app reads slowly."""
        self._body_timer = None
        if self.flow.read_paused:  # the app has not asked for more yet: not the client's delay
            self._last_body = self.loop.time()
        idle = self.loop.time() - self._last_body
        if idle < self.limits.body_timeout:
            self._body_timer = self.loop.call_later(self.limits.body_timeout - idle, self._body_stalled)
            return
        log.info("closed a connection: its request body stalled for %g s", self.limits.body_timeout)
        self._cut("body_timeout", 408, "Request Timeout", f"no request body bytes for {self.limits.body_timeout:g} s")

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._message_done and not self.transport.is_closing() and not self.pipeline:
            self._await_next_request()

    def _await_next_request(self) -> None:
        """Both the request and its response are complete: what comes next is a new request's headers."""
        self._reading_headers = True
        self._header_bytes = 0
        self._tail = b""
        self.waiting[self] = None


def limited_protocol(limits: ConnectionLimits, on_refuse: Callable[[str], None]) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with ``limits``; ``on_refuse(reason)`` counts each refusal.
    One class per server: it holds the server's connections that wait without a request."""
    return type(
        "LimitedHttpToolsProtocol",
        (LimitedHttpToolsProtocol,),
        {"limits": limits, "on_refuse": staticmethod(on_refuse), "waiting": {}},
    )
