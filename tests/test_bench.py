"""The benchmark runs end to end (short measurements) and finds nothing but ``ok`` results.

It prints figures; nothing here asserts a speed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.timeout(900)
def test_benchmark_smoke_run():
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--seconds", "0.3", "--warmup", "0.2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "non-ok results: 0 of" in run.stdout and "HTTP errors: 0" in run.stdout
    for workload in ("typical", "symbolic"):
        assert f"plain reference rules vs r1vl-reference profile rewards, {workload}: 256/256 identical" in run.stdout
        for profile in ("r1vl-reference", "stepgrpo"):
            assert f"in-process vs HTTP scores, {workload} {profile}: 256/256 identical" in run.stdout
    assert "statuses grpc       stepgrpo        ok" in run.stdout and "worker RSS:" in run.stdout
    assert "scaling 1 -> " in run.stdout or "nproc=1 " in run.stdout


def test_soak_short_run_loses_no_trajectory():
    """Mixed HTTP / gRPC / stream load with hostile items and worker kills, briefly: every accepted
    trajectory is answered once, and the server is still ready at the end."""
    run = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--seconds", "8", "--kill-every", "2", "--max-pending", "64"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    figures = dict(line.split()[1:] for line in run.stdout.splitlines() if line.startswith("trajectories "))
    assert figures["sent"] == figures["answered"] and int(figures["sent"]) > 0, run.stdout
    assert "lost                   0" in run.stdout and "server ready at end    True" in run.stdout
    assert "workers killed" in run.stdout and " 0 workers killed" not in run.stdout
