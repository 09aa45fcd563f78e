"""The two ways users install the server, replayed from clean copies and checked over the wire.

- The image, without Docker: build the wheel from exactly the files deploy/Dockerfile's build stage
  copies, install it (with its dependencies, from the wheels that build made, as the server stage does)
  into a fresh venv and start ``python -m service`` with the server stage's environment. It reads the
  Dockerfile, so it follows it: a file the build needs but the Dockerfile does not copy, or a package
  the wheel leaves out (the generated gRPC stubs), fails here as it would in the image.
- The README's first command, ``make serve``, in a copy of the checkout with no .venv.

Each takes about a minute (building and installing from the local package index).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from grpc_health.v1 import health_pb2

from .conftest import ROOT, free_port, wait_for_grpc_health
from .samples import GENUINE, WRONG_ANSWER, group

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
IGNORED_COPIES = shutil.ignore_patterns("__pycache__", "*.pyc", "rewardpb", "*.egg-info")


def stage(name: str) -> list[str]:
    """The instruction lines of one Dockerfile stage, continuation lines joined."""
    lines = DOCKERFILE.read_text().replace("\\\n", " ").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"FROM \S+ AS {name}$", line.strip()))
    body = []
    for line in lines[start + 1 :]:
        if line.startswith("FROM "):
            break
        if line.strip() and not line.lstrip().startswith("#"):
            body.append(line.strip())
    return body


def build_context_sources() -> list[str]:
    """Every path the build stage copies from the build context (not from another stage)."""
    sources = []
    for line in stage("build"):
        words = shlex.split(line)
        if words[0] == "COPY" and not any(w.startswith("--from") for w in words):
            sources += [w for w in words[1:-1] if not w.startswith("--")]
    return sources


def server_environment() -> dict[str, str]:
    """The ENV the server stage sets (KEY=VALUE pairs)."""
    env = {}
    for line in stage("server"):
        if line.startswith("ENV "):
            env.update(pair.split("=", 1) for pair in shlex.split(line[4:]))
    return env


def copy_build_context(dest: Path) -> None:
    for source in build_context_sources():
        path = ROOT / source
        assert path.exists(), f"deploy/Dockerfile copies {source}, which the tree does not have"
        if path.is_dir():
            shutil.copytree(path, dest / source, ignore=IGNORED_COPIES)
        else:
            shutil.copy2(path, dest / source)


def run(argv: list[str], cwd: Path) -> None:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(argv)}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"


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


def check_serving(argv: list[str], cwd: Path, env: dict[str, str], port: int, grpc_port: int, seconds: float) -> None:
    """Start argv (in its own process group), wait for /readyz, check gRPC health and one score, stop it."""
    log = cwd.parent / "server.log"
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc, log, seconds)
        for name in ("", "reward.v1.RewardService"):
            wait_for_grpc_health(f"127.0.0.1:{grpc_port}", health_pb2.HealthCheckResponse.SERVING, name)
        scored = httpx.post(url + "/v1/score", json={"groups": [group([GENUINE, WRONG_ANSWER])]}, timeout=60)
        assert scored.status_code == 200, scored.text
        assert [r["status"] for r in scored.json()["groups"][0]["results"]] == ["ok", "ok"]
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


def test_dockerfile_copy_list_is_read_as_the_image_build_sees_it():
    sources = build_context_sources()
    assert {"pyproject.toml", "build_hooks.py", "proto", "service"} <= set(sources), sources
    assert server_environment()["REWARD_GRPC_PORT"]


@pytest.mark.timeout(1200)
def test_wheel_from_the_dockerfiles_files_installs_and_serves_http_and_grpc(tmp_path):
    context, wheels, home = tmp_path / "src", tmp_path / "wheels", tmp_path / "home"
    for folder in (context, home):
        folder.mkdir()
    copy_build_context(context)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(wheels), "."], context)
    built = next(wheels.glob("stepgrpo_reward_service-*.whl"))
    run([sys.executable, "-m", "venv", str(tmp_path / "venv")], tmp_path)
    python = tmp_path / "venv" / "bin" / "python"
    requirement = f"stepgrpo-reward-service=={built.name.split('-')[1]}"
    run([str(python), "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(wheels), requirement], home)

    port, grpc_port = free_port(), free_port()
    env = server_environment() | {"PATH": os.environ["PATH"], "HOME": str(home), "REWARD_HOST": "127.0.0.1"}
    env |= {"REWARD_PORT": str(port), "REWARD_GRPC_PORT": str(grpc_port)}
    imported = subprocess.run(
        [str(python), "-c", "import service; print(service.__file__)"],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert str(tmp_path / "venv") in imported.stdout, "the server runs the installed wheel, not the source tree"
    check_serving([str(python), "-m", "service"], home, env, port, grpc_port, 120)


@pytest.mark.timeout(1200)
def test_make_serve_on_a_fresh_checkout_installs_the_server_alone_and_serves(tmp_path):
    """The README's quick start: `make serve` creates .venv with the server's dependencies only (no
    torch) and serves HTTP and gRPC; afterwards `.venv/bin/python -m service` works on its own."""
    checkout = tmp_path / "checkout"
    for name in checkout_files():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, checkout / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "REWARD_"))}
    # the install step first (what `make serve` does before serving), so the ports picked below are not
    # left for minutes for another process to take
    installed = subprocess.run(
        ["make", ".venv/.server"], cwd=checkout, env=env, capture_output=True, text=True, timeout=900
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    port, grpc_port = free_port(), free_port()
    argv = ["make", "serve", f"PORT={port}", f"GRPC_PORT={grpc_port}"]
    check_serving(argv, checkout, env, port, grpc_port, 300)
    python = checkout / ".venv" / "bin" / "python"
    missing = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('torch'))"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.stdout.strip() == "None", "make serve installs the server alone"
    port, grpc_port = free_port(), free_port()
    argv = [str(python), "-m", "service", "--host", "127.0.0.1", "--port", str(port), "--grpc-port", str(grpc_port)]
    check_serving(argv, checkout, env, port, grpc_port, 120)
