"""`docker compose up` for real, with podman: the repository's docker-compose.yml built and started by
podman-compose from a clean copy of the tree, checked over the wire from the host, and stopped with a drain.

These machines have no Docker engine and no registry, but Debian's podman runs containers as root (with
runc, slirp4netns and a containers.conf of our own: docs/deployment.md). `python:3.11-slim` comes from a
stand-in made by debootstrap (Debian bookworm, whose python3 is 3.11), built once per machine (about two
minutes) and cached as a tarball under ~/.cache/stepgrpo/podman (STEPGRPO_PODMAN_CACHE), keyed by what makes
it. Each run has podman storage of its own in a temporary folder, its own project name and free host ports, so
that runs side by side do not meet, and removes all of it: nothing is left behind but the cached base.

Where podman cannot run containers the tests skip and say why, unless STEPGRPO_COMPOSE_REQUIRED=1 (set by
.ci/run) makes that a failure. The demo trainer's test also needs a torch wheel already on this machine (pip's
own find-links, no index): the CPU index is out of reach here and PyPI's Linux torch is a multi-GB CUDA build.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import yaml
from grpc_health.v1 import health_pb2

from .conftest import ROOT, free_port, wait_for_grpc_health
from .fresh_install import checkout_files
from .samples import GENUINE, POWER_TOWER, WRONG_ANSWER, group

pytestmark = pytest.mark.timeout(1800)  # the first test also builds the base (once) and the server image

REQUIRED = os.environ.get("STEPGRPO_COMPOSE_REQUIRED") == "1"
BASE_IMAGE = "docker.io/library/python:3.11-slim"
BASE_SUITE = "bookworm"
BASE_PACKAGES = "python3,python3-venv,python3-pip,ca-certificates"
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
BUILD_ARGS = "--network host --format docker"
"""pip in the build reaches the index through the host's network; the docker format keeps the HEALTHCHECK."""
CONTAINERS_CONF = """\
[containers]
netns = "slirp4netns"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
"""
"""crun and podman's default limits fail on these machines; slirp4netns makes no bridge for a lone container."""
STORAGE_CONF = """\
[storage]
driver = "overlay"
graphroot = "{root}/graph"
runroot = "{root}/run"
"""


def unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} — STEPGRPO_COMPOSE_REQUIRED=1")
    pytest.skip(reason)


def podman_compose() -> str | None:
    return shutil.which("podman-compose", path=str(Path(sys.executable).parent)) or shutil.which("podman-compose")


def missing_for_podman() -> str | None:
    """Why podman cannot run the stack here, or None."""
    if sys.platform != "linux" or os.geteuid() != 0:
        return "podman runs these containers as root on Linux (rootless podman needs subuid ranges set up)"
    absent = [name for name in ("podman", "runc", "slirp4netns", "debootstrap", "tar") if not shutil.which(name)]
    if absent:
        return f"not installed: {', '.join(absent)} (apt-get install podman runc slirp4netns debootstrap ...)"
    if not podman_compose():
        return "podman-compose is not installed (pip install podman-compose; the test extra has it)"
    if not HOST_CA.is_file():
        return f"no {HOST_CA} for the base image to trust"
    return None


def apt_mirror() -> str:
    """The Debian mirror this machine's apt uses (deb822 or one-line sources), for debootstrap."""
    sources = sorted(Path("/etc/apt/sources.list.d").glob("*.sources")) + [Path("/etc/apt/sources.list")]
    for path in sources:
        text = path.read_text() if path.is_file() else ""
        for stanza in re.split(r"\n\s*\n", text):
            uris = re.search(r"^URIs:\s*(\S+)", stanza, re.M)
            if uris and re.search(rf"^Suites:.*\b{BASE_SUITE}\b", stanza, re.M):
                return uris.group(1)
        one_line = re.search(rf"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+{BASE_SUITE}\s", text, re.M)
        if one_line:
            return one_line.group(1)
    return "http://deb.debian.org/debian"


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "stepgrpo" / "podman"
    return Path(os.environ.get("STEPGRPO_PODMAN_CACHE") or default)


def cached_base() -> Path:
    """The base stand-in's root filesystem as a tarball: made once per machine (under a lock, so two runs at
    once make it once) and remade only when what makes it changes: the recipe, the mirror or the host's CAs."""
    mirror = apt_mirror()
    recipe = f"debootstrap --variant=minbase --include={BASE_PACKAGES} {BASE_SUITE} {mirror}; python pip links; v1"
    key = hashlib.sha256(recipe.encode() + HOST_CA.read_bytes()).hexdigest()[:16]
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tarball = folder / f"python-3.11-slim-standin-{key}.tar"
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if tarball.exists():
            return tarball
        for stale in folder.glob("python-3.11-slim-standin-*.tar"):
            stale.unlink()
        work = Path(tempfile.mkdtemp(prefix="standin-", dir=folder))
        try:
            root = work / "root"
            command = ["debootstrap", "--variant=minbase", f"--include={BASE_PACKAGES}", BASE_SUITE, str(root), mirror]
            made = subprocess.run(command, capture_output=True, text=True, timeout=1200)
            assert made.returncode == 0, f"{' '.join(command)}\n{made.stdout[-3000:]}\n{made.stderr[-3000:]}"
            # pip inside the build trusts what the host trusts; python:3.11-slim has `python` and `pip` and
            # lets pip install into its Python (no EXTERNALLY-MANAGED marker)
            shutil.copyfile(HOST_CA, root / "etc/ssl/certs/ca-certificates.crt")
            for marker in root.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
                marker.unlink()
            for name, target in (("python", "python3"), ("pip", "pip3")):
                if not (root / "usr/bin" / name).exists():
                    (root / "usr/bin" / name).symlink_to(target)
            for leftovers in ("var/cache/apt/archives", "var/lib/apt/lists"):
                shutil.rmtree(root / leftovers)
                (root / leftovers).mkdir()
            partial_tar = work / "base.tar"
            subprocess.run(["tar", "-C", str(root), "-cf", str(partial_tar), "."], check=True, timeout=600)
            os.replace(partial_tar, tarball)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return tarball


@dataclass
class Stack:
    """One run's podman (private storage), its clean copy of the tree and its compose project."""

    home: Path
    env: dict[str, str]
    project: str
    src: Path
    ports: dict[str, int] = field(default_factory=dict)

    def podman(self, *argv: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(["podman", *argv], env=self.env, capture_output=True, text=True, timeout=timeout)
        assert not check or result.returncode == 0, f"podman {' '.join(argv)}\n{result.stdout}\n{result.stderr}"
        return result

    def compose(self, *argv: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
        command = [podman_compose(), "-p", self.project, f"--podman-build-args={BUILD_ARGS}", *argv]
        result = subprocess.run(command, cwd=self.src, env=self.env, capture_output=True, text=True, timeout=timeout)
        out = f"{' '.join(command[1:])}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        assert not check or result.returncode == 0, out
        return result

    def container(self, service: str) -> str:
        names = self.podman(
            "ps", "-a", "--format", "{{.Names}}", "--filter", f"label=com.docker.compose.project={self.project}",
            "--filter", f"label=com.docker.compose.service={service}",
        ).stdout.split()  # fmt: skip
        assert len(names) == 1, names
        return names[0]

    def leftovers(self) -> list[str]:
        """This project's containers, pods, volumes and networks that podman still lists."""
        queries = {
            "container": ("ps", "-a", "--format", "{{.Names}}"),
            "pod": ("pod", "ls", "--format", "{{.Name}}"),
            "volume": ("volume", "ls", "--format", "{{.Name}}"),
            "network": ("network", "ls", "--format", "{{.Name}}"),
        }
        found = []
        for kind, argv in queries.items():
            names = self.podman(*argv).stdout.split()
            found += [f"{kind} {n}" for n in names if self.project in n]
        return found


def timed(what: str, since: float) -> None:
    print(f"{what}: {time.monotonic() - since:.0f} s")


@pytest.fixture(scope="module")
def stack():
    reason = missing_for_podman()
    if reason:
        unavailable(reason)
    started = time.monotonic()
    base = cached_base()
    timed("base stand-in (cached after the first run)", started)
    home = Path(tempfile.mkdtemp(prefix="sg-podman-"))  # short: podman's socket paths live under it
    (home / "containers.conf").write_text(CONTAINERS_CONF)
    (home / "storage.conf").write_text(STORAGE_CONF.format(root=home))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REWARD_", "STEPGRPO_", "CONTAINERS_", "PYTHON"))}
    env |= {"CONTAINERS_CONF": str(home / "containers.conf"), "CONTAINERS_STORAGE_CONF": str(home / "storage.conf")}
    run = Stack(home=home, env=env, project=f"stepgrpo-test-{uuid.uuid4().hex[:8]}", src=home / "src")
    try:
        run.podman("import", "--change", 'CMD ["python3"]', str(base), BASE_IMAGE)
        probe = run.podman("run", "--rm", BASE_IMAGE, "python", "-c", "print('runs')", check=False)
        if probe.returncode != 0 or probe.stdout.strip() != "runs":
            unavailable(f"podman cannot run a container here: {probe.stderr.strip()[-1000:]}")
        for name in checkout_files():
            (run.src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, run.src / name)
        started = time.monotonic()
        run.compose("build", "reward")
        timed("server image built from a clean copy", started)
        yield run
    finally:
        remove_everything(run)


def remove_everything(run: Stack) -> None:
    """Down the project, then remove what is left in the private storage and the storage itself."""
    if run.src.exists() and podman_compose():
        run.compose("--profile", "demo", "down", "-v", timeout=300, check=False)
    for argv in (("rm", "-a", "-f"), ("pod", "rm", "-a", "-f"), ("volume", "rm", "-a", "-f"), ("rmi", "-a", "-f")):
        run.podman(*argv, check=False)
    for network in run.podman("network", "ls", "--format", "{{.Name}}", check=False).stdout.split():
        if run.project in network:
            run.podman("network", "rm", "-f", network, check=False)
    leftovers = run.leftovers()
    mounts = subprocess.run(["findmnt", "-rn", "-o", "TARGET"], capture_output=True, text=True).stdout.split()
    for mount in sorted((m for m in mounts if m.startswith(str(run.home))), reverse=True):
        subprocess.run(["umount", "-l", mount], check=False)
    shutil.rmtree(run.home, ignore_errors=True)
    assert not leftovers and not run.home.exists(), (leftovers, run.home)


def wait_ready(url: str, seconds: float = 180) -> None:
    end = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url + "/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < end, f"{url}/readyz not 200 within {seconds} s"
        time.sleep(0.5)


def in_flight_requests(url: str) -> float:
    text = httpx.get(url + "/metrics", timeout=5).text
    return float(re.search(r"^reward_in_flight_requests (\S+)", text, re.M).group(1))


def published(stack: Stack, container: str) -> set[str]:
    """The host addresses the container's ports are published on (`8000/tcp -> 127.0.0.1:PORT`)."""
    lines = stack.podman("port", container).stdout.splitlines()
    return {line.split("->")[1].strip() for line in lines if "->" in line}


def test_compose_up_serves_on_loopback_and_compose_down_drains_in_flight_work(stack):
    http_port, grpc_port = free_port(), free_port()
    stack.env |= {"STEPGRPO_HTTP_PORT": str(http_port), "STEPGRPO_GRPC_PORT": str(grpc_port)}
    # a deadline that outlasts the 2 s drain, so the batch below is still in flight when the server stops accepting
    stack.env |= {"REWARD_DEADLINE": "15"}
    started = time.monotonic()
    stack.compose("up", "-d", "--no-build")
    url = f"http://127.0.0.1:{http_port}"
    wait_ready(url)
    timed("compose up to /readyz", started)
    reward = stack.container("reward")
    assert published(stack, reward) == {f"127.0.0.1:{http_port}", f"127.0.0.1:{grpc_port}"}
    for name in ("", "reward.v1.RewardService"):
        wait_for_grpc_health(f"127.0.0.1:{grpc_port}", health_pb2.HealthCheckResponse.SERVING, name)
    scored = httpx.post(url + "/v1/score", json={"groups": [group([GENUINE, WRONG_ANSWER])]}, timeout=60)
    assert scored.status_code == 200, scored.text
    rewards = [r["reward"] for r in scored.json()["groups"][0]["results"]]
    assert rewards[0] > rewards[1], rewards
    # the compose healthcheck runs in the container (podman runs it on demand: no systemd timers here)
    assert stack.podman("healthcheck", "run", reward, check=False).returncode == 0

    box: dict[str, httpx.Response] = {}
    payload = {"profile": "r1vl-reference", "groups": [group([GENUINE, POWER_TOWER, WRONG_ANSWER])]}
    worker = threading.Thread(target=lambda: box.update(r=httpx.post(url + "/v1/score", json=payload, timeout=90)))
    worker.start()
    end = time.monotonic() + 60
    while in_flight_requests(url) < 1:
        assert time.monotonic() < end, "the batch never went in flight"
        time.sleep(0.05)
    exit_code = subprocess.Popen(["podman", "wait", reward], env=stack.env, stdout=subprocess.PIPE, text=True)
    started = time.monotonic()
    assert worker.is_alive(), "the batch was answered before the signal: nothing to drain"
    stack.compose("down", timeout=120)
    timed("compose down (SIGTERM, 2 s drain, in-flight batch finished)", started)
    worker.join(60)
    assert box["r"].status_code == 200, box["r"].text
    assert [r["status"] for r in box["r"].json()["groups"][0]["results"]] == ["ok", "timeout", "ok"]
    assert exit_code.communicate(timeout=60)[0].strip() == "0", "the server exits 0 after its drain"
    assert not stack.leftovers()


WAIT_FOR_READY = ROOT / "deploy" / "wait_for_ready.py"


def test_wait_for_ready_starts_the_command_once_the_service_is_ready(server):
    argv = [sys.executable, str(WAIT_FOR_READY), server.url + "/readyz", "--", sys.executable, "-c", "print('started')"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "started\n", result.stdout + result.stderr


def test_wait_for_ready_gives_up_and_runs_nothing_when_the_service_never_answers():
    url = f"http://127.0.0.1:{free_port()}/readyz"  # nothing listens there
    argv = [sys.executable, str(WAIT_FOR_READY), url, "--timeout", "1", "--interval", "0.2", "--", "echo", "started"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "started" not in result.stdout, result.stdout
    assert f"{url} did not answer 200 within 1 s" in result.stderr


def local_torch_wheel(dest: Path) -> Path | None:
    """The trainer stage's torch, from a wheel this machine already has (pip's find-links; no index)."""
    pin = re.search(r"torch==[\w.]+", (ROOT / "deploy" / "Dockerfile").read_text().split("AS trainer", 1)[1]).group()
    argv = [sys.executable, "-m", "pip", "download", "--quiet", "--no-index", "--no-deps", "--dest", str(dest), pin]
    if subprocess.run(argv, capture_output=True, text=True, timeout=600).returncode != 0:
        return None
    return next(dest.glob("torch-*.whl"), None)


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.mark.timeout(2400)  # a fresh trainer image: torch, transformers and their dependencies
def test_demo_trainer_image_runs_two_steps_against_the_reward_service(stack, tmp_path):
    wheel = local_torch_wheel(tmp_path)
    if wheel is None or wheel.stat().st_size > 1 << 30:
        pytest.skip(
            "no CPU torch wheel on this machine (pip's find-links): building the trainer image would download "
            "torch from PyTorch's CPU index, out of reach here, or PyPI's multi-GB CUDA build"
        )
    # serve the wheel on loopback to the build (which shares the host's network); the rest comes from PyPI
    files = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietFiles, directory=str(tmp_path)))
    threading.Thread(target=files.serve_forever, daemon=True).start()
    started = time.monotonic()
    try:
        stack.compose(
            "--profile", "demo", "build",
            "--build-arg", "TORCH_INDEX=https://pypi.org/simple",
            "--build-arg", f"PIP_FIND_LINKS=http://127.0.0.1:{files.server_address[1]}/",
            "trainer",
            timeout=1800,
        )  # fmt: skip
    finally:
        files.shutdown()
    timed("trainer image built", started)
    stack.env |= {"STEPGRPO_HTTP_PORT": str(free_port()), "STEPGRPO_GRPC_PORT": str(free_port())}
    # the compose file's own command (wait for /readyz, then the trainer), cut to 2 steps after a short warm-up;
    # `run` starts the reward service it depends on
    command = yaml.safe_load((stack.src / "docker-compose.yml").read_text())["services"]["trainer"]["command"]
    short = ["--steps", "2", "--warmup-steps", "4", "--no-plot", "--no-progress"]
    started = time.monotonic()
    ran = stack.compose(
        "--profile", "demo", "run", "-T", "--rm", "trainer", *command, *short, timeout=1200, check=False
    )
    timed("compose run trainer (2 steps)", started)
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output[-8000:]
    assert "is ready; starting python" in output and "done: metrics in /home/reward/runs/demo" in output, output[-8000:]
    # the metrics it wrote to its volume: one line per GRPO step, each with rewards from the service
    volume = next(v for v in stack.podman("volume", "ls", "--format", "{{.Name}}").stdout.split() if "trainer" in v)
    mountpoint = Path(stack.podman("volume", "inspect", volume, "--format", "{{.Mountpoint}}").stdout.strip())
    steps = [json.loads(line) for line in (mountpoint / "demo" / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in steps] == [1, 2] and all(m["unscored"] == 0 for m in steps), steps
    stack.compose("--profile", "demo", "down", "-v", timeout=120)
    assert not stack.leftovers()


def test_the_docs_give_the_containers_conf_the_tests_run_with():
    page = (ROOT / "docs" / "deployment.md").read_text()
    assert f"```toml\n{CONTAINERS_CONF}```" in page
