"""The worked examples in examples/: their data layouts score as intended, and the TRL one runs end to end."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from .conftest import ROOT

pytest.importorskip("torch")
datasets = pytest.importorskip("datasets")


def example(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def solutions(n: int) -> list[str]:
    from trainer_client.data import demo_dataset

    return [item.solution for item in demo_dataset(n)]


def test_verl_layout_scores_the_reference_solutions(server, tmp_path):
    from stepgrpo_reward.verl import compute_score_batch

    out = tmp_path / "train.parquet"
    example("export_data").main(["verl", "--out", str(out)])
    rows = datasets.Dataset.from_parquet(str(out)).to_list()[:8]
    assert {"data_source", "prompt", "ability", "reward_model", "extra_info"} <= set(rows[0])
    scores = compute_score_batch(
        [r["data_source"] for r in rows],
        solutions(8),
        [r["reward_model"]["ground_truth"] for r in rows],
        [r["extra_info"] for r in rows],
        url=server.url,
    )
    assert all(s["scored"] == 1.0 and s["answer_correct"] == 1.0 and s["score"] > 2.0 for s in scores), scores


def test_openrlhf_layout_scores_the_reference_solutions(client, tmp_path):
    out = tmp_path / "train.jsonl"
    example("export_data").main(["openrlhf", "--out", str(out)])
    rows = [json.loads(line) for line in out.read_text().splitlines()][:8]
    prompts = [f"<|im_start|>user\n{r['input'][0]['content']}<|im_end|>\n<|im_start|>assistant\n" for r in rows]
    body = {
        "query": [p + s for p, s in zip(prompts, solutions(8), strict=True)],
        "prompts": prompts,
        "labels": [r["label"] for r in rows],
    }
    got = client.post("/v1/openrlhf", json=body).json()
    assert got["extra_logs"]["answer_correct"] == [1.0] * 8 and min(got["rewards"]) > 2.0


def test_trl_example_runs_offline(server, tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "examples/trl_grpo.py",
            "--tiny",
            "--max-steps",
            "1",
            "--reward-url",
            server.url,
            "--output-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "'rewards/stepgrpo/mean'" in run.stdout and "'rewards/step_rvr/mean'" in run.stdout


@pytest.mark.parametrize("script", ["verl_grpo.sh", "openrlhf_grpo.sh"])
def test_shell_examples_parse(script):
    assert subprocess.run(["bash", "-n", str(ROOT / "examples" / script)]).returncode == 0
