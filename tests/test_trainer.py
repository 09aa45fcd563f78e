"""The trainer client really generates, calls the real server over 127.0.0.1 and steps the optimizer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
from safetensors.torch import load_file  # noqa: E402

from .conftest import ROOT, free_port, start_server  # noqa: E402

METRIC_KEYS = {"step", "reward", "step_rar", "step_rvr", "accuracy", "validity_rate", "kl", "loss", "zero_std_fraction",
               "reward_latency_ms", "unscored", "reward_version"}


def run_trainer(*flags: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trainer_client.run", "--no-progress", *flags], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def weights(path) -> dict:
    return load_file(str(path / "model.safetensors"))


def test_demo_run_steps_the_optimizer_and_writes_metrics(server, tmp_path):
    run = run_trainer("--reward-url", server.url, "--steps", "3", "--save-every", "1", "--seed", "0", "--output-dir", str(tmp_path))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    lines = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in lines] == [1, 2, 3] and all(METRIC_KEYS <= set(m) for m in lines)
    assert all(m["unscored"] == 0 for m in lines)
    assert any(m["advantage_abs_mean"] > 0 for m in lines), "no group had reward variance: nothing to learn from"
    before, after = weights(tmp_path / "checkpoint-00000"), weights(tmp_path / "checkpoint-00003")
    assert before.keys() == after.keys()
    assert any(not (before[k] == after[k]).all() for k in before), "GRPO steps changed no parameter"
    assert "step=3 reward=" in run.stdout


def test_grpc_transport_and_a_jsonl_data_set(server, tmp_path):
    from trainer_client.data import demo_dataset, save_jsonl

    data = save_jsonl(demo_dataset(4, seed=3), tmp_path / "data.jsonl", tmp_path / "images")
    run = run_trainer("--reward-url", server.grpc_target, "--grpc", "--data", str(data), "--steps", "1", "--warmup-steps", "20",
                      "--output-dir", str(tmp_path / "out"))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "4 items" in run.stdout and (tmp_path / "out" / "checkpoint-00001" / "model.safetensors").exists()


def test_unscored_trajectories_are_masked_out_of_the_loss_and_counted(server):
    """A real timeout from the real server: the timed-out row contributes nothing to the loss."""
    import torch

    from service.client import RewardClient
    from trainer_client.data import demo_dataset
    from trainer_client.policy import tiny_policy
    from trainer_client.run import Trainer, parse_args

    from .samples import POWER_TOWER

    items = [i for i in demo_dataset(4, seed=1) if i.item_id.startswith("triangle")]
    policy = tiny_policy([i.solution for i in items], seed=1)
    with RewardClient(server.url) as client:
        trainer = Trainer(parse_args(["--reward-url", server.url]), policy, items, client)
        item, prompt, completion, mask, texts = trainer.rollout(items[0])
        texts = [texts[0], POWER_TOWER, texts[2], texts[3]]
        # the reference rules run math-verify on the whole text, where the power tower hangs sympy for real
        response = client.score([{"reference": item.reference(), "completions": texts}], profile="r1vl-reference")
    group = response.groups[0]
    assert [r.status for r in group.results][1] == "timeout" and group.advantages[1] == 0.0
    with_timeout = trainer.backward([(item, prompt, completion, mask, texts)], response)[0]
    keep = [0, 2, 3]
    trimmed = response.model_copy(update={"groups": [group.model_copy(update={"results": [group.results[i] for i in keep],
                                                                                "advantages": [group.advantages[i] for i in keep]})]})
    without_row = trainer.backward([(item, prompt, completion[keep], mask[keep], [texts[i] for i in keep])], trimmed)[0]
    assert with_timeout.loss.item() == pytest.approx(without_row.loss.item(), abs=1e-6)
    assert Trainer._metrics(1, response, [with_timeout], [(item, prompt, completion, mask, texts)], 0.0, 0.0)["unscored"] == 1
    assert torch.isfinite(with_timeout.loss)


def test_a_missing_service_is_a_clear_failure(tmp_path):
    run = run_trainer("--reward-url", f"http://127.0.0.1:{free_port()}", "--reward-retries", "1", "--output-dir", str(tmp_path), timeout=120)
    assert run.returncode == 2
    assert "reward service is not reachable" in run.stderr


def test_a_saved_checkpoint_trains_again_through_the_pretrained_path(server, tmp_path):
    """``--model`` loads with AutoModelForImageTextToText / AutoTokenizer / the saved image processor,
    the path a real Qwen2-VL takes; a demo checkpoint stands in for one (no hub here)."""
    first = run_trainer("--reward-url", server.url, "--steps", "1", "--warmup-steps", "50", "--output-dir", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr[-3000:]
    second = run_trainer("--reward-url", server.url, "--model", str(tmp_path / "a" / "checkpoint-00001"), "--steps", "1",
                         "--cpu-threads", "1", "--output-dir", str(tmp_path / "b"))
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    metrics = json.loads((tmp_path / "b" / "metrics.jsonl").read_text())
    assert metrics["step"] == 1 and metrics["unscored"] == 0
