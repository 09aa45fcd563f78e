"""Retry-After is the pending work over the drain rate the server measured, not a guess per trajectory."""

from __future__ import annotations

import time

from service.scoring.drain_rate import DrainRate

from .samples import GENUINE, group
from .test_backpressure import in_background, slow, wait_until
from .test_pool_faults import serve_in_process


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_counts_busy_seconds_only_and_forgets_beyond_its_window():
    clock = Clock()
    rate = DrainRate(window=10, clock=clock)
    assert rate.per_second() is None and rate.seconds_to_drain(500) == 1  # unmeasured: retry soon
    rate.started(20)
    clock.now += 2
    rate.finished(20)
    clock.now += 50  # idle: no work in flight, so the rate is not diluted
    assert rate.per_second() == 10 and rate.seconds_to_drain(45) == 5
    rate.started(4)
    clock.now += 8
    rate.finished(4)  # a slow spell: 4 in 8 busy seconds
    assert rate.per_second() == 24 / 10
    rate.started(4)
    clock.now += 8
    rate.finished(4)  # the fast spell has left the 10-second window
    assert rate.per_second() == 8 / 10
    assert rate.seconds_to_drain(10_000) == 60 and rate.seconds_to_drain(0) == 1


def test_many_small_slow_requests_do_not_inflate_retry_after_for_big_fast_ones():
    """A moving average per request weighed a request of one slow trajectory as much as one of a
    thousand fast ones; trajectories per busy second weigh each trajectory once."""
    clock = Clock()
    rate = DrainRate(window=30, clock=clock)
    for _ in range(5):
        rate.started(1)
        clock.now += 1
        rate.finished(1)
    rate.started(1000)
    clock.now += 5
    rate.finished(1000)
    assert rate.per_second() == 1005 / 10
    assert rate.seconds_to_drain(1000) == 10


def test_a_429_says_about_as_long_as_the_accepted_work_then_takes(monkeypatch, tmp_path):
    with serve_in_process(monkeypatch, tmp_path, max_trajectories=40, max_pending_trajectories=40, task_size=2) as s:
        assert s.client.post("/v1/score", json={"groups": [group(slow(8))]}).json()["stats"]["ok"] == 8
        first, box = in_background(lambda: s.client.post("/v1/score", json={"groups": [group(slow(40, 100))]}))
        wait_until(lambda: s.app.state.pool.pending == 40)
        queued = time.monotonic()
        refused = s.client.post("/v1/score", json={"groups": [group([GENUINE])]})
        assert refused.status_code == 429, refused.text
        first.join(120)
        drained = time.monotonic() - queued
        assert box["result"].json()["stats"]["ok"] == 40
    retry_after = int(refused.headers["Retry-After"])
    assert drained / 2 <= retry_after <= 2 * drained + 1, (retry_after, drained)
