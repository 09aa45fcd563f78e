"""The Ray Serve app started as docs/deployment.md says (``serve run service.ray_serve:app --name reward``), then
examples/ray_handle.py looking it up by name from another process (``--address auto``), as a trainer's task does.

Without ``--name`` Serve names the app ``default`` and the example's handle finds nothing. Its own module (its
own Ray, started by ``serve run``), so tests/test_ray_serve.py's Ray is down by then. Deselect with ``-m "not ray"``.
"""

from __future__ import annotations

import ast
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .doc_pages import all_text
from .fresh_install import start_group, stop_group

pytest.importorskip("ray.serve", reason="needs the [ray] extra: pip install -e '.[ray]'")
pytestmark = pytest.mark.ray

SERVE_HTTP_PORT = 8000
"""``serve run MODULE:app`` has no port flag: Serve's proxy takes its default."""


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.timeout(600)
def test_documented_serve_run_then_the_handle_example_scores(tmp_path):
    command = re.search(r"^(serve run service\.ray_serve:app [^#\n]*?)\s*#", all_text(), re.M).group(1)
    if not port_is_free(SERVE_HTTP_PORT):
        pytest.skip(f"port {SERVE_HTTP_PORT}, which `serve run` binds, is taken")
    log = tmp_path / "serve.log"
    serve = start_group([str(Path(sys.executable).parent / "serve"), *shlex.split(command)[1:]], ROOT, None, log)
    try:
        end = time.monotonic() + 300
        while not re.search(r"Application '\w+' is ready", log.read_text(errors="replace")):
            assert serve.poll() is None and time.monotonic() < end, log.read_text(errors="replace")[-4000:]
            time.sleep(1)
        example = subprocess.run(
            [sys.executable, "examples/ray_handle.py", "--address", "auto"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        stop_group(serve)
    assert example.returncode == 0, example.stdout[-3000:] + example.stderr[-3000:]
    line = next(line for line in example.stdout.splitlines() if line.startswith("{'group_id': 'q-1'"))
    group = ast.literal_eval(line)
    right, wrong = group["rewards"]
    assert right > wrong and group["advantages"][0] == pytest.approx(-group["advantages"][1]) != 0
