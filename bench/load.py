"""Load over the wire: prebuilt batches posted over HTTP or sent as unary gRPC ``Score`` calls.

Request bodies are serialised before the clock starts (JSON for HTTP, protobuf for gRPC), so the
figures measure the service, not the bench's own encoding. Responses are decoded and every
result's status is counted, as a trainer would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import grpc
import httpx
from google.protobuf import json_format

from .common import ANOMALIES, CPU, rss_mib, workers
from .inprocess import score_groups
from .workload import request_body

SCORE_METHOD = "/reward.v1.RewardService/Score"


@dataclass
class Batch:
    body: bytes
    trajectories: int
    first_group: int


def build_batches(profile: str, workload, size: int, count: int, transport: str = "http") -> list[Batch]:
    """``count`` requests of ``size`` trajectories from fresh groups, serialised for ``transport``."""
    out = []
    for _ in range(count):
        groups = workload.take(1)
        while sum(len(g.completions) for g in groups) < size:  # groups of 4; the grpo workload's of 8 and 16
            groups += workload.take(1)
        body = request_body(profile, groups) if transport == "http" else grpc_body(profile, groups)
        out.append(Batch(body, sum(len(g.completions) for g in groups), groups[0].index))
    return out


def grpc_body(profile: str, groups) -> bytes:
    from service.rewardpb import reward_pb2

    message = json_format.ParseDict(
        {"profile": profile, "groups": [g.wire() for g in groups]}, reward_pb2.ScoreRequest()
    )
    return message.SerializeToString()


def count_results(where: str, profile: str, batch: Batch, groups) -> None:
    """Count every result's status; a missing result is a failed request."""
    n = 0
    for g in groups:
        if g["status"] != "ok":
            ANOMALIES.examples.append(
                f"{where}/{profile} group {g['group_id']}: group status={g['status']} detail={g.get('detail')!r}"
            )
        for r in g["results"]:
            ANOMALIES.add(where, profile, r, f"group {g['group_id']}")
            n += 1
    if n != batch.trajectories:
        ANOMALIES.http_errors.append(
            f"{where} {profile} batch@{batch.first_group}: {n} results for {batch.trajectories} completions"
        )


def post(client: httpx.Client, profile: str, batch: Batch) -> tuple[float, float]:
    """(client seconds, server elapsed seconds) for one request; every result status is counted."""
    t = time.perf_counter()
    resp = client.post("/v1/score", content=batch.body, headers={"content-type": "application/json"})
    seconds = time.perf_counter() - t
    if resp.status_code != 200:
        ANOMALIES.http_errors.append(f"{profile} batch@{batch.first_group}: HTTP {resp.status_code} {resp.text[:300]}")
        return seconds, float("nan")
    data = resp.json()
    count_results("http", profile, batch, data["groups"])
    return seconds, data["stats"]["elapsed_ms"] / 1000


def http_client(url: str) -> httpx.Client:
    return httpx.Client(
        base_url=url,
        trust_env=False,
        timeout=httpx.Timeout(600.0),
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
    )


class GrpcClient:
    """A channel and a unary ``Score`` call that sends prebuilt protobuf bytes as they are."""

    def __init__(self, target: str):
        from service.rewardpb import reward_pb2

        self.channel = grpc.insecure_channel(target)
        self.score = self.channel.unary_unary(
            SCORE_METHOD, request_serializer=None, response_deserializer=reward_pb2.ScoreResponse.FromString
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.channel.close()


def send_grpc(client: GrpcClient, profile: str, batch: Batch) -> tuple[float, float]:
    t = time.perf_counter()
    try:
        reply = client.score(batch.body, timeout=600)
    except grpc.RpcError as exc:
        ANOMALIES.http_errors.append(f"grpc {profile} batch@{batch.first_group}: {exc.code().name} {exc.details()}")
        return time.perf_counter() - t, float("nan")
    seconds = time.perf_counter() - t
    groups = [
        {
            "group_id": g.group_id,
            "status": g.status,
            "detail": g.detail,
            "results": [{"status": r.status, "detail": r.detail} for r in g.results],
        }
        for g in reply.groups
    ]
    count_results("grpc", profile, batch, groups)
    return seconds, reply.stats.elapsed_ms / 1000


@dataclass
class LoadRun:
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
    roles: tuple = ()
    """Shares of all CPUs used by (the bench's clients, the server's front end, its workers)."""

    @property
    def rate(self) -> float:
        return self.trajectories / self.seconds if self.seconds else float("nan")


def measure_load(
    connect: Callable, send: Callable, profile: str, batches: Iterable[Batch], clients: int, seconds: float
) -> LoadRun:
    """``clients`` threads send distinct prebuilt batches back to back until ``seconds`` have passed."""
    batch_size = [0]
    lock = threading.Lock()
    cursor = iter(batches)
    latencies: list[float] = []
    server_seconds: list[float] = []
    done = [0]
    starved = [False]
    errors: list[BaseException] = []
    meter, roles = CPU.start(), CPU.roles()
    start = time.perf_counter()

    def run() -> None:
        try:
            with connect() as c:
                first = True
                while first or time.perf_counter() - start < seconds:  # one request at least, on a busy machine too
                    first = False
                    with lock:
                        batch = next(cursor, None)
                    if batch is None:
                        starved[0] = True
                        return
                    batch_size[0] = batch.trajectories
                    lat, srv = send(c, profile, batch)
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
    shares = CPU.role_shares(meter, roles)
    return LoadRun(
        profile,
        clients,
        batch_size[0],
        done[0],
        elapsed,
        latencies,
        server_seconds,
        starved[0],
        CPU.other_share(meter),
        shares,
    )


def measure_http(url: str, profile: str, batches, clients: int, seconds: float) -> LoadRun:
    return measure_load(lambda: http_client(url), post, profile, batches, clients, seconds)


def measure_grpc(target: str, profile: str, batches, clients: int, seconds: float) -> LoadRun:
    return measure_load(lambda: GrpcClient(target), send_grpc, profile, batches, clients, seconds)


def measure_latency(url: str, profile: str, batches: list[Batch], seconds: float, min_requests: int = 3) -> LoadRun:
    """Sequential requests of one size for ``seconds`` (and at least ``min_requests``)."""
    latencies, server_seconds, n = [], [], 0
    meter = CPU.start()
    start = time.perf_counter()
    with http_client(url) as c:
        for i, batch in enumerate(batches):
            if time.perf_counter() - start >= seconds and i >= min_requests:
                break
            lat, srv = post(c, profile, batch)
            latencies.append(lat)
            server_seconds.append(srv)
            n += batch.trajectories
    elapsed = time.perf_counter() - start
    return LoadRun(
        profile,
        1,
        batches[0].trajectories,
        n,
        elapsed,
        latencies,
        server_seconds,
        len(latencies) == len(batches) and elapsed < seconds,
        CPU.other_share(meter),
    )


def cross_check(url: str, profile: str, workload, n_groups: int = 64) -> tuple[int, int, list[str]]:
    """Score the same groups in-process and over HTTP; (compared, mismatched, examples)."""
    groups = workload.take(n_groups)
    local = score_groups(profile, groups)
    with http_client(url) as c:
        resp = c.post("/v1/score", content=request_body(profile, groups), headers={"content-type": "application/json"})
    remote = [r for g in resp.json()["groups"] for r in g["results"]]
    keys = ("status", "reward", "step_rar", "step_rvr", "answer_correct", "key_step_ratio")
    bad = []
    for i, (a, b) in enumerate(zip(local, remote, strict=False)):
        if any(a.get(k) != b.get(k) for k in keys):
            bad.append(f"trajectory {i}: in-process {[a.get(k) for k in keys]} vs HTTP {[b.get(k) for k in keys]}")
    if len(local) != len(remote):
        bad.append(f"{len(local)} local results vs {len(remote)} over HTTP")
    return len(local), len(bad), bad[:3]


def worker_rss(server_pid: int) -> tuple[int, float]:
    """(worker processes, their summed RSS in MiB): the children of the server's forkserver."""
    pids = workers(server_pid)
    return len(pids), rss_mib(pids)


def endless_batches(profile: str, workload, size: int):
    """Fresh batches for as long as they are asked for (built in the client threads: for long runs)."""
    while True:
        yield from build_batches(profile, workload, size, 1)


def rss_under_load(
    url: str, server_pid: int, profile: str, workload, seconds: float, every: float = 10.0
) -> tuple[LoadRun, list[tuple[float, int, float]]]:
    """``seconds`` of 2-client HTTP load on fresh batches, with the workers' RSS sampled every
    ``every`` seconds: [(seconds since the start, workers, MiB)]."""
    samples = [(0.0, *worker_rss(server_pid))]
    result: list[LoadRun] = []
    start = time.perf_counter()
    loader = threading.Thread(
        target=lambda: result.append(measure_http(url, profile, endless_batches(profile, workload, 256), 2, seconds))
    )
    loader.start()
    while loader.is_alive():
        loader.join(every)
        if loader.is_alive() or time.perf_counter() - start - samples[-1][0] > 1:
            samples.append((time.perf_counter() - start, *worker_rss(server_pid)))
    if not result:
        raise RuntimeError("the RSS load run failed")
    return result[0], samples
