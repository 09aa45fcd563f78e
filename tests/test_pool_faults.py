"""Faults against the real server: killed workers are replaced and no trajectory is lost.

The second half serves the real app with uvicorn on 127.0.0.1 inside the test process, so that faults
can be injected: workers whose reference preparation raises, is slow or whose trajectories are slow or
hang (``FaultyWorker``), a front end that raises, worker slots that cannot start a process.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import grpc
import httpx
import pytest
import uvicorn
from google.protobuf import json_format

from .conftest import free_port
from .samples import GENUINE, POWER_TOWER, WRONG_ANSWER, group


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def worker_pids(server_pid: int) -> list[int]:
    """Workers are children of the server's forkserver (the server's own child process)."""
    return [w for child in _children(server_pid) for w in _children(child)]


def replaced_workers(server_pid: int, count: int, wait_s: float = 30.0) -> list[int]:
    """The worker pids once ``count`` are up: replacements start one by one, and on a loaded machine the second may
    still be importing when the first has already answered the follow-up request (bounded: ``wait_s``)."""
    stop = time.monotonic() + wait_s
    pids = worker_pids(server_pid)
    while len(pids) < count and time.monotonic() < stop:
        time.sleep(0.2)
        pids = worker_pids(server_pid)
    return pids


def test_killed_workers_are_replaced_and_every_trajectory_answered(server):
    before = worker_pids(server.proc.pid)
    assert len(before) >= 2, before
    box = {}
    payload = {"profile": "r1vl-reference", "groups": [group([GENUINE, POWER_TOWER, WRONG_ANSWER])]}
    t = threading.Thread(target=lambda: box.update(r=httpx.post(server.url + "/v1/score", json=payload, timeout=120)))
    t.start()
    time.sleep(0.8)
    for pid in before:
        os.kill(pid, signal.SIGKILL)
    t.join(120)
    body = box["r"].json()
    statuses = [r["status"] for r in body["groups"][0]["results"]]
    assert statuses == ["ok", "timeout", "ok"], body
    assert body["groups"][0]["results"][0]["reward"] > body["groups"][0]["results"][2]["reward"]
    follow = httpx.post(
        server.url + "/v1/score", json={"groups": [group([GENUINE, WRONG_ANSWER] * 8)] * 2}, timeout=60
    ).json()
    assert follow["stats"]["ok"] == 32
    metrics = httpx.get(server.url + "/metrics").text
    assert 'reward_worker_restarts_total{reason="crash"}' in metrics
    after = replaced_workers(server.proc.pid, len(before))
    assert len(after) == len(before) and not set(after) & set(before)
    assert httpx.get(server.url + "/readyz").status_code == 200


# ---------------------------------------------------------------- faults injected in process


def faulty_worker_main(log_path: str, conn, progress, memory_limit_mb: int = 0) -> None:
    """``service.pool.worker.main`` with faults keyed on the reference answer and the completion text:
    answer ``prepare-raises`` / ``prepare-slow``; completions ``SLOW <n>`` (0.2 s, reward n, logged to
    ``log_path`` when scored), ``HANG``, ``RAISE`` (scoring raises), ``CRASH`` (the process dies),
    ``CRASH-ONCE <marker path>`` (dies unless the marker exists, then scores as GENUINE), ``ALLOC <MiB>`` and
    ``FAST...`` (reward 1 at once, whatever follows)."""
    from service.pool import worker

    real = worker.PreparedGroup

    class Faulty(real):
        def __init__(self, reference, profile, settings):
            if reference.reference.answer == "prepare-raises":
                raise ValueError("injected preparation failure")
            if reference.reference.answer == "prepare-slow":
                time.sleep(1.5)
            super().__init__(reference, profile, settings)

        def score(self, completion, explain=False):
            if completion == "HANG":
                time.sleep(3600)
            if completion == "RAISE":
                raise ValueError("injected scoring failure")
            if completion.startswith("FAST"):
                return {
                    "status": "ok",
                    "reward": 1.0,
                    "step_rar": 1.0,
                    "step_rvr": 0.0,
                    "answer_correct": True,
                    "key_step_ratio": None,
                }
            if completion == "CRASH":
                os._exit(3)
            if completion.startswith("CRASH-ONCE "):  # dies the first time, scores on the retry
                marker = Path(completion.split()[1])
                if not marker.exists():
                    marker.touch()
                    os._exit(3)
                return super().score(GENUINE, explain)
            if completion.startswith("ALLOC "):  # a runaway allocation of n MiB
                buffer = bytearray(int(completion.split()[1]) * 1024 * 1024)
                return {
                    "status": "ok",
                    "reward": float(len(buffer) > 0),
                    "step_rar": 0.0,
                    "step_rvr": 0.0,
                    "answer_correct": False,
                    "key_step_ratio": None,
                }
            if completion.startswith("SLOW "):
                time.sleep(0.2)
                with open(log_path, "a") as f:
                    f.write(completion + "\n")
                n = float(completion.split()[1])
                return {
                    "status": "ok",
                    "reward": n,
                    "step_rar": n,
                    "step_rvr": 0.0,
                    "answer_correct": False,
                    "key_step_ratio": None,
                }
            return super().score(completion, explain)

    worker.PreparedGroup = Faulty
    worker.main(conn, progress, memory_limit_mb)


@contextmanager
def serve_in_process(monkeypatch, tmp_path, *, ready: bool = True, **config):
    """The real app (``create_app``) under uvicorn on 127.0.0.1, with ``FaultyWorker`` processes."""
    from service.http.app import create_app
    from service.ops.config import Config
    from service.pool import supervisor as pool_module

    log = tmp_path / "scored.log"
    log.touch()
    monkeypatch.setattr(pool_module, "worker", SimpleNamespace(main=functools.partial(faulty_worker_main, str(log))))
    settings = {"workers": 2, "deadline": 1.0, "grpc_port": free_port(), **config}
    cfg = Config(host="127.0.0.1", port=free_port(), log_level="warning", **settings)
    app = create_app(cfg)
    server = uvicorn.Server(uvicorn.Config(app, host=cfg.host, port=cfg.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{cfg.port}"
    try:
        end = time.monotonic() + 120
        while not (server.started and (app.state.pool.ready if ready else app.state.pool.live_workers)):
            assert time.monotonic() < end and thread.is_alive(), "in-process server did not start"
            time.sleep(0.05)
        yield SimpleNamespace(
            url=url,
            app=app,
            grpc_target=f"127.0.0.1:{cfg.grpc_port}",
            scored=log,
            client=httpx.Client(base_url=url, timeout=60),
        )
    finally:
        server.should_exit = True
        thread.join(60)
        assert not thread.is_alive(), "in-process server did not shut down"


@pytest.fixture
def inproc(monkeypatch, tmp_path):
    with serve_in_process(monkeypatch, tmp_path) as s:
        yield s


def metric(client, name: str) -> float:
    """The value of one sample in /metrics (0 when absent)."""
    m = re.search(rf"^{re.escape(name)} (\S+)$", client.get("/metrics").text, re.M)
    return float(m.group(1)) if m else 0.0


def stream(target: str, groups: list[dict], timeout: float = 30) -> dict:
    from service.rewardpb import reward_pb2, reward_pb2_grpc

    items = [json_format.ParseDict({"group": g}, reward_pb2.StreamRequest()) for g in groups]
    with grpc.insecure_channel(target) as channel:
        replies = list(reward_pb2_grpc.RewardServiceStub(channel).ScoreStream(iter(items), timeout=timeout))
    return {r.group.group_id: r.group for r in replies}


def test_a_failing_reference_check_fails_its_group_only(inproc, monkeypatch):
    """Whatever the core raises while the front end checks a reference (here RecursionError, as deep
    key-step JSON once did) makes that group ``error``: never a 500, never a stuck stream."""
    from service.scoring import scorer as scoring

    real = scoring.checked_reference

    def check(reference):
        if reference.answer == "deep":
            raise RecursionError("maximum recursion depth exceeded")
        return real(reference)

    monkeypatch.setattr(scoring, "checked_reference", check)
    r = inproc.client.post(
        "/v1/score", json={"groups": [group([GENUINE], answer="deep"), group([GENUINE, WRONG_ANSWER])]}
    )
    assert r.status_code == 200, r.text
    bad, good = r.json()["groups"]
    assert bad["status"] == "error" and "RecursionError" in bad["detail"] and bad["results"][0]["status"] == "error"
    assert [x["status"] for x in good["results"]] == ["ok", "ok"]
    replies = stream(
        inproc.grpc_target, [group([GENUINE], answer="deep", group_id="deep"), group([GENUINE], group_id="good")]
    )
    assert replies["deep"].status == "error" and "RecursionError" in replies["deep"].detail
    assert replies["good"].results[0].status == "ok"


def test_an_unexpected_front_end_error_is_a_counted_500_and_ends_no_stream(inproc, monkeypatch):
    scorer = inproc.app.state.scorer
    real = scorer.start

    def start(request):
        if any(g.group_id == "boom" for g in request.groups):
            raise RuntimeError("injected")
        return real(request)

    monkeypatch.setattr(scorer, "start", start)
    r = inproc.client.post("/v1/score", json={"groups": [group([GENUINE], group_id="boom")]})
    assert r.status_code == 500 and "RuntimeError" in r.json()["detail"]
    assert metric(inproc.client, 'reward_requests_total{code="500",endpoint="score"}') == 1.0
    assert metric(inproc.client, "reward_in_flight_requests") == 0.0
    replies = stream(
        inproc.grpc_target, [group([GENUINE], group_id="boom"), group([GENUINE, WRONG_ANSWER], group_id="good")]
    )
    assert replies["boom"].status == "error" and "internal error" in replies["boom"].detail
    assert [x.status for x in replies["boom"].results] == ["error"]
    assert [x.status for x in replies["good"].results] == ["ok", "ok"]
    from service.rewardpb import reward_pb2, reward_pb2_grpc

    with grpc.insecure_channel(inproc.grpc_target) as channel:
        with pytest.raises(grpc.RpcError) as err:
            reward_pb2_grpc.RewardServiceStub(channel).Score(
                json_format.ParseDict({"groups": [group([GENUINE], group_id="boom")]}, reward_pb2.ScoreRequest()),
                timeout=30,
            )
    assert err.value.code() == grpc.StatusCode.INTERNAL and "RuntimeError" in err.value.details()


def test_a_reference_that_fails_in_the_worker_fails_only_its_group(inproc):
    """One task holds both groups; the first group's reference raises a ValueError in the worker."""
    body = inproc.client.post(
        "/v1/score",
        json={"groups": [group([GENUINE, GENUINE], answer="prepare-raises"), group([GENUINE, WRONG_ANSWER])]},
    ).json()
    bad, good = body["groups"]
    assert [x["status"] for x in bad["results"]] == ["error", "error"]
    assert all("reference unusable: ValueError: injected" in x["detail"] for x in bad["results"])
    assert [x["status"] for x in good["results"]] == ["ok", "ok"] and good["results"][0]["reward"] == pytest.approx(2.1)


def test_a_reference_past_the_deadline_is_unusable_and_its_completions_are_not_paid(inproc):
    """Preparing a reference (1.5 s, the deadline is 1 s) is timed in its group's first completion's
    window, but the hang is the reference's: its completions get ``reference unusable`` with no reward
    (not a timeout paid the lowest), the completion scored before it in the same task keeps its score, and
    the request's tasks that reach the same reference later get the error at once: tasks [G, S1], [S2, S3],
    [S4] on two workers cost two deadlines, not four."""
    c = inproc.client
    timeouts = metric(c, "reward_timeouts_total")
    body = c.post("/v1/score", json={"groups": [group([GENUINE]), group([GENUINE] * 4, answer="prepare-slow")]}).json()
    before, slow = body["groups"]
    assert before["results"][0]["status"] == "ok" and before["results"][0]["reward"] == pytest.approx(2.1)
    assert [r["status"] for r in slow["results"]] == ["error"] * 4, slow
    assert all(r["detail"] == "reference unusable: preparing it exceeded the 1 s deadline" for r in slow["results"])
    assert [r["reward"] for r in slow["results"]] == [None] * 4 and slow["advantages"] == [0.0] * 4
    assert metric(c, "reward_timeouts_total") - timeouts == 2


def test_a_killed_worker_keeps_what_it_had_scored(inproc):
    """[slow, hang, slow, hang]: each slow trajectory is scored once, so the task costs about its
    items' time plus two deadlines, not the quadratic re-scoring of everything before each hang."""
    c = inproc.client
    timeouts, restarts = metric(c, "reward_timeouts_total"), metric(c, 'reward_worker_restarts_total{reason="timeout"}')
    body = c.post(
        "/v1/score", json={"groups": [group(["SLOW 1", "HANG", "SLOW 2", "HANG"]), group(["SLOW 3", GENUINE])]}
    ).json()
    first, second = body["groups"]
    assert [x["status"] for x in first["results"]] == ["ok", "timeout", "ok", "timeout"]
    assert [x["reward"] for x in first["results"]] == [1.0, 0.0, 2.0, 0.0]  # the hangs are their own: lowest
    assert [x["reward"] for x in second["results"]] == [3.0, pytest.approx(2.1)]
    assert sorted(inproc.scored.read_text().split("\n")[:-1]) == ["SLOW 1", "SLOW 2", "SLOW 3"]
    assert metric(c, "reward_timeouts_total") - timeouts == 2
    assert metric(c, 'reward_worker_restarts_total{reason="timeout"}') - restarts == 2
    assert metric(c, "reward_rescored_trajectories_total") == 0.0


def _not_ready_worker(conn, progress, *_) -> None:
    conn.send(("hello", os.getpid()))
    time.sleep(3600)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_worker_that_does_not_say_ready_is_killed(monkeypatch):
    from service.pool import supervisor as pool_module

    monkeypatch.setattr(pool_module, "worker", SimpleNamespace(main=_not_ready_worker))
    slot = pool_module._Slot(pool_module.WorkerPool(1, 1.0), 0)
    with pytest.raises(RuntimeError, match="instead of ready") as err:
        slot._spawn()
    pid = int(re.search(r"'hello', (\d+)", str(err.value)).group(1))
    end = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < end:
        time.sleep(0.05)
    assert not _alive(pid) and slot.proc is None and not slot.ready


def test_a_slot_that_cannot_start_a_worker_retries_and_admission_needs_only_one(monkeypatch, tmp_path):
    """Worker 1 fails to start until allowed: not ready (503), yet requests are scored by worker 0;
    once its start succeeds (retried with backoff) the service is ready."""
    from service.pool import supervisor as pool_module

    allowed = threading.Event()
    attempts = []
    real = pool_module._Slot._spawn

    def spawn(slot):
        if slot.name.endswith("-1") and not allowed.is_set():
            attempts.append(time.monotonic())
            raise RuntimeError("injected start-up failure")
        real(slot)

    monkeypatch.setattr(pool_module._Slot, "_spawn", spawn)
    with serve_in_process(monkeypatch, tmp_path, ready=False) as s:
        assert s.client.get("/readyz").status_code == 503
        body = s.client.post("/v1/score", json={"groups": [group([GENUINE, WRONG_ANSWER])]})
        assert body.status_code == 200 and body.json()["stats"]["ok"] == 2
        while len(attempts) < 2:
            time.sleep(0.05)
        allowed.set()
        end = time.monotonic() + 30
        while s.client.get("/readyz").status_code != 200:
            assert time.monotonic() < end, "the failing slot never started a worker"
            time.sleep(0.1)
        assert attempts[1] - attempts[0] >= 0.4  # backoff between attempts
        assert s.client.post("/v1/score", json={"groups": [group([GENUINE] * 16)] * 2}).json()["stats"]["ok"] == 32


def test_results_for_a_closed_event_loop_do_not_kill_the_worker_thread(monkeypatch, tmp_path):
    from service.pool import supervisor as pool_module
    from service.pool.supervisor import Item, WorkerPool
    from service.rewards import CoreReference, Settings, checked_reference

    monkeypatch.setattr(
        pool_module, "worker", SimpleNamespace(main=functools.partial(faulty_worker_main, str(tmp_path / "log")))
    )
    pool = WorkerPool(1, 5.0)
    pool.start()
    ref = checked_reference(CoreReference("5"))

    async def submit(text):
        return pool.submit("stepgrpo", Settings(), False, [[Item("k", ref, text)]])[0]

    try:
        assert asyncio.run(pool.wait_ready(120))
        gone = asyncio.new_event_loop()
        gone.run_until_complete(submit("SLOW 1"))
        gone.close()  # the results of SLOW 1 arrive after their loop is closed

        async def second():
            return await asyncio.wait_for(await submit("### The final answer is: 5"), 30)

        ((result, _),) = asyncio.run(second())
        assert result["status"] == "ok" and all(slot.is_alive() for slot in pool._slots)
    finally:
        pool.close()


def test_a_trajectory_whose_worker_dies_is_retried_once_on_a_fresh_worker(inproc, tmp_path):
    """SIGKILL / out-of-memory kills look the same to the pool: the process is gone mid-trajectory."""
    c = inproc.client
    crashes = metric(c, 'reward_worker_restarts_total{reason="crash"}')
    body = c.post(
        "/v1/score", json={"groups": [group([GENUINE, f"CRASH-ONCE {tmp_path / 'once'}", "CRASH", WRONG_ANSWER])]}
    ).json()
    results = body["groups"][0]["results"]
    assert [r["status"] for r in results] == ["ok", "ok", "error", "ok"], results
    assert results[1]["reward"] == pytest.approx(results[0]["reward"])
    assert "died (exit code 3) twice" in results[2]["detail"]
    assert results[2]["reward"] == 0.0 and body["groups"][0]["advantages"][2] < 0  # its own: paid the lowest
    assert metric(c, 'reward_worker_restarts_total{reason="crash"}') - crashes == 3
    assert body["stats"] == {**body["stats"], "trajectories": 4, "ok": 3, "error": 1}


def test_a_worker_over_its_memory_limit_fails_only_that_trajectory(monkeypatch, tmp_path):
    with serve_in_process(monkeypatch, tmp_path, worker_memory_mb=768) as s:
        body = s.client.post("/v1/score", json={"groups": [group(["ALLOC 8", "ALLOC 4096", GENUINE])]}).json()
        results = body["groups"][0]["results"]
        assert [r["status"] for r in results] == ["ok", "error", "ok"], results
        assert "MemoryError" in results[1]["detail"]
        assert s.client.get("/readyz").status_code == 200


def test_a_completion_whose_scoring_raises_is_paid_the_lowest_unless_excluded(inproc):
    """The exception is the completion's own: by default reward 0 and a negative advantage beside a right
    answer; ``unscored: exclude`` leaves it out (reward null, advantage 0). The others score as usual."""
    for option, reward in (("lowest", 0.0), ("exclude", None)):
        body = inproc.client.post(
            "/v1/score",
            json={"groups": [group([GENUINE, "RAISE", WRONG_ANSWER])], "options": {"unscored": option}},
        ).json()
        (g,) = body["groups"]
        assert [r["status"] for r in g["results"]] == ["ok", "error", "ok"], g
        assert g["results"][1]["detail"] == "ValueError: injected scoring failure"
        assert g["results"][1]["reward"] == reward
        assert g["results"][0]["reward"] > g["results"][2]["reward"] > 0
        assert (g["advantages"][1] < 0) if reward == 0.0 else (g["advantages"][1] == 0.0)


def test_work_lost_to_a_shutdown_is_the_services_and_never_paid(monkeypatch, tmp_path):
    """The pool closes while a trajectory hangs and another waits behind it: both are answered ``error``
    without the completion's own mark, so no request option pays them the lowest reward."""
    from service.pool import supervisor as pool_module
    from service.pool.supervisor import Item, WorkerPool
    from service.rewards import CoreReference, Settings, checked_reference
    from service.rewards.results import counted_reward

    monkeypatch.setattr(
        pool_module, "worker", SimpleNamespace(main=functools.partial(faulty_worker_main, str(tmp_path / "log")))
    )
    pool = WorkerPool(1, 60.0)
    pool.start()
    ref = checked_reference(CoreReference("5"))

    async def run():
        assert await pool.wait_ready(120)
        (future,) = pool.submit("stepgrpo", Settings(), False, [[Item("k", ref, "HANG"), Item("k", ref, "FAST")]])
        while not pool._slots[0].progress[pool_module.STARTED]:  # the worker is inside the hanging trajectory
            await asyncio.sleep(0.02)
        await asyncio.get_running_loop().run_in_executor(None, pool.close)
        return await asyncio.wait_for(future, 60)

    outcomes = [outcome for outcome, _ in asyncio.run(run())]
    assert [o["status"] for o in outcomes] == ["error", "error"], outcomes
    assert not any(o.get("own") for o in outcomes)
    assert [counted_reward(o, "lowest") for o in outcomes] == [None, None]
