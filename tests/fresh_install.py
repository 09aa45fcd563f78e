"""Machinery for the tests that replay an install from scratch: copies of the checkout, fresh venvs, a server
started in its own process group and checked over the wire.

A test module builds a wheelhouse once (:func:`wheelhouse`: the project's wheel and every wheel its extras
need) and installs from it alone (:func:`pip_environment`), so each fresh venv costs unpacking, not a
resolution against the package indexes; the dependency metadata, and so what gets installed, are the same.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
from grpc_health.v1 import health_pb2

from .conftest import ROOT, wait_for_grpc_health
from .doc_pages import all_text
from .samples import GENUINE, WRONG_ANSWER, group

TORCH = "torch==2.13.0"
"""The one torch the fresh venvs get (a local CPU wheel here): an open range would pull a CUDA build."""


def clean_environment() -> dict[str, str]:
    """This process's environment without what would point a fresh venv at the test venv or its settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "REWARD_"))}


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    """Run argv to completion; its stdout, or a failure with the tail of both streams."""
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(argv)}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def checkout_files() -> list[str]:
    """What a fresh clone has (tracked files), plus new files not yet committed and not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def copy_checkout(dest: Path) -> Path:
    """A copy of the checkout as a fresh clone has it (no .venv, no generated stubs), at ``dest``."""
    for name in checkout_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    return dest


def project_wheel(folder: Path) -> Path:
    """The project's wheel, built (without its dependencies) from a copy of the checkout into ``folder``."""
    source = copy_checkout(folder / "src")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder), "."], source)
    shutil.rmtree(source)
    return next(folder.glob("stepgrpo_reward_service-*.whl"))


class Wheelhouse(NamedTuple):
    folder: Path
    project: Path
    """The project's own wheel in ``folder``."""


def wheelhouse(folder: Path, extras: str) -> Wheelhouse:
    """``folder`` filled with the project's wheel and the wheels of everything it needs with ``extras`` (torch
    as :data:`TORCH`), and of what building it from source needs (for ``make``)."""
    wheel = project_wheel(folder)
    build = ["setuptools>=68", "grpcio-tools>=1.60"]
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--wheel-dir",
            str(folder),
            TORCH,
            *build,
            f"{wheel}[{extras}]",
        ],
        folder,
    )
    return Wheelhouse(folder, wheel)


def pip_environment(wheels: Path) -> dict[str, str]:
    """:func:`clean_environment` with pip (also the one make runs) installing from ``wheels`` alone, without
    compiling bytecode (half the time of a torch install). pip reads ``PIP_NO_COMPILE=0`` as ``--no-compile``."""
    return clean_environment() | {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_NO_COMPILE": "0"}


def fresh_venv(path: Path, wheels: Path, *requirements: str) -> Path:
    """A new venv at ``path`` with ``requirements`` installed in turn from ``wheels`` (e.g. ``"torch==2.13.0"``
    then ``"WHEEL[trl]"``, as the README orders them); its python."""
    run([sys.executable, "-m", "venv", str(path)], path.parent)
    python = path / "bin" / "python"
    for requirement in requirements:
        run([str(python), "-m", "pip", "install", "--quiet", requirement], path.parent, pip_environment(wheels))
    return python


def wait_ready(url: str, proc: subprocess.Popen, log: Path, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert proc.poll() is None, f"{proc.args} exited with {proc.returncode}:\n{log.read_text()}"
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"not ready in {seconds} s:\n{log.read_text()}")


def start_group(argv: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    """argv in its own process group (so make and the server it starts stop together), output to ``log``."""
    return subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


@contextmanager
def serving(argv: list[str], cwd: Path, env: dict[str, str], port: int, grpc_port: int, seconds: float):
    """Start argv, wait for /readyz, check gRPC health and one score; stop it when the block ends."""
    log = cwd.parent / "server.log"
    proc = start_group(argv, cwd, env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc, log, seconds)
        for name in ("", "reward.v1.RewardService"):
            wait_for_grpc_health(f"127.0.0.1:{grpc_port}", health_pb2.HealthCheckResponse.SERVING, name)
        scored = httpx.post(url + "/v1/score", json={"groups": [group([GENUINE, WRONG_ANSWER])]}, timeout=60)
        assert scored.status_code == 200, scored.text
        assert [r["status"] for r in scored.json()["groups"][0]["results"]] == ["ok", "ok"]
        yield url
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the whole group (make and the server it started), SIGKILL if it lingers."""
    for sig, seconds in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(seconds)
            return
        except subprocess.TimeoutExpired:
            continue


SERVE_HTTP_PORT = 8000
"""``serve run MODULE:app`` has no port flag: Serve's proxy takes its default (on 127.0.0.1)."""
RAY_LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
"""Ray's node on 127.0.0.1 (its address is otherwise the one routed outwards, and a driver started with
``--address auto`` must agree with the node on it), and no usage report."""


def documented_serve_run() -> list[str]:
    """docs/deployment.md's ``serve run service.ray_serve:app ...`` line, its arguments after ``serve``."""
    command = re.search(r"^(serve run service\.ray_serve:app [^#\n]*?)\s*#", all_text(), re.M).group(1)
    return shlex.split(command)[1:]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def serve_running(serve: Path, args: list[str], cwd: Path, env: dict[str, str], log: Path, seconds: float = 300):
    """``serve`` (Ray Serve's CLI) run with ``args`` in its own process group until its application says it is
    ready; stopped, with the Ray it started, when the block ends."""
    proc = start_group([str(serve), *args], cwd, env, log)
    try:
        end = time.monotonic() + seconds
        while not re.search(r"Application '\w+' is ready", log.read_text(errors="replace")):
            assert proc.poll() is None and time.monotonic() < end, log.read_text(errors="replace")[-4000:]
            time.sleep(1)
        yield proc
    finally:
        stop_group(proc)


def handle_example_group(stdout: str) -> dict:
    """examples/ray_handle.py's printed result for group q-1, checked: the right answer above the wrong one."""
    line = next(line for line in stdout.splitlines() if line.startswith("{'group_id': 'q-1'"))
    group = ast.literal_eval(line)
    right, wrong = group["rewards"]
    assert right > wrong and group["advantages"][0] == pytest.approx(-group["advantages"][1]) != 0
    return group
