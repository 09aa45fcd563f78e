"""How long an HTTP request's work may run: until its result, the caller's ``X-Request-Timeout`` (504),
the caller hanging up (:class:`CallerGone`) or the shutdown grace running out (:class:`GraceExpired`).
Whichever ends it first cancels the rest, so abandoned work stops taking workers."""

from __future__ import annotations

import asyncio
import logging
import math

from fastapi import Request
from fastapi.responses import Response

from .errors import Refused, error, field_error

log = logging.getLogger("service.app")

TIMEOUT_HEADER = "X-Request-Timeout"
"""Seconds the caller will wait; past them the work is dropped and the answer is 504."""
EXPIRED_HEADER = "X-Request-Timeout-Expired"
"""On that 504 (value: the caller's seconds): its own deadline passed, so clients never retry it."""
SHOWN_HEADER_CHARS = 40
"""Characters of a bad header value echoed in its 422."""


class CallerGone(Exception):
    """The client closed the connection before its response was ready."""


class GraceExpired(Exception):
    """The shutdown grace ran out before the response was ready."""


def caller_timeout(request: Request) -> float | None:
    """The caller's deadline from ``X-Request-Timeout`` (seconds); raises :class:`Refused` (422) for a bad one."""
    raw = request.headers.get(TIMEOUT_HEADER)
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds < math.inf):
        message = f"must be a positive number of seconds, got {raw[:SHOWN_HEADER_CHARS]!r}"
        raise Refused(field_error(422, ["header", TIMEOUT_HEADER], message, "value_error"))
    return seconds


async def unless(expired: asyncio.Event, work):
    """``work``'s result, or :class:`GraceExpired` (with the work cancelled) once ``expired`` is set."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(expired.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        if not task.done():
            task.cancel()
    if task.done() and not task.cancelled():
        return task.result()
    raise GraceExpired


async def while_caller_waits(request: Request, work, timeout: float | None):
    """``work``'s result, unless the caller disconnects (``CallerGone``) or its deadline passes
    (:class:`Refused` with a 504): then the work is cancelled, and its trajectories not yet begun are dropped."""
    task = asyncio.ensure_future(work)
    deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    watcher = asyncio.ensure_future(disconnected())
    try:
        done, _ = await asyncio.wait({task, watcher}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if task not in done and watcher in done and watcher.exception() is not None:
            # receive() itself failed (a proxy's transport, e.g. Ray Serve's): the caller may still wait
            log.warning("cannot watch for a disconnect: %r", watcher.exception())
            remaining = None if deadline is None else max(0.0, deadline - asyncio.get_running_loop().time())
            done, _ = await asyncio.wait({task}, timeout=remaining)
    except asyncio.CancelledError:  # the request itself is cancelled (shutdown): so is its work
        task.cancel()
        raise
    finally:
        watcher.cancel()
    if task in done:
        return task.result()
    task.cancel()
    if watcher in done and watcher.exception() is None:
        raise CallerGone
    assert timeout is not None  # without a deadline the wait ends only with the work or the watcher
    raise Refused(deadline_passed(timeout))


def deadline_passed(timeout: float) -> Response:
    """The 504 for work not done within the caller's own ``X-Request-Timeout``."""
    return error(
        504,
        f"not scored within the caller's {TIMEOUT_HEADER} of {timeout:g} s; the work was dropped",
        {EXPIRED_HEADER: f"{timeout:g}"},
    )
