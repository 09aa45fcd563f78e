"""The Ray Serve app started as docs/deployment.md says (``serve run service.ray_serve:app --name reward``), then
examples/ray_handle.py looking it up by name from another process (``--address auto``), as a trainer's task does.

Without ``--name`` Serve names the app ``default`` and the example's handle finds nothing. Its own module (its
own Ray, started by ``serve run``), so tests/test_ray_serve.py's Ray is down by then. Deselect with ``-m "not ray"``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .fresh_install import (
    RAY_LOOPBACK,
    SERVE_HTTP_PORT,
    documented_serve_run,
    handle_example_group,
    port_is_free,
    serve_running,
)

pytest.importorskip("ray.serve", reason="needs the [ray] extra: pip install -e '.[ray]'")
pytestmark = pytest.mark.ray


@pytest.mark.timeout(600)
def test_documented_serve_run_then_the_handle_example_scores(tmp_path):
    if not port_is_free(SERVE_HTTP_PORT):
        pytest.skip(f"port {SERVE_HTTP_PORT}, which `serve run` binds, is taken")
    env = os.environ | RAY_LOOPBACK
    serve = Path(sys.executable).parent / "serve"
    with serve_running(serve, documented_serve_run(), ROOT, env, tmp_path / "serve.log"):
        example = subprocess.run(
            [sys.executable, "examples/ray_handle.py", "--address", "auto"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert example.returncode == 0, example.stdout[-3000:] + example.stderr[-3000:]
    handle_example_group(example.stdout)
