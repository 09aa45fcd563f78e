"""Fixtures that start the real server (``python -m service``) on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path
    grpc_target: str | None = None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_server(*flags: str, env: dict | None = None, grpc: bool = False, wait_ready: bool = True) -> Server:
    port = free_port()
    grpc_port = free_port() if grpc else 0
    log = Path(tempfile.mkstemp(prefix="reward-server-", suffix=".log")[1])
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--grpc-port",
            str(grpc_port),
            *flags,
        ],
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    server = Server(f"http://127.0.0.1:{port}", proc, log, f"127.0.0.1:{grpc_port}" if grpc else None)
    if not wait_ready:
        return server
    end = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{server.output()}")
        try:
            if httpx.get(server.url + "/readyz", timeout=2).status_code == 200 and _grpc_serving(server):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server not ready in {STARTUP_SECONDS}s:\n{server.output()}")


def _grpc_serving(server: Server) -> bool:
    """gRPC health follows the pool a poll (0.2 s) after HTTP's /readyz: wait for it too, so that a test's
    first Check does not race the poll."""
    if not server.grpc_target:
        return True
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(server.grpc_target) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


LIMIT_FLAGS = (
    "--max-groups",
    "8",
    "--max-completions-per-group",
    "16",
    "--max-trajectories",
    "40",
    "--max-completion-bytes",
    "20000",
    "--max-request-bytes",
    "300000",
)


@pytest.fixture(scope="session")
def server():
    s = start_server("--workers", "2", "--deadline", "2", *LIMIT_FLAGS, grpc=True)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def wait_for_grpc_health(target: str, status: int, service: str = "", seconds: float = 30) -> None:
    """Poll gRPC health until it reports ``status``: it follows the worker pool and the drain flag by
    polling them (every 0.2 s), so it may trail ``/readyz`` by that much, more on a loaded machine."""
    from grpc import insecure_channel
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    end = time.monotonic() + seconds
    with insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while (now := stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status) != status:
            assert time.monotonic() < end, f"gRPC health of {service!r} is {now}, not {status}, after {seconds} s"
            time.sleep(0.1)
