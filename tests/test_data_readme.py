"""The data-tools page's commands run as written on the shipped sample and print the table shown."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .doc_pages import section

ROOT = Path(__file__).resolve().parent.parent
SECTION = section("Data tools")


def test_readme_data_commands_give_the_table_shown(tmp_path):
    pytest.importorskip("matplotlib")
    commands = re.search(r"```bash\n(.*?)\n```", SECTION, re.S).group(1).splitlines()
    shown = re.search(r"```\n(metric .*?)\n```", SECTION, re.S).group(1)
    (tmp_path / "examples").mkdir()
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    outputs = []
    for command in commands:
        args = command.split()
        assert args[:3] == [".venv/bin/python", "-m", "service.data"], command
        proc = subprocess.run(
            [sys.executable, *args[1:], "--no-progress"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=240,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[2].strip() == shown.strip()
    runs = tmp_path / "runs" / "data"
    assert (runs / "rewards.png").read_bytes()[:4] == b"\x89PNG"
    train = [json.loads(line) for line in (runs / "train.jsonl").read_text().splitlines()]
    assert all(
        set(row) >= {"problem", "solution", "answer", "key_steps"} and row["key_steps"]["Steps"] for row in train
    )
    scored = [json.loads(line) for line in (runs / "scored.jsonl").read_text().splitlines()]
    assert all(row["results"][0]["key_step_ratio"] == 1.0 for row in scored)  # the first completion of each is genuine
