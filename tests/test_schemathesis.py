"""Property-based API testing: schemathesis drives the live server from its own OpenAPI schema."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def test_api_conforms_to_its_schema(server, tmp_path):
    """Every check but positive-data acceptance, which cannot know the server's configured limits
    (a schema-valid batch over ``--max-groups`` is rightly a 413)."""
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is installed with the test extra"
    run = subprocess.run(
        [st, "--config-file", str(Path(__file__).with_name("schemathesis.toml")), "run", server.url + "/openapi.json", "--checks", "all", "--exclude-checks", "positive_data_acceptance",
         "--max-examples", "40", "--seed", "7", "--no-color", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
