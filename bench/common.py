"""What every part of the benchmark shares: anomaly counts, percentiles, the CPU meter, the server and its
processes."""

from __future__ import annotations

import collections
import importlib.metadata
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STARTUP_SECONDS = 180

# ---------------------------------------------------------------- bookkeeping


@dataclass
class Anomalies:
    statuses: collections.Counter = field(default_factory=collections.Counter)
    """(where, profile, status) -> count over every scored trajectory."""
    examples: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)

    def add(self, where: str, profile: str, result: Mapping[str, Any], context: str = "") -> None:
        status = result.get("status")
        self.statuses[(where, profile, status)] += 1
        if status != "ok" and len(self.examples) < 10:
            self.examples.append(f"{where}/{profile} {context}: status={status} detail={result.get('detail')!r}")

    def non_ok(self) -> int:
        return sum(n for (_, _, s), n in self.statuses.items() if s != "ok")

    def total(self) -> int:
        return sum(self.statuses.values())


ANOMALIES = Anomalies()


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


class CpuMeter:
    """Share of the machine's CPU used by processes other than this bench and its server.

    Other work on the machine (a test run, a build) makes a measurement slow without any change in
    the service; every figure carries this share so noisy ones can be spotted.
    """

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self):
        self.server_sid: int | None = None

    def _busy_seconds(self) -> float:
        try:
            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        except OSError:
            return float("nan")
        user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[:8])
        return (user + nice + system + irq + softirq + steal) / self.TICK

    def roles(self) -> tuple[float, float, float]:
        """CPU seconds so far of (this bench, the server's main process, the server's other
        processes: forkserver and workers)."""
        t = os.times()
        bench = t.user + t.system + t.children_user + t.children_system  # children: once waited for
        front = workers = 0.0
        if self.server_sid is None:
            return bench, front, workers
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            rest = stat.rsplit(")", 1)[1].split()
            if int(rest[3]) == self.server_sid:  # session id: the server and its workers
                seconds = (int(rest[11]) + int(rest[12])) / self.TICK
                if int(entry.name) == self.server_sid:
                    front += seconds
                else:
                    workers += seconds
        return bench, front, workers

    def _ours(self) -> float:
        return sum(self.roles())

    def role_shares(self, started: tuple[float, float, float], roles0: tuple[float, float, float]) -> tuple[float, ...]:
        """Shares of all CPUs since ``started`` used by (this bench, the server's front end, its workers)."""
        wall = (time.perf_counter() - started[0]) * (os.cpu_count() or 1)
        return tuple((b - a) / wall for a, b in zip(roles0, self.roles(), strict=False))

    def start(self) -> tuple[float, float, float]:
        return time.perf_counter(), self._busy_seconds(), self._ours()

    def other_share(self, started: tuple[float, float, float]) -> float:
        t0, busy0, ours0 = started
        wall = time.perf_counter() - t0
        other = (self._busy_seconds() - busy0) - (self._ours() - ours0)
        return max(0.0, other / (wall * (os.cpu_count() or 1))) if wall > 0 else float("nan")


CPU = CpuMeter()


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """``python -m service`` on 127.0.0.1 (default worker count, extra ``flags``), in its own process group."""

    def __init__(self, *flags: str):
        self.flags = flags
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        fd, name = tempfile.mkstemp(prefix="bench-server-", suffix=".log")
        os.close(fd)
        self.log = Path(name)
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        t = time.perf_counter()
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "service", "--host", HOST, "--port", str(self.port), *self.flags],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        end = time.monotonic() + STARTUP_SECONDS
        with httpx.Client(base_url=self.url, trust_env=False, timeout=5) as c:
            while time.monotonic() < end:
                if self.running.poll() is not None:
                    raise RuntimeError(f"server exited with {self.running.returncode}:\n{self.output()}")
                try:
                    if c.get("/readyz").status_code == 200:
                        return time.perf_counter() - t
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(f"server not ready after {STARTUP_SECONDS}s:\n{self.output()}")

    @property
    def running(self) -> subprocess.Popen:
        """The server's process; only after start()."""
        if self.proc is None:
            raise RuntimeError("the server is not started")
        return self.proc

    def info(self) -> dict:
        with httpx.Client(base_url=self.url, trust_env=False, timeout=10) as c:
            return c.get("/v1/info").json()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group this bench created for the server
            except ProcessLookupError:
                pass
            proc.wait(10)


# ---------------------------------------------------------------- the machine


def machine_lines() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for pkg in ("math-verify", "sympy", "rapidfuzz", "pydantic", "fastapi", "uvicorn", "httpx"):
        try:
            versions.append(f"{pkg} {importlib.metadata.version(pkg)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "service"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.splitlines()
        code = f"code:    commit {commit or '?'}" + (
            f" + uncommitted changes in {len(dirty)} file(s) under service/" if dirty else ""
        )
    except (OSError, subprocess.SubprocessError):
        code = "code:    (git unavailable)"
    return [
        code,
        f"machine: nproc={os.cpu_count()} (usable {affinity}), cpu={cpu}, "
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"python:  {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"libs:    {', '.join(versions)}",
    ]


# ---------------------------------------------------------------- the server's processes


def children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    kids: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(parent, []).append(int(stat.parent.name))
    return kids


def process_tree(pid: int) -> list[int]:
    kids, out, todo = children(), [pid], [pid]
    while todo:
        below = kids.get(todo.pop(), [])
        out += below
        todo += below
    return out


def workers(server_pid: int) -> list[int]:
    """The scoring processes: children of the server's forkserver."""
    kids = children()
    return [w for child in kids.get(server_pid, []) for w in kids.get(child, [])]


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024
