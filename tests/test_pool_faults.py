"""Worker faults against the real server: killed workers are replaced and no trajectory is lost."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx

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


def test_killed_workers_are_replaced_and_every_trajectory_answered(server):
    before = worker_pids(server.proc.pid)
    assert len(before) >= 2, before
    box = {}
    payload = {"groups": [group([GENUINE, POWER_TOWER, WRONG_ANSWER])]}
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
    follow = httpx.post(server.url + "/v1/score", json={"groups": [group([GENUINE, WRONG_ANSWER] * 8)] * 2}, timeout=60).json()
    assert follow["stats"]["ok"] == 32
    metrics = httpx.get(server.url + "/metrics").text
    assert 'reward_worker_restarts_total{reason="crash"}' in metrics
    after = worker_pids(server.proc.pid)
    assert len(after) == len(before) and not set(after) & set(before)
    assert httpx.get(server.url + "/readyz").status_code == 200
