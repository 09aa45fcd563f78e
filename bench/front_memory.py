"""The front process's memory under large requests and non-reading gRPC streams, and after them.

    .venv/bin/python -m bench.front_memory              # 16 clients x 8 MB, HTTP and gRPC, 4 idle streams
    .venv/bin/python -m bench.front_memory --mb 32      # larger bodies

Starts its own server on 127.0.0.1 (2 workers, gRPC on), then prints the RSS of the front process alone
(not its workers): idle, the peak seen during each load, and after each load once nothing is in flight.
The bodies are mostly groups whose reference is unusable (an empty answer), so the front process reads,
checks and answers every byte while the workers stay idle: what is measured is the front's own holding.
Nothing is asserted; the figures go to docs/security.md.
"""

from __future__ import annotations

import argparse
import json
import threading
import time

import grpc
import httpx
from google.protobuf import json_format

from service.rewardpb import reward_pb2, reward_pb2_grpc

from .common import Server, free_port, rss_mib

COMPLETION = "### Step 1:\nAB = 3 and BC = 4, so AC = 5.\n### The final answer is: 5 " + "x" * 60_000
SETTLE_SECONDS = 3.0


def groups(megabytes: int) -> list[dict]:
    """About ``megabytes`` MB of groups of 8 completions of 60 KB, all but the first unusable (empty answer)."""
    n = max(1, megabytes * 1_000_000 // (8 * len(COMPLETION)))
    return [{"reference": {"answer": "5" if i == 0 else ""}, "completions": [COMPLETION] * 8} for i in range(n)]


class Peak(threading.Thread):
    """Samples the front process's RSS until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_mib([self.pid]))
            self.done.wait(0.05)

    def stop(self) -> float:
        self.done.set()
        self.join()
        return max(self.peak, 0.0)


def settled(server: Server) -> float:
    """The front's RSS once nothing is in flight and a few seconds have passed."""
    with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as c:
        for _ in range(600):
            text = c.get("/metrics").text
            busy = [
                line
                for line in text.splitlines()
                if line.startswith(("reward_in_flight_requests ", "reward_grpc_stream_bytes "))
                and float(line.split()[1]) > 0
            ]
            if not busy:
                break
            time.sleep(0.1)
    time.sleep(SETTLE_SECONDS)
    return rss_mib([server.running.pid])


def concurrently(n: int, call) -> None:
    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=int, default=8, help="MB per request (default 8)")
    p.add_argument("--clients", type=int, default=16, help="concurrent requests per load (default 16)")
    p.add_argument("--streams", type=int, default=4, help="gRPC streams that send and never read (default 4)")
    p.add_argument("--rounds", type=int, default=2, help="times each load is repeated (default 2)")
    args = p.parse_args(argv)
    grpc_port = free_port()
    server = Server("--workers", "2", "--grpc-port", str(grpc_port))
    server.start()
    target = f"127.0.0.1:{grpc_port}"
    try:
        pid = server.running.pid
        body = json.dumps({"groups": groups(args.mb)}).encode()
        message = json_format.ParseDict({"groups": groups(args.mb)}, reward_pb2.ScoreRequest())
        idle = settled(server)
        print(f"front process RSS idle: {idle:.0f} MiB ({args.clients} clients x {len(body) / 1e6:.1f} MB a load)")

        def http_post() -> None:
            with httpx.Client(trust_env=False, timeout=300) as c:
                r = c.post(server.url + "/v1/score", content=body, headers={"content-type": "application/json"})
                assert r.status_code == 200, r.text[:300]

        def grpc_score() -> None:
            with grpc.insecure_channel(target, options=[("grpc.max_send_message_length", 2**30)]) as channel:
                reward_pb2_grpc.RewardServiceStub(channel).Score(message, timeout=300)

        def idle_streams() -> None:
            item = json_format.ParseDict({"group": groups(1)[0]}, reward_pb2.StreamRequest())
            channels = [
                grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
                for _ in range(args.streams)
            ]
            calls = [reward_pb2_grpc.RewardServiceStub(c).ScoreStream(iter([item] * 10_000)) for c in channels]
            time.sleep(10)  # they send until paused, and never read
            for call, channel in zip(calls, channels, strict=True):
                call.cancel()
                channel.close()

        loads = [("HTTP /v1/score", lambda: concurrently(args.clients, http_post))]
        loads.append(("gRPC Score", lambda: concurrently(args.clients, grpc_score)))
        loads.append((f"{args.streams} non-reading ScoreStreams, 10 s", idle_streams))
        for name, load in loads:
            for round_ in range(1, args.rounds + 1):
                peak = Peak(pid)
                peak.start()
                load()
                top = peak.stop()
                after = settled(server)
                print(f"{name} (round {round_}): peak {top:.0f} MiB, after {after:.0f} MiB (idle {idle:.0f})")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
