"""The benchmark runs end to end (short measurements) and finds nothing but ``ok`` results.

It prints figures; nothing here asserts a speed."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_benchmark_smoke_run():
    run = subprocess.run([sys.executable, "-m", "bench", "--quick", "--seconds", "0.3", "--warmup", "0.2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "non-ok results: 0 of" in run.stdout and "HTTP errors: 0" in run.stdout
    assert "256/256 identical" in run.stdout
