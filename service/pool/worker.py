"""The scoring process: receives tasks over a pipe, scores them with the pure core, sends results.

Progress (which item is being scored, since when) is written to shared memory before each item
(:data:`POSITION`, :data:`STARTED`), so the parent can attribute a hang to one trajectory and kill this
process on its deadline; :data:`PREPARING` says the group's reference is being prepared (inside its
first completion's deadline window), so that a hang there is the reference's, not the completion's; the
parent sets :data:`CANCELLED` when the task's caller has gone, and the task stops before its next item.
Results go back in a few messages (:class:`Tag`): what is scored so far once at least
``FLUSH_SECONDS`` have passed since the last message (``(Tag.PARTIAL, results)``), and the rest at the
end (``(Tag.DONE, results)``), so a killed worker's finished trajectories need not be scored again.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..rewards import (
    PROFILES,
    CheckedReference,
    CoreReference,
    PreparedGroup,
    Settings,
    UnusableReference,
    checked_reference,
)
from ..rewards.results import Outcome, error_outcome, failure_detail, own_error_outcome

_CACHE_SIZE = 256
FLUSH_SECONDS = 0.05
MAX_TRACEBACK_CHARS = 500
"""The tail of a task's traceback a ``Tag.FAILED`` message carries."""

POSITION, STARTED, CANCELLED, PREPARING = 0, 1, 2, 3
"""The shared progress array: the position in the task of the trajectory being scored, when it started
(``time.monotonic``; 0.0 between trajectories), set by the parent 1.0 once the task's caller has gone, and
1.0 while that trajectory's group reference is being prepared (inside its deadline window)."""
PROGRESS_SLOTS = 4


class Tag(StrEnum):
    """What a message from a worker carries."""

    READY = "ready"
    """Warmed up, with the process id."""
    PARTIAL = "partial"
    """Outcomes scored so far in the task."""
    DONE = "done"
    """The task's last outcomes."""
    FAILED = "failed"
    """The task raised: the tail of its traceback."""


Timed = tuple[Outcome, float]
"""A trajectory's outcome and the seconds it took."""


@dataclass(frozen=True, slots=True)
class Task:
    """What the pool sends a worker: the request's profile, settings and explain flag, and the
    trajectories to score as parts of (reference key, the reference as the front end read it, completions)."""

    profile: str
    settings: Settings
    explain: bool
    parts: list[tuple[str, CheckedReference, list[str]]]


def _prepared(
    cache: OrderedDict, key: Any, ref: CheckedReference, profile: str, settings: Settings
) -> PreparedGroup | str:
    """The group's prepared reference, or why it cannot be used (any exception fails only its group)."""
    full_key = (key, profile, settings)
    hit = cache.get(full_key)
    if hit is not None:
        cache.move_to_end(full_key)
        return hit
    value: PreparedGroup | str
    try:
        value = PreparedGroup(ref, PROFILES[profile], settings)
    except UnusableReference as exc:
        value = f"reference unusable: {exc}"
    except Exception as exc:
        value = failure_detail(exc, "reference unusable: ")
    cache[full_key] = value
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return value


def score_task(task: Task, progress, cache: OrderedDict, send: Callable[[tuple], None] | None = None) -> list[Timed]:
    """Score a task's items in order. With ``send``, results scored so far go out as ``(Tag.PARTIAL,
    results)`` before an item once ``FLUSH_SECONDS`` have passed since the last message; the
    results not yet sent are returned."""
    batch: list[Timed] = []
    position = 0
    last_sent = time.monotonic()
    for key, ref, texts in task.parts:
        group = None
        for text in texts:
            if progress[CANCELLED]:  # the caller has gone: what is not scored yet is dropped
                progress[STARTED] = 0.0
                return batch
            started = time.monotonic()
            if send is not None and batch and started - last_sent >= FLUSH_SECONDS:
                send((Tag.PARTIAL, batch))
                batch = []
                last_sent = started = time.monotonic()
            progress[STARTED] = started
            progress[POSITION] = position
            if group is None:  # inside this completion's deadline window, but marked as the reference's
                progress[PREPARING] = 1.0
                group = _prepared(cache, key, ref, task.profile, task.settings)
                progress[PREPARING] = 0.0
            result: Outcome
            if isinstance(group, str):
                result = error_outcome(group)
            else:
                try:
                    result = group.score(text, task.explain)
                except Exception as exc:  # one bad trajectory must not sink its neighbours; it is paid the lowest
                    result = own_error_outcome(failure_detail(exc))
            batch.append((result, time.monotonic() - started))
            position += 1
    progress[STARTED] = 0.0
    return batch


def warm_up() -> None:
    """Import and exercise the heavy paths (math-verify, sympy) before reporting ready."""
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    reference = checked_reference(CoreReference("\\frac{1}{2}", [["x = 1"]]))
    group = PreparedGroup(reference, PROFILES["stepgrpo"], Settings())
    group.score("### Image Description:\nd\n### Rationales:\nr\n### Step 1:\nx = 1 so\n### The final answer is: 0.5")
    group.score("### Step 1: x = 1\n### The final answer is: $x^2$")


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space, so a runaway expansion raises ``MemoryError`` (an ``error``
    for its trajectory) instead of taking the host down."""
    import resource

    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(conn, progress, memory_limit_mb: int = 0) -> None:
    """Process entry point: serve tasks until the pipe closes."""
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limit_memory(memory_limit_mb)
    warm_up()
    conn.send((Tag.READY, os.getpid()))
    cache: OrderedDict = OrderedDict()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            conn.send((Tag.DONE, score_task(task, progress, cache, conn.send)))
        except Exception:
            conn.send((Tag.FAILED, traceback.format_exc(limit=3)[-MAX_TRACEBACK_CHARS:]))
