"""Freed heap handed back to the system, so that the front process's memory returns near its idle size
after large requests.

glibc keeps memory that Python has freed in its arenas (one per thread that allocated, and the front
process has many: gRPC's, the executor's) instead of returning it: after sixteen 8 MB requests the front
process stayed hundreds of MB above its idle size. :func:`keep_trimmed` asks glibc's ``malloc_trim`` to
return it, off the event loop, whenever the resident size is :data:`GROWTH_MB` above the lowest it has
been (each check while a large load lasts, and once after it). Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import os
from collections.abc import Callable

log = logging.getLogger("service.heap")
CHECK_SECONDS = 2.0
"""How often the resident size is read."""
GROWTH_MB = 32
"""Growth since the last trim that calls for another."""


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 0.0


def resident_mb() -> float:
    """This process's resident size in MiB (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE_MB
    except (OSError, ValueError, IndexError):
        return 0.0


def trim() -> bool:
    """Return freed heap to the system now; False where that cannot be done."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


async def keep_trimmed(check_seconds: float = CHECK_SECONDS, growth_mb: float = GROWTH_MB) -> None:
    """Run until cancelled: trim (in a thread) whenever the resident size is ``growth_mb`` above the
    lowest it has been after a trim (at first, its size when this starts: idle)."""
    if _TRIM is None or not resident_mb():
        return
    loop = asyncio.get_running_loop()
    floor = resident_mb()
    while True:
        await asyncio.sleep(check_seconds)
        before = resident_mb()
        if before - floor < growth_mb:
            continue
        await loop.run_in_executor(None, trim)
        after = resident_mb()
        floor = min(floor, after)
        log.debug("heap trimmed: %.0f MiB resident, was %.0f", after, before)
