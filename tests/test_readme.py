"""The README's own example runs against the real server and gives what the README shows."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_curl_example_scores_as_documented(server):
    command = re.search(r"```bash\n(curl -s localhost:8000/v1/score.*?)\n```", README, re.S).group(1)
    out = subprocess.run(
        ["bash", "-c", command.replace("localhost:8000", server.url.removeprefix("http://"))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    body = json.loads(out)
    shown = json.loads(re.search(r"```json\n(.*?)\n```", README, re.S).group(1).replace("…", ""))
    got, doc = body["groups"][0], shown["groups"][0]
    assert got["results"] == doc["results"]
    assert got["advantages"] == pytest.approx(doc["advantages"], abs=1e-5)
    assert (got["reward_mean"], got["zero_std"]) == (pytest.approx(doc["reward_mean"]), doc["zero_std"])


def test_readme_lists_every_flag():
    from dataclasses import fields

    from service.config import ENV_PREFIX, Config

    for f in fields(Config):
        assert f"`--{f.name.replace('_', '-')}`" in README and f"`{ENV_PREFIX}{f.name.upper()}`" in README, f.name


def test_readme_python_client_example_runs(server, capsys):
    code = re.search(r"```python\n(from service.client import RewardClient.*?)\n```", README, re.S).group(1)
    exec(code.replace("grpc://127.0.0.1:50051", "grpc://" + server.grpc_target), {})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[2.1, 0.0]")
    assert sorted(lines[1:]) == ["q-1 [2.1, 0.0]", "q-2 [2.1, 0.0]"]
