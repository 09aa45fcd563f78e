"""The scoring process: receives tasks over a pipe, scores them with the pure core, sends results.

Progress (which item is being scored, since when) is written to shared memory before each item,
so the parent can attribute a hang to one trajectory and kill this process on its deadline; the
parent sets a third value when the task's caller has gone, and the task stops before its next item. A group's
reference is prepared inside its first completion's deadline window. Results go back in a few
messages: what is scored so far once at least ``FLUSH_SECONDS`` have passed since the last message
(``("partial", results)``), and the rest at the end (``("done", results)``), so a killed worker's
finished trajectories need not be scored again.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable

from .rewards import PROFILES, CoreReference, PreparedGroup, Settings, UnusableReference

_CACHE_SIZE = 256
FLUSH_SECONDS = 0.05


def _prepared(cache: OrderedDict, key, ref: tuple, profile: str, settings: Settings) -> PreparedGroup | str:
    """The group's prepared reference, or why it cannot be used (any exception fails only its group)."""
    full_key = (key, profile, settings)
    hit = cache.get(full_key)
    if hit is not None:
        cache.move_to_end(full_key)
        return hit
    try:
        value = PreparedGroup(CoreReference(*ref), PROFILES[profile], settings)
    except UnusableReference as exc:
        value = f"reference unusable: {exc}"
    except Exception as exc:
        value = f"reference unusable: {type(exc).__name__}: {exc}"[:500]
    cache[full_key] = value
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return value


def score_task(
    task: dict, progress, cache: OrderedDict, send: Callable[[tuple], None] | None = None
) -> list[tuple[dict, float]]:
    """Score a task's items in order. With ``send``, results scored so far go out as ``("partial",
    results)`` before an item once ``FLUSH_SECONDS`` have passed since the last message; the
    results not yet sent are returned."""
    batch: list[tuple[dict, float]] = []
    position = 0
    last_sent = time.monotonic()
    for key, ref, texts in task["parts"]:
        group = None
        for text in texts:
            if progress[2]:  # the caller has gone: what is not scored yet is dropped
                progress[1] = 0.0
                return batch
            started = time.monotonic()
            if send is not None and batch and started - last_sent >= FLUSH_SECONDS:
                send(("partial", batch))
                batch = []
                last_sent = started = time.monotonic()
            progress[1] = started
            progress[0] = position
            if group is None:  # inside this completion's deadline window
                group = _prepared(cache, key, ref, task["profile"], task["settings"])
            if isinstance(group, str):
                result = {"status": "error", "detail": group}
            else:
                try:
                    result = group.score(text, task["explain"])
                except Exception as exc:  # one bad trajectory must not sink its neighbours
                    result = {"status": "error", "detail": f"{type(exc).__name__}: {exc}"[:500]}
            batch.append((result, time.monotonic() - started))
            position += 1
    progress[1] = 0.0
    return batch


def warm_up() -> None:
    """Import and exercise the heavy paths (math-verify, sympy) before reporting ready."""
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    group = PreparedGroup(CoreReference("\\frac{1}{2}", [["x = 1"]]), PROFILES["stepgrpo"], Settings())
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
    conn.send(("ready", os.getpid()))
    cache: OrderedDict = OrderedDict()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            conn.send(("done", score_task(task, progress, cache, conn.send)))
        except Exception:
            conn.send(("failed", traceback.format_exc(limit=3)[-500:]))
