"""The one client core (stepgrpo_reward.client) under service.client, the TRL and verl adapters: it loads
no server code, retries what is worth retrying (a 503 no sooner than its Retry-After, a read timeout),
never retries the server's "your own deadline passed" 504, and fails as RewardServiceError, never httpx."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from stepgrpo_reward import client as core
from stepgrpo_reward.client import RewardServiceError, retry_after_seconds
from stepgrpo_reward.trl import AsyncStepGRPOReward, StepGRPOReward
from stepgrpo_reward.verl import compute_score_async

from .conftest import ROOT, free_port
from .samples import GENUINE, group
from .test_backpressure import in_background, slow, wait_until
from .test_pool_faults import metric, serve_in_process

SERVER_SIDE = ("fastapi", "starlette", "uvicorn", "grpc", "pydantic", "prometheus_client", "torch")


def fresh_interpreter(code: str) -> dict:
    """What ``code`` (run after the forkserver's preload list is noted) leaves loaded, in a new Python."""
    probe = (
        "import json, sys, multiprocessing.forkserver as fs\n"
        "preload = list(fs._forkserver._preload_modules)\n"
        f"{code}\n"
        "server = sorted(m for m in sys.modules if m == 'service' or m.startswith('service.'))\n"
        f"heavy = [m for m in {SERVER_SIDE!r} if m in sys.modules]\n"
        "print(json.dumps({'server': server, 'heavy': heavy,"
        " 'preload_changed': fs._forkserver._preload_modules != preload}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_client_package_imports_nothing_of_the_server():
    loaded = fresh_interpreter(
        "import stepgrpo_reward, stepgrpo_reward.client, stepgrpo_reward._service, stepgrpo_references\n"
        "import stepgrpo_reward.trl, stepgrpo_reward.verl"
    )
    assert loaded == {"server": [], "heavy": [], "preload_changed": False}


def test_the_grpc_client_loads_no_worker_pool_or_web_framework():
    """service.client is the server package's client: it may load the contract's models, never the
    worker pool (whose import sets the forkserver's preload in the trainer's process) or FastAPI."""
    loaded = fresh_interpreter(
        "from service.client import RewardClient, RewardServiceError\n"
        f"with RewardClient('grpc://127.0.0.1:{free_port()}', retries=0, timeout=10) as c:\n"
        "    try:\n"
        "        c.score([{'reference': {'answer': '5'}, 'completions': ['x']}])\n"
        "    except RewardServiceError as exc:\n"
        "        assert exc.status == 'UNAVAILABLE', exc\n"
    )
    pulled = {"service.pool", "service.scoring.scorer", "service.grpc.server", "service.http", "service.ops.metrics"}
    assert not pulled & set(loaded["server"]), loaded["server"]
    assert "fastapi" not in loaded["heavy"] and not loaded["preload_changed"]


def test_every_client_raises_the_one_error_class():
    import service.client
    import stepgrpo_reward._service
    import stepgrpo_reward.trl
    import stepgrpo_reward.verl

    for module in (service.client, stepgrpo_reward._service, stepgrpo_reward.trl, stepgrpo_reward.verl):
        assert module.RewardServiceError is RewardServiceError, module


def test_every_client_takes_the_cores_connection_arguments_and_no_other():
    """One definition (stepgrpo_reward.client.Connection): each client passes all of it through to the core, and
    a misspelt argument is refused by name, as an explicit signature would refuse it."""
    import service.client
    from stepgrpo_reward._service import ScoreService

    given = {"timeout": 7.0, "retries": 1, "backoff": 0.25, "max_backoff": 2.0, "token": "t0k"}
    assert set(given) | {"ca_cert"} == core.Connection.__optional_keys__
    clients = [
        service.client.RewardClient("http://127.0.0.1:1", **given),
        service.client.RewardClient("grpc://127.0.0.1:1", **given),
        ScoreService("http://127.0.0.1:1", "stepgrpo", run="r", **given),
        StepGRPOReward("http://127.0.0.1:1", run="r", **given).service,
    ]
    for client in clients:
        assert {name: getattr(client, name) for name in given} == given, type(client)
        client.close()
    defaults = core.ServiceClient("http://127.0.0.1:1")
    assert (defaults.timeout, defaults.retries, defaults.backoff, defaults.max_backoff) == (120.0, 3, 0.5, 8.0)
    for make in (core.ServiceClient, service.client.RewardClient, ScoreService, StepGRPOReward):
        with pytest.raises(TypeError, match="retires"):
            make("http://127.0.0.1:1", retires=3)


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("3") == 3.0 and retry_after_seconds(" 1.5 ") == 1.5
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(later) <= 30
    assert retry_after_seconds(format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)) == 0.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None


def test_the_callers_own_deadline_is_marked_and_never_retried(monkeypatch, tmp_path):
    """Past ``X-Request-Timeout`` the server answers 504 with ``X-Request-Timeout-Expired``; every client
    raises at once (one 504 each in the server's count), flagged ``deadline_expired``."""
    from service.client import RewardClient
    from service.http.app import EXPIRED_HEADER

    assert EXPIRED_HEADER == core.EXPIRED_HEADER
    expired = 'reward_requests_total{code="504",endpoint="score"}'
    with serve_in_process(monkeypatch, tmp_path, task_size=2) as s:
        raw = s.client.post("/v1/score", json={"groups": [group(slow(40))]}, headers={"X-Request-Timeout": "0.5"})
        assert raw.status_code == 504 and raw.headers[EXPIRED_HEADER] == "0.5"
        wait_until(lambda: s.app.state.pool.pending == 0)

        def rejects(call) -> RewardServiceError:
            before = metric(s.client, expired)
            with pytest.raises(RewardServiceError) as err:
                call()
            wait_until(lambda: s.app.state.pool.pending == 0)
            assert metric(s.client, expired) == before + 1  # asked once, not retried
            assert err.value.status == 504 and err.value.deadline_expired, err.value
            return err.value

        with RewardClient(s.url, timeout=0.5, retries=3, backoff=0.01) as client:
            error = rejects(lambda: client.score([group(slow(40))]))
        assert "X-Request-Timeout of 0.5 s passed (not retried" in str(error)
        columns = {"answer": ["5"] * 40}
        rejects(lambda: StepGRPOReward(s.url, timeout=0.5, retries=3)(["p"] * 40, slow(40), **columns))
        reward = AsyncStepGRPOReward(s.url, timeout=0.5, retries=3)
        rejects(lambda: asyncio.run(reward(["p"] * 40, slow(40), **columns)))

        with RewardClient("grpc://" + s.grpc_target, timeout=0.5, retries=3) as client:
            with pytest.raises(RewardServiceError) as err:
                client.score([group(slow(40))])
        assert err.value.status == "DEADLINE_EXCEEDED" and err.value.deadline_expired
        wait_until(lambda: s.app.state.pool.pending == 0)


def test_a_503_is_retried_no_sooner_than_its_retry_after(monkeypatch, tmp_path, caplog):
    """While no worker can take tasks the server answers 503 with ``Retry-After: 1``: the client asks
    again no sooner than that (its own backoff is 0.01 s), and is scored once a worker can."""
    from service.client import RewardClient
    from service.pool import supervisor as pool_module

    refused = 'reward_requests_total{code="503",endpoint="score"}'
    with serve_in_process(monkeypatch, tmp_path) as s:
        can_take = threading.Event()
        monkeypatch.setattr(pool_module.WorkerPool, "available", property(lambda pool: can_take.is_set()))
        reward = AsyncStepGRPOReward(s.url, retries=20)
        reward.service.backoff = 0.01
        with RewardClient(s.url, retries=20, backoff=0.01) as client, caplog.at_level(logging.WARNING):
            for attempt, scored in (
                (lambda: client.score([group([GENUINE])]).groups[0].results[0].reward, 2.1),
                (lambda: asyncio.run(reward(["p"], [GENUINE], answer=["5"]))[0], 2.0),
            ):
                caplog.clear()
                can_take.clear()
                before = metric(s.client, refused)
                thread, box = in_background(attempt)
                wait_until(lambda b=before: metric(s.client, refused) >= b + 3)
                can_take.set()
                thread.join(60)
                assert box["result"] == scored, box
                retries = [r for r in caplog.records if "HTTP 503" in r.getMessage() and "retrying" in r.getMessage()]
                assert len(retries) == metric(s.client, refused) - before >= 3
                gaps = [b.created - a.created for a, b in zip(retries, retries[1:], strict=False)]
                assert min(gaps) >= 0.95, gaps


class Silent:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent(monkeypatch):
    monkeypatch.setattr(core, "READ_GRACE", 0.1)  # the client's read timeout: its timeout + 0.1 s
    server = Silent()
    yield server
    server.close()


def test_a_read_timeout_is_retried_then_a_reward_service_error_from_every_adapter(silent):
    columns = {"answer": ["5"]}
    calls = [
        lambda: StepGRPOReward(silent.url, timeout=0.2, retries=1)(["p"], [GENUINE], **columns),
        lambda: asyncio.run(AsyncStepGRPOReward(silent.url, timeout=0.2, retries=1)(["p"], [GENUINE], **columns)),
        lambda: asyncio.run(compute_score_async("demo", GENUINE, "5", url=silent.url, timeout=0.2)),
    ]
    for call, attempts in zip(calls, (2, 2, 4), strict=True):
        before = len(silent.accepted)
        with pytest.raises(RewardServiceError, match=f"unavailable after {attempts} attempts: ReadTimeout") as err:
            call()
        assert err.value.status is None and not err.value.deadline_expired
        assert len(silent.accepted) - before == attempts
