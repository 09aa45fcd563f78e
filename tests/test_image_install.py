"""The image's install, replayed without Docker from a clean copy and checked over the wire.

Build the wheel from exactly the files deploy/Dockerfile's build stage copies, install it (with its
dependencies, from the wheels that build made, as the server stage does) into a fresh venv and start
``python -m service`` with the server stage's environment. It reads the Dockerfile, so it follows it: a file
the build needs but the Dockerfile does not copy, or a package the wheel leaves out (the generated gRPC
stubs), fails here as it would in the image. The README's own install paths (``make serve``, ``make demo``,
the extras) are replayed in tests/test_install_paths.py with the same machinery (tests/fresh_install.py).

It takes about a minute (building and installing from the local package index).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, free_port
from .fresh_install import run, serving

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
    with serving([str(python), "-m", "service"], home, env, port, grpc_port, 120):
        pass
