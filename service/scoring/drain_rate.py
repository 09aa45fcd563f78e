"""The measured rate at which this server drains its pending trajectories, for ``Retry-After``.

Throughput is counted on a busy clock (seconds during which some trajectory was in flight), so idle
time does not dilute it; the last ``window`` busy seconds count. Seconds until the backlog clears are
then ``pending / rate``: what a client that was refused should wait, whatever mix of fast and slow
trajectories (or how many workers) produced that rate.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class DrainRate:
    def __init__(self, window: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.window = window
        self._clock = clock
        self._in_flight = 0
        self._busy_total = 0.0
        self._busy_since: float | None = None
        self._finished: deque[tuple[float, int]] = deque()  # (busy clock at finish, trajectories)

    def busy_seconds(self) -> float:
        """Seconds so far during which work was in flight."""
        if self._busy_since is None:
            return self._busy_total
        return self._busy_total + self._clock() - self._busy_since

    def started(self, n: int) -> None:
        if n and self._in_flight == 0:
            self._busy_since = self._clock()
        self._in_flight += n

    def finished(self, n: int) -> None:
        """n trajectories left the queue (scored, failed or dropped)."""
        if not n:
            return
        self._finished.append((self.busy_seconds(), n))
        self._in_flight -= n
        if self._in_flight == 0 and self._busy_since is not None:
            self._busy_total += self._clock() - self._busy_since
            self._busy_since = None

    def per_second(self) -> float | None:
        """Trajectories finished per busy second over the window; None before anything finished."""
        busy = self.busy_seconds()
        while self._finished and self._finished[0][0] < busy - self.window:
            self._finished.popleft()
        if not self._finished or busy <= 0:
            return None
        return sum(n for _, n in self._finished) / min(busy, self.window)

    def seconds_to_drain(self, pending: int) -> int:
        """Whole seconds (1 to 60) until ``pending`` trajectories are done at the measured rate (1 unmeasured)."""
        rate = self.per_second()
        if not rate:
            return 1
        return max(1, min(60, math.ceil(pending / rate)))
