"""Soak: minutes of mixed concurrent load over HTTP and gRPC, with worker kills and hostile items.

    .venv/bin/python -m bench.soak                 # 2 minutes
    .venv/bin/python -m bench.soak --seconds 20    # a shorter run

Starts its own server on 127.0.0.1 (small pending queue, so 429s happen), then runs HTTP clients,
gRPC unary clients and gRPC streams side by side while a killer thread SIGKILLs a random worker every
few seconds. Every request that was accepted must come back with exactly one result per trajectory:
the run prints trajectories sent and answered, and exits 1 if they differ or any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import grpc
import httpx
from google.protobuf import json_format

from .common import Server, free_port, machine_lines, percentile, process_tree, rss_mib, workers
from .workload import GROUP_SIZE, Workload

POWER_TOWER = (
    "### Image Description:\nx\n### Rationales:\ny\n### Step 1:\nCompute it.\n### The final answer is: 5^(5^(5^5))"
)
HOSTILE = [
    "### Step 1:\n" + "\\frac{" * 400 + "1" + "}" * 400 + "\n### The final answer is: 5",
    "### Step 1:\nbig\n### The final answer is: 10^{10^{10^{10}}}",
    "### Step 1:\nAB = 3\x00\x07\x1b[2J\n### The final answer is: 5\x00",
    "### Step 1:\n" + "9" * 20000 + "\n### The final answer is: " + "9" * 5000,
    "### Step 1:\n" + "a = (" * 3000 + "\n### The final answer is: (x+1)^{1000}",
    "x " * 30000,  # one 60 KB line
]
SURROGATE = "### Step 1:\nAB = 3 \ud800 and \udfff\n### The final answer is: 5"
"""Lone surrogates: only JSON can carry them (protobuf strings must be valid UTF-8)."""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter = field(default_factory=Counter)
    sent: int = 0
    answered: int = 0
    statuses: Counter = field(default_factory=Counter)
    refused: int = 0
    failures: list = field(default_factory=list)
    latencies: dict = field(default_factory=lambda: {"http": [], "grpc": [], "stream": []})

    def accepted(self, kind: str, groups: list[dict], results: list[list[dict]], seconds: float) -> None:
        """Count one answered request; a group whose result count differs from its completions is a loss."""
        with self.lock:
            self.requests[kind] += 1
            self.latencies[kind].append(seconds)
            for g, res in zip(groups, results, strict=False):
                self.sent += len(g["completions"])
                self.answered += min(len(res), len(g["completions"]))
                self.statuses.update(r.get("status", "?") for r in res)
            if len(results) != len(groups):
                self.sent += sum(len(g["completions"]) for g in groups[len(results) :])
                self.failures.append(f"{kind}: {len(groups)} groups sent, {len(results)} answered")

    def failed(self, kind: str, why: str) -> None:
        with self.lock:
            self.failures.append(f"{kind}: {why}"[:300])


EXTRA_COMPLETIONS = 2
"""At most one hostile completion and one power tower are added to a batch."""


def batch(rng: random.Random, workload: Workload, json_only: bool, limit: int) -> tuple[str, list[dict]]:
    """A request's profile and groups: 1-16 workload groups, now and then with hostile completions, never
    more completions in all than ``limit`` (the server's --max-trajectories: a bigger request is a 413)."""
    profile = rng.choice(["stepgrpo", "stepgrpo", "r1vl-reference"])
    most = max(1, min(16, (limit - EXTRA_COMPLETIONS) // GROUP_SIZE))
    groups = [g.wire() for g in workload.take(rng.randint(1, most))]
    for g in groups:
        g["completions"] = list(g["completions"])
    if rng.random() < 0.3:
        g = rng.choice(groups)
        g["completions"].append(rng.choice(HOSTILE + ([] if json_only else [SURROGATE])))
    if rng.random() < 0.05:
        rng.choice(groups)["completions"].append(POWER_TOWER)  # a timeout under r1vl-reference
    return profile, groups


def http_client(url: str, tally: Tally, end: float, seed: int, limit: int) -> None:
    rng, workload = random.Random(seed), Workload(seed=seed)
    with httpx.Client(base_url=url, timeout=120, trust_env=False) as client:
        while time.monotonic() < end:
            profile, groups = batch(rng, workload, json_only=False, limit=limit)
            body = json.dumps({"profile": profile, "groups": groups}).encode()
            while time.monotonic() < end:
                started = time.perf_counter()
                try:
                    reply = client.post("/v1/score", content=body, headers={"content-type": "application/json"})
                except httpx.HTTPError as exc:
                    tally.failed("http", f"{type(exc).__name__}: {exc}")
                    break
                if reply.status_code == 429:
                    with tally.lock:
                        tally.refused += 1
                    time.sleep(min(float(reply.headers.get("retry-after", "1")), 2.0) * rng.random())
                    continue
                if reply.status_code != 200:
                    tally.failed("http", f"HTTP {reply.status_code}: {reply.text[:200]}")
                else:
                    tally.accepted(
                        "http", groups, [g["results"] for g in reply.json()["groups"]], time.perf_counter() - started
                    )
                break


def grpc_client(target: str, tally: Tally, end: float, seed: int, limit: int) -> None:
    from service.rewardpb import reward_pb2, reward_pb2_grpc

    rng, workload = random.Random(seed), Workload(seed=seed)
    with grpc.insecure_channel(target) as channel:
        stub = reward_pb2_grpc.RewardServiceStub(channel)
        while time.monotonic() < end:
            profile, groups = batch(rng, workload, json_only=True, limit=limit)
            message = json_format.ParseDict({"profile": profile, "groups": groups}, reward_pb2.ScoreRequest())
            while time.monotonic() < end:
                started = time.perf_counter()
                try:
                    reply = stub.Score(message, timeout=120)
                except grpc.RpcError as exc:
                    if exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
                        with tally.lock:
                            tally.refused += 1
                        pushback = dict(exc.trailing_metadata() or ()).get("grpc-retry-pushback-ms", "1000")
                        time.sleep(min(int(pushback) / 1000, 2.0) * rng.random())
                        continue
                    tally.failed("grpc", f"{exc.code().name}: {exc.details()}")
                    break
                results = [[{"status": r.status} for r in g.results] for g in reply.groups]
                tally.accepted("grpc", groups, results, time.perf_counter() - started)
                break


def stream_client(target: str, tally: Tally, end: float, seed: int, limit: int) -> None:
    from service.rewardpb import reward_pb2, reward_pb2_grpc

    rng, workload = random.Random(seed), Workload(seed=seed)
    with grpc.insecure_channel(target) as channel:
        stub = reward_pb2_grpc.RewardServiceStub(channel)
        while time.monotonic() < end:
            profile, groups = batch(rng, workload, json_only=True, limit=limit)
            for i, g in enumerate(groups):
                g["group_id"] = str(i)
            messages = [
                json_format.ParseDict({"profile": profile, "group": g}, reward_pb2.StreamRequest()) for g in groups
            ]
            started = time.perf_counter()
            try:
                replies = {
                    r.group.group_id: [{"status": x.status} for x in r.group.results]
                    for r in stub.ScoreStream(iter(messages), timeout=120)
                }
            except grpc.RpcError as exc:
                tally.failed("stream", f"{exc.code().name}: {exc.details()}")
                continue
            answered = [g for g in groups if g["group_id"] in replies]
            tally.accepted(
                "stream", answered, [replies[g["group_id"]] for g in answered], time.perf_counter() - started
            )
            if len(answered) != len(groups):
                tally.failed("stream", f"{len(groups) - len(answered)} of {len(groups)} groups never came back")


def killer(server_pid: int, every: float, end: float, kills: list[int], seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() + every < end:
        time.sleep(every)
        pids = workers(server_pid)
        if pids:
            victim = rng.choice(pids)
            try:
                os.kill(victim, signal.SIGKILL)
                kills.append(victim)
            except ProcessLookupError:
                pass


def load_threads(
    args: argparse.Namespace, server: Server, grpc_port: int, end: float, tally: Tally, kills: list[int]
) -> list[threading.Thread]:
    """The HTTP, gRPC and stream clients (and the worker killer) the flags ask for, until ``end``, unstarted."""
    threads = [
        threading.Thread(target=http_client, args=(server.url, tally, end, args.seed + i, args.max_pending))
        for i in range(args.http_clients)
    ]
    threads += [
        threading.Thread(
            target=grpc_client, args=(f"127.0.0.1:{grpc_port}", tally, end, args.seed + 100 + i, args.max_pending)
        )
        for i in range(args.grpc_clients)
    ]
    threads += [
        threading.Thread(
            target=stream_client, args=(f"127.0.0.1:{grpc_port}", tally, end, args.seed + 200 + i, args.max_pending)
        )
        for i in range(args.streams)
    ]
    if args.kill_every > 0:
        threads.append(
            threading.Thread(target=killer, args=(server.running.pid, args.kill_every, end, kills, args.seed))
        )
    return threads


def print_soak_report(
    args: argparse.Namespace, tally: Tally, killed: int, rss: tuple[float, float], alive: bool
) -> int:
    """The soak's figures; returns the trajectories lost."""
    lost = tally.sent - tally.answered
    everything = [x for v in tally.latencies.values() for x in v]
    print("\n".join(machine_lines()))
    print(
        f"soak: {args.seconds:g} s, {args.http_clients} HTTP + {args.grpc_clients} gRPC clients "
        f"+ {args.streams} streams, "
        f"{killed} workers killed, pending bound {args.max_pending}"
    )
    print(
        f"requests answered      {sum(tally.requests.values())}  "
        f"({', '.join(f'{k} {v}' for k, v in sorted(tally.requests.items()))})"
    )
    print(f"refused (429 / RESOURCE_EXHAUSTED, retried)  {tally.refused}")
    print(f"trajectories sent      {tally.sent}")
    print(f"trajectories answered  {tally.answered}")
    print(f"lost                   {lost}")
    print(f"outcomes               {', '.join(f'{k} {v}' for k, v in sorted(tally.statuses.items()))}")
    if everything:
        print(
            f"latency p50 / p99      {percentile(everything, 50) * 1000:.0f} / "
            f"{percentile(everything, 99) * 1000:.0f} ms"
        )
    print(f"server RSS (all procs) {rss[0]:.0f} MiB at start, {rss[1]:.0f} MiB at end")
    print(f"server ready at end    {alive}")
    for failure in tally.failures[:20]:
        print(f"FAILED {failure}")
    return lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--http-clients", type=int, default=3)
    parser.add_argument("--grpc-clients", type=int, default=2)
    parser.add_argument("--streams", type=int, default=1)
    parser.add_argument("--kill-every", type=float, default=10.0, help="seconds between worker kills (0: none)")
    parser.add_argument(
        "--max-pending", type=int, default=256, help="the server's --max-pending-trajectories (small, so 429s happen)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    grpc_port = free_port()
    server = Server(
        "--grpc-port",
        str(grpc_port),
        "--deadline",
        "2",
        "--max-pending-trajectories",
        str(args.max_pending),
        "--max-trajectories",
        str(args.max_pending),
        "--log-level",
        "warning",
    )
    server.start()
    tally = Tally()
    kills: list[int] = []  # the workers' pids, as killed
    try:
        rss_start = rss_mib(process_tree(server.running.pid))
        end = time.monotonic() + args.seconds
        threads = load_threads(args, server, grpc_port, end, tally, kills)
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 300)
        rss_end = rss_mib(process_tree(server.running.pid))
        alive = server.running.poll() is None and httpx.get(server.url + "/readyz", timeout=10).status_code == 200
    finally:
        server.stop()

    lost = print_soak_report(args, tally, len(kills), (rss_start, rss_end), alive)
    return 0 if lost == 0 and not tally.failures and alive and tally.sent > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
