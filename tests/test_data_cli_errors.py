"""``python -m service.data`` failures as a user meets them: one line on stderr and a non-zero exit."""

from __future__ import annotations

import json

import pytest

from .test_data_cli import run_cli, write


@pytest.mark.parametrize("command", [["score"], ["extract"], ["augment"], ["convert", "--to", "project"]])
def test_a_missing_input_is_one_line_and_exit_2(command, tmp_path):
    proc = run_cli(
        command[0], str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o.jsonl"), *command[1:], check=False
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"python -m service.data {command[0]}: {tmp_path / 'missing.jsonl'}: No such file or directory"
    ]
    assert not (tmp_path / "o.jsonl").exists()


def test_score_exits_non_zero_when_every_row_is_bad(tmp_path):
    rows = write(tmp_path / "in.jsonl", ["{not json", {"reference": {"answer": "5"}}, [1, 2]])
    proc = run_cli("score", str(rows), "-o", str(tmp_path / "o.jsonl"), "--workers", "1", "--no-progress", check=False)
    assert proc.returncode == 1 and "every row is bad (3 of 3" in proc.stderr, proc.stderr
    assert all("error" in json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines())


def test_one_good_row_is_enough_for_success(tmp_path):
    rows = write(
        tmp_path / "in.jsonl", ["{not json", {"reference": {"answer": "5"}, "completions": ["The answer is 5."]}]
    )
    proc = run_cli("score", str(rows), "-o", str(tmp_path / "o.jsonl"), "--workers", "1", "--no-progress", check=False)
    assert proc.returncode == 0 and "every row is bad" not in proc.stderr, proc.stderr
