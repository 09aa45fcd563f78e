"""Graceful shutdown on SIGTERM against the real server: not-ready first, in-flight work finished."""

from __future__ import annotations

import signal
import threading
import time

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from .conftest import start_server
from .samples import GENUINE, POWER_TOWER, WRONG_ANSWER, group


def test_sigterm_drains_readiness_first_and_finishes_in_flight_batches():
    server = start_server("--workers", "2", "--deadline", "2", "--drain-seconds", "1.5", "--grace-seconds", "20", grpc=True)
    try:
        box = {}
        # the reference rules hang sympy on the power tower until the 2 s deadline: a batch in flight
        payload = {"profile": "r1vl-reference", "groups": [group([GENUINE, POWER_TOWER, WRONG_ANSWER])]}
        worker = threading.Thread(target=lambda: box.update(r=httpx.post(server.url + "/v1/score", json=payload, timeout=60)))
        worker.start()
        time.sleep(0.5)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        ready = httpx.get(server.url + "/readyz", timeout=5)
        assert ready.status_code == 503 and "draining" in ready.text
        with grpc.insecure_channel(server.grpc_target) as channel:
            status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="reward.v1.RewardService"), timeout=5).status
        assert status == health_pb2.HealthCheckResponse.NOT_SERVING
        served = httpx.post(server.url + "/v1/score", json={"groups": [group([GENUINE, WRONG_ANSWER])]}, timeout=30)
        assert served.status_code == 200, "requests are still served while draining"
        worker.join(60)
        body = box["r"].json()
        assert box["r"].status_code == 200 and [r["status"] for r in body["groups"][0]["results"]] == ["ok", "timeout", "ok"]
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


def test_drain_under_load_answers_every_accepted_request_in_full():
    """Four clients post back to back through SIGTERM: each request is either answered with one result
    per trajectory or refused once the server stops accepting — never cut short. Refused means the
    connect fails, or the server closes an idle keep-alive connection before reading the request on it
    ("Server disconnected without sending a response": uvicorn finishes every request it has read)."""
    server = start_server("--workers", "2", "--drain-seconds", "1", "--grace-seconds", "20", grpc=True)
    outcomes: list[tuple[str, int, int]] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            for i in range(400):  # bounded: the server stops accepting within a few seconds
                completions = [GENUINE, WRONG_ANSWER] * (1 + (i + k) % 4)
                try:
                    r = c.post("/v1/score", json={"groups": [group(completions)] * 3})
                except (httpx.ConnectError, httpx.RemoteProtocolError):
                    with lock:
                        outcomes.append(("refused", 0, 0))
                    return
                answered = sum(len(g["results"]) for g in r.json()["groups"]) if r.status_code == 200 else -1
                with lock:
                    outcomes.append((str(r.status_code), 3 * len(completions), answered))

    try:
        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        server.proc.send_signal(signal.SIGTERM)
        for t in threads:
            t.join(90)
        assert server.proc.wait(30) in (0, -signal.SIGTERM)
    finally:
        server.stop()
    answered = [o for o in outcomes if o[0] == "200"]
    assert len(answered) > 4 and all(sent == got for _, sent, got in answered), outcomes
    assert {o[0] for o in outcomes} <= {"200", "refused"}, outcomes
    assert sum(o[0] == "refused" for o in outcomes) == 4
