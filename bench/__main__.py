"""``python -m bench [--quick] [--seconds S]``: throughput and latency of the reward service.

Measures, on one deterministic workload (:mod:`bench.workload`):
  1. the ``r1vl-reference`` rules in-process on one core (the baseline), trajectories/s;
  2. the ``stepgrpo`` core in-process on one core, trajectories/s;
  3. both profiles over HTTP against a real server (``python -m service`` on 127.0.0.1, default
     worker count), batches of 256 trajectories, 1 client and 2 concurrent clients;
  4. request latency p50/p99 over HTTP for batches of 16, 256 and 1024 trajectories;
  5. ratios: stepgrpo over HTTP vs the baseline, and the HTTP overhead against an ideal
     in-process run on every core (1-core rate x CPU count), checked against a measured run of
     the in-process scorer in CPU-count processes at once.
Every result status is counted; anything but ``ok`` is reported as an anomaly.
"""

from __future__ import annotations

import argparse
import collections
import functools
import importlib.metadata
import json
import logging
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from service.rewards import PROFILES, PreparedGroup, Reference, Settings

from .workload import GROUP_SIZE, Workload, describe, request_body

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BASELINE, CORE = "r1vl-reference", "stepgrpo"
PROFILE_ORDER = (BASELINE, CORE)
THROUGHPUT_BATCH = 256
LATENCY_BATCHES = (16, 256, 1024)
STARTUP_SECONDS = 180


# ---------------------------------------------------------------- bookkeeping

@dataclass
class Anomalies:
    statuses: collections.Counter = field(default_factory=collections.Counter)
    """(where, profile, status) -> count over every scored trajectory."""
    examples: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)

    def add(self, where: str, profile: str, result: dict, context: str = "") -> None:
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

    def _ours(self) -> float:
        t = os.times()
        ours = t.user + t.system + t.children_user + t.children_system  # children: once waited for
        if self.server_sid is None:
            return ours
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            rest = stat.rsplit(")", 1)[1].split()
            if int(rest[3]) == self.server_sid:  # session id: the server and its workers
                ours += (int(rest[11]) + int(rest[12])) / self.TICK
        return ours

    def start(self) -> tuple[float, float, float]:
        return time.perf_counter(), self._busy_seconds(), self._ours()

    def other_share(self, started: tuple[float, float, float]) -> float:
        t0, busy0, ours0 = started
        wall = time.perf_counter() - t0
        other = (self._busy_seconds() - busy0) - (self._ours() - ours0)
        return max(0.0, other / (wall * (os.cpu_count() or 1))) if wall > 0 else float("nan")


CPU = CpuMeter()


@functools.lru_cache(maxsize=None)
def settings_for(profile: str) -> Settings:
    """The settings a worker gets for this profile and the default options, built the service's own
    way (``scoring_options``)."""
    from service.contract import ScoreRequest
    from service.scoring import scoring_options

    request = ScoreRequest.model_validate_json(json.dumps({"profile": profile, "groups": [{"reference": {"answer": "0"}, "completions": []}]}))
    settings, _ = scoring_options(request)
    return settings


def core_reference(ref: dict) -> Reference:
    return Reference(answer=ref["answer"], key_steps=ref.get("key_steps"), choices=ref.get("choices"), solution=ref.get("solution"))


# ---------------------------------------------------------------- in-process

@dataclass
class InProcess:
    profile: str
    trajectories: int
    seconds: float
    per_trajectory: list[float]
    by_kind: dict
    """kind -> (ok results, summed reward, answers judged correct)."""
    other_cpu: float = float("nan")

    @property
    def rate(self) -> float:
        return self.trajectories / self.seconds


def score_groups(profile: str, groups, record: str | None = None, by_kind: dict | None = None, per_traj: list | None = None) -> list[dict]:
    """Score groups as a worker does: one PreparedGroup per group, then each completion."""
    prof, settings = PROFILES[profile], settings_for(profile)
    out = []
    for g in groups:
        pg = PreparedGroup(core_reference(g.reference), prof, settings)
        for kind, text in zip(g.kinds, g.completions):
            t = time.perf_counter()
            try:
                result = pg.score(text)
            except Exception as exc:  # the worker reports these as status "error"
                result = {"status": "error", "detail": f"{type(exc).__name__}: {exc}"[:300]}
            if per_traj is not None:
                per_traj.append(time.perf_counter() - t)
            if record:
                ANOMALIES.add(record, profile, result, f"group {g.index} ({g.template}/{kind})")
            if by_kind is not None and result["status"] == "ok":
                by_kind.setdefault(kind, []).append(result)
            out.append(result)
    return out


def measure_in_process(profile: str, workload: Workload, seconds: float) -> InProcess:
    """Score fresh groups, 16 at a time, until ``seconds`` of scoring time have passed (generation untimed)."""
    elapsed, n = 0.0, 0
    per_traj: list[float] = []
    by_kind: dict = {}
    meter = CPU.start()
    while elapsed < seconds:
        chunk = workload.take(16)
        t = time.perf_counter()
        score_groups(profile, chunk, "in-process", by_kind, per_traj)
        elapsed += time.perf_counter() - t
        n += sum(len(g.completions) for g in chunk)
    summary = {k: (len(rs), sum(r["reward"] for r in rs), sum(bool(r["answer_correct"]) for r in rs)) for k, rs in by_kind.items()}
    return InProcess(profile, n, elapsed, per_traj, summary, CPU.other_share(meter))


def _forked_child(profile: str, seed: int, start: int, warmup: float, seconds: float, barrier, results) -> None:
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    ANOMALIES.statuses.clear()
    ANOMALIES.examples.clear()
    try:
        warm = Workload(seed, start=start + 10**6)
        score_groups(profile, warm.take(8))
        if warmup:
            measure_in_process(profile, warm, warmup)
        barrier.wait()
        r = measure_in_process(profile, Workload(seed, start=start), seconds)
        results.put(("ok", r, dict(ANOMALIES.statuses), ANOMALIES.examples[:3]))
    except BaseException as exc:  # reported by the parent
        results.put(("failed", f"{type(exc).__name__}: {exc}", {}, []))


def measure_forked(profile: str, seed: int, processes: int, start: int, warmup: float, seconds: float) -> tuple[list[InProcess], float]:
    """The in-process scorer in ``processes`` fresh processes forked from this one (so each has the
    same history: imports, then ``warmup`` s of warm-up), measured together after a barrier.
    Returns each process's measurement and the share of the CPUs that other processes used."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=_forked_child, args=(profile, seed, start + i * 10**7, warmup, seconds, barrier, results), daemon=True)
             for i in range(processes)]
    where = "in-process" if processes == 1 else f"in-proc x{processes}"
    meter = CPU.start()
    for p in procs:
        p.start()
    try:
        out = []
        for _ in procs:
            state, r, statuses, examples = results.get(timeout=warmup + seconds + 600)
            if state != "ok":
                raise RuntimeError(f"in-process measurement of {profile} failed: {r}")
            out.append(r)
            for (_, prof, status), count in statuses.items():
                ANOMALIES.statuses[(where, prof, status)] += count
            ANOMALIES.examples.extend(examples)
    finally:
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
                p.join(5)
    return out, CPU.other_share(meter)


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
            self.proc = subprocess.Popen([sys.executable, "-m", "service", "--host", HOST, "--port", str(self.port), *self.flags],
                                         cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        end = time.monotonic() + STARTUP_SECONDS
        with httpx.Client(base_url=self.url, trust_env=False, timeout=5) as c:
            while time.monotonic() < end:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()}")
                try:
                    if c.get("/readyz").status_code == 200:
                        return time.perf_counter() - t
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(f"server not ready after {STARTUP_SECONDS}s:\n{self.output()}")

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


# ---------------------------------------------------------------- HTTP measurements

@dataclass
class Batch:
    body: bytes
    trajectories: int
    first_group: int


def build_batches(profile: str, workload: Workload, size: int, count: int) -> list[Batch]:
    groups_per = size // GROUP_SIZE
    out = []
    for _ in range(count):
        groups = workload.take(groups_per)
        out.append(Batch(request_body(profile, groups), groups_per * GROUP_SIZE, groups[0].index))
    return out


def post(client: httpx.Client, profile: str, batch: Batch) -> tuple[float, float]:
    """(client seconds, server elapsed seconds) for one request; every result status is counted."""
    t = time.perf_counter()
    resp = client.post("/v1/score", content=batch.body, headers={"content-type": "application/json"})
    seconds = time.perf_counter() - t
    if resp.status_code != 200:
        ANOMALIES.http_errors.append(f"{profile} batch@{batch.first_group}: HTTP {resp.status_code} {resp.text[:300]}")
        return seconds, float("nan")
    data = resp.json()
    n = 0
    for g in data["groups"]:
        if g["status"] != "ok":
            ANOMALIES.examples.append(f"http/{profile} group {g['group_id']}: group status={g['status']} detail={g.get('detail')!r}")
        for r in g["results"]:
            ANOMALIES.add("http", profile, r, f"group {g['group_id']}")
            n += 1
    if n != batch.trajectories:
        ANOMALIES.http_errors.append(f"{profile} batch@{batch.first_group}: {n} results for {batch.trajectories} completions")
    return seconds, data["stats"]["elapsed_ms"] / 1000


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, trust_env=False, timeout=httpx.Timeout(600.0),
                        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4))


@dataclass
class HttpRun:
    profile: str
    clients: int
    batch: int
    trajectories: int
    seconds: float
    latencies: list[float]
    server_seconds: list[float]
    starved: bool
    """True when the prebuilt batches ran out before the time was up (the run is then shorter)."""
    other_cpu: float = float("nan")

    @property
    def rate(self) -> float:
        return self.trajectories / self.seconds


def measure_http(url: str, profile: str, batches: list[Batch], clients: int, seconds: float) -> HttpRun:
    """``clients`` threads post distinct prebuilt batches back to back until ``seconds`` have passed."""
    lock = threading.Lock()
    cursor = iter(batches)
    latencies: list[float] = []
    server_seconds: list[float] = []
    done = [0]
    starved = [False]
    errors: list[BaseException] = []
    meter = CPU.start()
    start = time.perf_counter()

    def run() -> None:
        try:
            with client(url) as c:
                while time.perf_counter() - start < seconds:
                    with lock:
                        batch = next(cursor, None)
                    if batch is None:
                        starved[0] = True
                        return
                    lat, srv = post(c, profile, batch)
                    with lock:
                        latencies.append(lat)
                        server_seconds.append(srv)
                        done[0] += batch.trajectories
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, name=f"bench-client-{i}") for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return HttpRun(profile, clients, batches[0].trajectories, done[0], elapsed, latencies, server_seconds, starved[0], CPU.other_share(meter))


def measure_latency(url: str, profile: str, batches: list[Batch], seconds: float, min_requests: int = 3) -> HttpRun:
    """Sequential requests of one size for ``seconds`` (and at least ``min_requests``)."""
    latencies, server_seconds, n = [], [], 0
    meter = CPU.start()
    start = time.perf_counter()
    with client(url) as c:
        for i, batch in enumerate(batches):
            if time.perf_counter() - start >= seconds and i >= min_requests:
                break
            lat, srv = post(c, profile, batch)
            latencies.append(lat)
            server_seconds.append(srv)
            n += batch.trajectories
    elapsed = time.perf_counter() - start
    return HttpRun(profile, 1, batches[0].trajectories, n, elapsed, latencies, server_seconds, len(latencies) == len(batches) and elapsed < seconds,
                   CPU.other_share(meter))


def cross_check(url: str, profile: str, workload: Workload, n_groups: int = 64) -> tuple[int, int, list[str]]:
    """Score the same groups in-process and over HTTP; (compared, mismatched, examples)."""
    groups = workload.take(n_groups)
    local = score_groups(profile, groups)
    with client(url) as c:
        resp = c.post("/v1/score", content=request_body(profile, groups), headers={"content-type": "application/json"})
    remote = [r for g in resp.json()["groups"] for r in g["results"]]
    keys = ("status", "reward", "step_rar", "step_rvr", "answer_correct", "key_step_ratio")
    bad = []
    for i, (a, b) in enumerate(zip(local, remote)):
        if any(a.get(k) != b.get(k) for k in keys):
            bad.append(f"trajectory {i}: in-process {[a.get(k) for k in keys]} vs HTTP {[b.get(k) for k in keys]}")
    if len(local) != len(remote):
        bad.append(f"{len(local)} local results vs {len(remote)} over HTTP")
    return len(local), len(bad), bad[:3]


# ---------------------------------------------------------------- report

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
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "service"], capture_output=True, text=True, timeout=10).stdout.splitlines()
        code = f"code:    commit {commit or '?'}" + (f" + uncommitted changes in {len(dirty)} file(s) under service/" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        code = "code:    (git unavailable)"
    return [
        code,
        f"machine: nproc={os.cpu_count()} (usable {affinity}), cpu={cpu}, {platform.system()} {platform.release()} {platform.machine()}",
        f"python:  {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"libs:    {', '.join(versions)}",
    ]


def fmt_ms(x: float) -> str:
    return f"{x * 1000:8.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 1 s per measurement (smoke test)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per measurement (default 5, 1 with --quick)")
    parser.add_argument("--warmup", type=float, default=None,
                        help="warm-up seconds per profile, in-process and over HTTP (default 5, 1 with --quick): "
                             "math-verify's ANTLR parser and the answer caches take a few thousand trajectories to reach steady state")
    parser.add_argument("--seed", type=int, default=0, help="workload seed (default 0)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                        help="first wait up to S seconds for other processes to use under 10%% of the CPUs (default 0: no wait)")
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else (1.0 if args.quick else 5.0)
    warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 5.0)
    if seconds <= 0 or warmup < 0:
        parser.error("--seconds must be positive and --warmup not negative")
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally below stops the server

    ncpu = os.cpu_count() or 1
    print("StepGRPO reward service benchmark")
    if args.wait_quiet > 0:
        end, busy = time.monotonic() + args.wait_quiet, float("nan")
        while time.monotonic() < end:
            meter = CPU.start()
            time.sleep(2)
            busy = CPU.other_share(meter)
            if busy < 0.10:
                break
        print(f"waited for a quiet machine: other processes now use {busy:.0%} of the CPUs")
    for line in machine_lines():
        print(line)

    measured = Workload(args.seed)           # every measurement takes fresh groups from here
    warm = Workload(args.seed, start=10**7)  # warm-up groups, disjoint from the measured ones
    sample = describe(Workload(args.seed, start=2 * 10**7).take(512))
    print(f"workload: seed {args.seed}; {GROUP_SIZE} completions/group; completion {sample['bytes_mean']:.0f} B mean "
          f"({sample['bytes_min']}-{sample['bytes_max']}, {sample['in_range']:.0%} in 1.0-1.3 KB); "
          f"{sample['key_groups_mean']:.1f} key-step groups/item")
    total = sum(sample["kinds"].values())
    print("  kinds:   " + ", ".join(f"{k} {v / total:.0%}" for k, v in sample["kinds"].most_common()))
    total = sum(sample["answer_types"].values())
    print("  answers: " + ", ".join(f"{k} {v / total:.0%}" for k, v in sample["answer_types"].most_common()))
    print(f"  templates: {len(sample['templates'])} ({', '.join(sorted(sample['templates']))})")
    print(f"measurement: {seconds:g} s each, after a {warmup:g} s warm-up per profile (in-process and over HTTP); time.perf_counter; 'other' = share of all CPUs used by other processes meanwhile")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(flush=True)

    # 1-2: in-process, one core ----------------------------------------------------------
    # Every in-process figure comes from processes forked from this one after the imports, so the
    # 1-core run, the all-cores check and the server's workers all have the same warm-up history.
    for profile in PROFILE_ORDER:
        score_groups(profile, warm.take(8))  # imports and first calls, shared by the forks
    inproc: dict[str, InProcess] = {}
    for profile in PROFILE_ORDER:
        (r,), other_cpu = measure_forked(profile, args.seed, 1, 3 * 10**7, warmup, seconds)
        r.other_cpu = other_cpu
        inproc[profile] = r
        print(f"[in-process {profile}: {r.rate:.0f} traj/s]", flush=True)
    all_cores: dict[str, tuple[float, int, float]] = {}
    if ncpu > 1:
        for profile in PROFILE_ORDER:
            rs, other_cpu = measure_forked(profile, args.seed, ncpu, 5 * 10**7, warmup, seconds)
            all_cores[profile] = (sum(r.rate for r in rs), sum(r.trajectories for r in rs), other_cpu)
            print(f"[in-process {profile} x{ncpu} processes: {all_cores[profile][0]:.0f} traj/s]", flush=True)

    # 3-4: HTTP -------------------------------------------------------------------------------
    server = Server()
    runs: dict[tuple, HttpRun] = {}
    latency: dict[tuple, HttpRun] = {}
    checks: dict[str, tuple] = {}
    server_log_issue = None
    try:
        startup = server.start()
        CPU.server_sid = server.proc.pid  # start_new_session: the server leads its own session
        info = server.info()
        workers = info.get("workers")
        print(f"[server up on {server.url} in {startup:.1f} s, workers={workers}, deadline={info.get('deadline_seconds')} s, "
              f"core {info.get('core_version')}]", flush=True)
        for profile in PROFILE_ORDER:
            expected = inproc[profile].rate * ncpu * 2.5  # generous: HTTP cannot beat every core in-process
            # warm-up: every worker's caches, the connections, the front end's code paths
            with client(server.url) as c:
                for b in build_batches(profile, warm, 16, 4):
                    post(c, profile, b)
            if warmup:
                batches = build_batches(profile, warm, THROUGHPUT_BATCH, math.ceil(expected * warmup / THROUGHPUT_BATCH) + 8)
                wu = measure_http(server.url, profile, batches, 2, warmup)
                print(f"[http {profile} warm-up: {wu.trajectories} trajectories, {wu.rate:.0f} traj/s]", flush=True)
            for clients in (1, 2):
                count = math.ceil(expected * seconds / THROUGHPUT_BATCH) + 4 * clients
                batches = build_batches(profile, measured, THROUGHPUT_BATCH, count)
                runs[(profile, clients)] = r = measure_http(server.url, profile, batches, clients, seconds)
                print(f"[http {profile} x{clients}: {r.rate:.0f} traj/s]", flush=True)
            for size in LATENCY_BATCHES:
                count = max(3, math.ceil(expected * seconds / size) + 3)
                batches = build_batches(profile, measured, size, count)
                latency[(profile, size)] = r = measure_latency(server.url, profile, batches, seconds)
                print(f"[latency {profile} {size}: p50 {percentile(r.latencies, 50) * 1000:.0f} ms over {len(r.latencies)} requests]", flush=True)
            checks[profile] = cross_check(server.url, profile, measured)
    finally:
        server.stop()
        log_text = server.log.read_text(errors="replace") if server.log.exists() else ""
        if any(w in log_text for w in ("Traceback", " ERROR", "WARNING")):
            server_log_issue = f"server log has errors/warnings: kept at {server.log}"
        else:
            server.log.unlink(missing_ok=True)

    # report -----------------------------------------------------------------------------------------
    base = inproc[BASELINE].rate
    w = 60
    noisy = []

    def other(r) -> str:
        if r.other_cpu > 0.05:
            noisy.append(r)
        return f"{r.other_cpu:5.0%}" + ("!" if r.other_cpu > 0.05 else " ")

    print()
    print("=" * 112)
    print(f"{'measurement':<{w}} {'traj/s':>7} {'trajs':>6} {'secs':>5} {'other':>6}  notes")
    print("-" * 112)
    for profile in PROFILE_ORDER:
        r = inproc[profile]
        tail = f"per traj p50 {percentile(r.per_trajectory, 50) * 1000:.2f} ms, p99 {percentile(r.per_trajectory, 99) * 1000:.1f} ms, max {max(r.per_trajectory) * 1000:.0f} ms"
        label = "(1) baseline: r1vl-reference rules, in-process, 1 core" if profile == BASELINE else "(2) stepgrpo core, in-process, 1 core"
        print(f"{label:<{w}} {r.rate:7.0f} {r.trajectories:6d} {r.seconds:5.1f} {other(r)}  {tail}")
    for profile in PROFILE_ORDER:
        if profile in all_cores:
            rate, n, oth = all_cores[profile]
            label = f"(2b) {profile}, in-process, {ncpu} processes at once"
            shown = f"{oth:5.0%}" + ("!" if oth > 0.05 else " ")
            print(f"{label:<{w}} {rate:7.0f} {n:6d} {seconds:5.1f} {shown}  {rate / inproc[profile].rate:.2f}x the 1-core rate (measured, not in the ratios)")
    for profile in PROFILE_ORDER:
        for clients in (1, 2):
            r = runs[(profile, clients)]
            label = f"(3) {profile} over HTTP, {workers} workers, 256/req, {clients} client{'s' if clients > 1 else ''}"
            note = f"req p50 {percentile(r.latencies, 50) * 1000:.0f} ms, server-side p50 {percentile(r.server_seconds, 50) * 1000:.0f} ms" + (", RAN OUT OF BATCHES" if r.starved else "")
            print(f"{label:<{w}} {r.rate:7.0f} {r.trajectories:6d} {r.seconds:5.1f} {other(r)}  {note}")
    print("-" * 112)
    print("(4) request latency over HTTP, 1 client, sequential (ms; server = the response's stats.elapsed_ms)")
    print(f"    {'profile':<16} {'batch':>6} {'n':>5} {'p50':>8} {'p99':>8} {'max':>8} {'server p50':>11} {'traj/s':>8} {'other':>6}")
    for profile in PROFILE_ORDER:
        for size in LATENCY_BATCHES:
            r = latency[(profile, size)]
            print(f"    {profile:<16} {size:6d} {len(r.latencies):5d} {fmt_ms(percentile(r.latencies, 50))} {fmt_ms(percentile(r.latencies, 99))} "
                  f"{fmt_ms(max(r.latencies))} {fmt_ms(percentile(r.server_seconds, 50)):>11} {r.rate:8.0f} {other(r)}")
    print("-" * 112)
    print(f"(5) ratios (ideal all-cores in-process = 1-core rate x {ncpu} CPUs)")
    for clients in (1, 2):
        print(f"    stepgrpo over HTTP ({clients} client{'s' if clients > 1 else ''}) / baseline in-process 1 core: "
              f"{runs[(CORE, clients)].rate / base:6.2f}x")
    for profile in PROFILE_ORDER:
        ideal = inproc[profile].rate * ncpu
        parts = []
        for clients in (1, 2):
            http = runs[(profile, clients)].rate
            parts.append(f"{clients} client{'s' if clients > 1 else ''} {1 - http / ideal:6.1%}")
        print(f"    HTTP overhead {profile:<15} 1 - ideal_time/http_time: " + ", ".join(parts) + f"   (ideal {ideal:.0f} traj/s)")
    for profile in PROFILE_ORDER:
        if profile in all_cores:
            measured_all = all_cores[profile][0]
            parts = [f"{c} client{'s' if c > 1 else ''} {1 - runs[(profile, c)].rate / measured_all:6.1%}" for c in (1, 2)]
            print(f"    (check) the same against the measured {ncpu}-process rate, {profile:<15}: " + ", ".join(parts))
    print(f"    stepgrpo / baseline, in-process 1 core: {inproc[CORE].rate / base:.2f}x")
    print("-" * 112)
    print("checks")
    for (where, profile, status), n in sorted(ANOMALIES.statuses.items()):
        print(f"    statuses {where:<10} {profile:<15} {status:<8} {n}")
    print(f"    non-ok results: {ANOMALIES.non_ok()} of {ANOMALIES.total()}; HTTP errors: {len(ANOMALIES.http_errors)}")
    for line in ANOMALIES.examples[:10] + ANOMALIES.http_errors[:5]:
        print(f"      ! {line}")
    for profile, (n, bad, examples) in checks.items():
        print(f"    in-process vs HTTP scores, {profile}: {n - bad}/{n} identical" + ("" if not bad else f"  ! {examples}"))
    for profile in PROFILE_ORDER:
        rows = []
        for kind in ("genuine", "partial", "wrong", "malformed"):
            n, reward, correct = inproc[profile].by_kind.get(kind, (0, 0.0, 0))
            if n:
                rows.append(f"{kind} {reward / n:.2f} ({correct / n:.0%} correct)")
        print(f"    mean reward by kind, {profile:<15}: " + ", ".join(rows))
    if noisy:
        print(f"    ! {len(noisy)} measurement(s) ran while other processes used over 5% of the machine's CPU ('other' column, marked !):"
              " their figures are understated; rerun on a quiet machine")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load:
        print(f"    load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if server_log_issue:
        print(f"    ! {server_log_issue}")
    print("=" * 112)
    anomalous = ANOMALIES.non_ok() or ANOMALIES.http_errors or any(bad for _, bad, _ in checks.values())
    return 1 if anomalous else 0


if __name__ == "__main__":
    sys.exit(main())
