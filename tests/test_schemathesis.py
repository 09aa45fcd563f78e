"""Property-based API testing: schemathesis drives the live server from its own OpenAPI schema."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import start_server

CONFIG = """
# 504 is the documented answer when the caller's X-Request-Timeout is shorter than the scoring;
# any other 5xx is a server error.
[checks.not_a_server_error]
expected-statuses = ["2xx", "3xx", "4xx", "504"]
"""


def _schemathesis(url: str, report_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    """Every check but positive-data acceptance, which cannot know the server's configured limits
    (a schema-valid batch over ``--max-groups`` is rightly a 413)."""
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is installed with the test extra"
    config = report_dir / "schemathesis.toml"
    config.write_text(CONFIG)
    return subprocess.run(
        [
            st,
            "--config-file",
            str(config),
            "run",
            url + "/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            "40",
            "--seed",
            "7",
            "--no-color",
            "--report-dir",
            str(report_dir),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_api_conforms_to_its_schema(server, tmp_path):
    run = _schemathesis(server.url, tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_secured_api_conforms_and_rejects_requests_without_the_token(tmp_path):
    """With auth on, the schema declares the bearer scheme; schemathesis sends the token, and its
    ``ignored_auth`` check replays operations without it and with a wrong one, expecting 401."""
    token = secrets.token_hex(16)
    server = start_server("--workers", "1", env={"REWARD_AUTH_TOKEN": token})
    try:
        run = _schemathesis(
            server.url,
            tmp_path,
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            "15",
            "--report",
            "ndjson",
        )
    finally:
        server.stop()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    events = "".join(path.read_text() for path in tmp_path.glob("*.ndjson"))
    assert events.count('"ignored_auth","status":"success"') >= 4  # every guarded operation was tried without the token
    assert token not in server.output()
