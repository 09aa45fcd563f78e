"""Graceful shutdown on SIGTERM against the real server: not-ready first, in-flight work finished."""

from __future__ import annotations

import re
import signal
import threading
import time

import httpx
from grpc_health.v1 import health_pb2

from .conftest import start_server, wait_for_grpc_health
from .samples import GENUINE, POWER_TOWER, WRONG_ANSWER, group


def wait_for(condition, what: str, seconds: float = 60) -> None:
    """Poll instead of sleeping a guessed time: on a loaded machine a fixed sleep races the server."""
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, f"not within {seconds} s: {what}"
        time.sleep(0.05)


def in_flight_requests(url: str) -> float:
    text = httpx.get(url + "/metrics", timeout=5).text
    return float(re.search(r"^reward_in_flight_requests (\S+)", text, re.M).group(1))


def test_sigterm_drains_readiness_first_and_finishes_in_flight_batches():
    """The checks made while draining (readiness, gRPC health, a request still served) get an 8 s drain,
    ample on a loaded machine (1.5 s was not); the in-flight batch outlasts it (its power tower runs to
    the 15 s deadline), so it is finished in the grace period after the server stopped accepting."""
    flags = ("--workers", "2", "--deadline", "15", "--drain-seconds", "8", "--grace-seconds", "30")
    server = start_server(*flags, grpc=True)
    try:
        box = {}
        # the reference rules hang sympy on the power tower until the deadline: a batch in flight
        payload = {"profile": "r1vl-reference", "groups": [group([GENUINE, POWER_TOWER, WRONG_ANSWER])]}
        worker = threading.Thread(
            target=lambda: box.update(r=httpx.post(server.url + "/v1/score", json=payload, timeout=60))
        )
        worker.start()
        wait_for(lambda: in_flight_requests(server.url) >= 1, "the batch is in flight")
        server.proc.send_signal(signal.SIGTERM)
        wait_for(lambda: httpx.get(server.url + "/readyz", timeout=5).status_code == 503, "not ready once signalled")
        assert "draining" in httpx.get(server.url + "/readyz", timeout=5).text
        wait_for_grpc_health(server.grpc_target, health_pb2.HealthCheckResponse.NOT_SERVING, "reward.v1.RewardService")
        served = httpx.post(server.url + "/v1/score", json={"groups": [group([GENUINE, WRONG_ANSWER])]}, timeout=30)
        assert served.status_code == 200, "requests are still served while draining"
        worker.join(60)
        body = box["r"].json()
        assert box["r"].status_code == 200 and [r["status"] for r in body["groups"][0]["results"]] == [
            "ok",
            "timeout",
            "ok",
        ]
        assert server.proc.wait(30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after a clean shutdown
        assert "Application shutdown complete" in server.output()
    finally:
        server.stop()


def test_a_second_signal_exits_at_once():
    server = start_server("--workers", "1", "--drain-seconds", "60", "--grace-seconds", "60", grpc=True)
    try:
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert httpx.get(server.url + "/readyz", timeout=5).status_code == 503
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(20)  # far less than the 60 s drain
    finally:
        server.stop()


def refused_before_any_response(exc: httpx.TransportError) -> bool:
    """The ways a server that stops accepting turns a request away before writing a response byte: the
    connect fails; or it closes (FIN: "Server disconnected without sending a response") or resets
    (ECONNRESET / EPIPE while sending or awaiting the reply) an idle keep-alive connection on which the
    client had just sent a request it never read (uvicorn finishes every request it has read)."""
    if isinstance(exc, httpx.ConnectError):
        return True
    if isinstance(exc, httpx.RemoteProtocolError):
        return "without sending a response" in str(exc)
    cause = exc
    while cause is not None and not isinstance(cause, (ConnectionResetError, BrokenPipeError)):
        cause = cause.__cause__ or cause.__context__
    return cause is not None and isinstance(exc, (httpx.ReadError, httpx.WriteError))


def scoring_outcome(c: httpx.Client, completions: list[str]) -> tuple[str, int, int]:
    """(outcome, trajectories sent, results answered). The outcome is the status code when a response
    arrived in full, "refused" when the request was turned away before any response byte, and
    "truncated: ..." when it broke after the response started or in any other way — never counted as
    refused, so a cut-short answer fails the test."""
    sent = 3 * len(completions)
    started = False
    try:
        with c.stream("POST", "/v1/score", json={"groups": [group(completions)] * 3}) as r:
            started = True
            r.read()
    except httpx.TransportError as exc:
        if started or not refused_before_any_response(exc):
            return f"truncated: {exc!r}", sent, 0
        return "refused", sent, 0
    answered = sum(len(g["results"]) for g in r.json()["groups"]) if r.status_code == 200 else -1
    return str(r.status_code), sent, answered


def test_drain_under_load_answers_every_accepted_request_in_full():
    """Four clients post back to back through SIGTERM: each request is either answered with one result
    per trajectory or refused before any response byte once the server stops accepting — never cut
    short. Each client stops at its first refusal, so exactly four requests are refused."""
    server = start_server("--workers", "2", "--drain-seconds", "1", "--grace-seconds", "20", grpc=True)
    outcomes: list[tuple[str, int, int]] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            for i in range(400):  # bounded: the server stops accepting within a few seconds
                outcome = scoring_outcome(c, [GENUINE, WRONG_ANSWER] * (1 + (i + k) % 4))
                with lock:
                    outcomes.append(outcome)
                if outcome[0] != "200":
                    return

    def answered() -> list[tuple[str, int, int]]:
        with lock:
            return [o for o in outcomes if o[0] == "200"]

    try:
        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        wait_for(lambda: len(answered()) >= 8, "eight requests answered before the signal")
        server.proc.send_signal(signal.SIGTERM)
        for t in threads:
            t.join(90)
        assert not any(t.is_alive() for t in threads), "every client ended"
        assert server.proc.wait(30) in (0, -signal.SIGTERM)
    finally:
        server.stop()
    assert all(sent == got for _, sent, got in answered()), outcomes
    assert {o[0] for o in outcomes} <= {"200", "refused"}, outcomes
    assert sum(o[0] == "refused" for o in outcomes) == 4, outcomes
