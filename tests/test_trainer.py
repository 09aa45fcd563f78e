"""The trainer client really generates, calls the real server over 127.0.0.1 and steps the optimizer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
from safetensors.torch import load_file  # noqa: E402

from trainer_client.plot import behaviour_summary, window_summary  # noqa: E402

from .conftest import ROOT, free_port  # noqa: E402

METRIC_KEYS = {
    "step",
    "reward",
    "step_rar",
    "step_rvr",
    "accuracy",
    "validity_rate",
    "kl",
    "loss",
    "zero_std_fraction",
    "reward_latency_ms",
    "unscored",
    "reward_version",
}


def run_trainer(*flags: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "trainer_client.run", "--no-progress", *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def weights(path) -> dict:
    return load_file(str(path / "model.safetensors"))


SHORT = ("--warmup-steps", "60", "--batch-size", "2", "-M", "4")
"""A short demo: a warm-up long enough for some reward variance, small steps."""


def summary_moves(line: str) -> dict[str, tuple[float, float]]:
    """``{"reward": (first, last), ...}`` from the trainer's one-line summary."""
    moves = line.split(": ", 1)[1].split(", ")
    return {label: (float(a), float(b)) for label, a, _, b in (move.rsplit(" ", 3) for move in moves)}


def assert_summary_agrees(line: str, metrics: list[dict]) -> None:
    n = max(1, len(metrics) // 5)
    assert line.startswith(f"first fifth -> last fifth of {len(metrics)} steps: ")
    moves = summary_moves(line)
    assert list(moves) == ["reward", "StepRAR", "StepRVR", "accuracy", "validity", "KL"]
    for key, label in (("reward", "reward"), ("step_rar", "StepRAR"), ("validity_rate", "validity"), ("kl", "KL")):
        first = sum(m[key] for m in metrics[:n]) / n
        last = sum(m[key] for m in metrics[-n:]) / n
        assert moves[label] == (pytest.approx(first, abs=6e-4), pytest.approx(last, abs=6e-4)), label


def assert_picture(path) -> None:
    from PIL import Image

    with Image.open(path) as picture:
        assert picture.format == "PNG" and picture.size[0] >= 600 and picture.size[1] >= 300
        assert len(picture.convert("L").getcolors(maxcolors=1 << 16)) > 10, "a blank picture"


def test_demo_run_steps_the_optimizer_writes_metrics_and_draws_them(server, tmp_path):
    run = run_trainer(
        "--reward-url",
        server.url,
        "--steps",
        "5",
        *SHORT,
        "--save-every",
        "1",
        "--seed",
        "0",
        "--output-dir",
        str(tmp_path),
        "--log-every",
        "2",
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    lines = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in lines] == [1, 2, 3, 4, 5] and all(METRIC_KEYS <= set(m) for m in lines)
    assert all(m["unscored"] == 0 for m in lines)
    assert any(m["advantage_abs_mean"] > 0 for m in lines), "no group had reward variance: nothing to learn from"
    before, after = weights(tmp_path / "checkpoint-00000"), weights(tmp_path / "checkpoint-00005")
    assert before.keys() == after.keys()
    assert any(not (before[k] == after[k]).all() for k in before), "GRPO steps changed no parameter"
    windows = [line for line in run.stdout.splitlines() if line.startswith("step")]
    assert windows == [window_summary(lines[0:2]), window_summary(lines[2:4]), window_summary(lines[4:5])]
    assert windows[0].startswith("steps 1-2: reward ") and windows[2].startswith("step 5: reward ")
    assert f"reward {(lines[0]['reward'] + lines[1]['reward']) / 2:.3f}," in windows[0]

    summary = next(line for line in run.stdout.splitlines() if line.startswith("first fifth -> last fifth"))
    assert_summary_agrees(summary, lines)
    for m in lines:  # a completion failing any check has StepRVR 0: the service's rates agree with the rewards
        failures = [v for k, v in m.items() if k.startswith("invalid_")]
        assert 0 <= m["hedge_rate"] <= 1
        assert max(failures, default=0) - 1e-6 <= 1 - m["validity_rate"] <= sum(failures) + 1e-6, m
    behaviour = behaviour_summary(lines)
    assert behaviour.startswith("first fifth -> last fifth: hedges ") and behaviour in run.stdout.splitlines()
    assert_picture(tmp_path / "reward.png")
    (tmp_path / "reward.png").unlink()
    redraw = subprocess.run(
        [sys.executable, "-m", "trainer_client.plot", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert redraw.returncode == 0, redraw.stderr[-3000:]
    assert summary in redraw.stdout.splitlines() and behaviour in redraw.stdout.splitlines()
    assert_picture(tmp_path / "reward.png")


def test_plot_of_a_missing_run_is_a_clear_failure(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "trainer_client.plot", str(tmp_path / "nope")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "cannot read" in run.stderr


def test_every_pass_over_the_items_sees_each_once_and_a_default_fifth_is_whole_passes():
    """The first and the last fifth of the default demo train on the same items, so their means compare
    the policy, not which items happened to be drawn."""
    import random
    from collections import Counter

    from trainer_client.run import epoch_batches, parse_args

    args = parse_args([])
    passes, left = divmod(args.steps // 5 * args.batch_size, args.demo_size)
    assert passes >= 1 and left == 0
    batches = epoch_batches(args.demo_size, args.batch_size, random.Random(0))
    fifths = [[i for _ in range(args.steps // 5) for i in next(batches)] for _ in range(5)]
    assert all(sorted(fifth) == sorted(list(range(args.demo_size)) * passes) for fifth in fifths)
    assert fifths[0] != fifths[-1], "a fresh order per pass"
    uneven = epoch_batches(7, 3, random.Random(1))
    counts = Counter(i for _ in range(70) for i in next(uneven))
    assert set(counts) == set(range(7)) and set(counts.values()) == {30}


def test_pipelined_and_unpipelined_runs_give_identical_metrics(server, tmp_path):
    """Scoring each group while the next one is sampled changes when rewards arrive, never what is learned."""
    runs = {}
    for mode in ("--pipeline", "--no-pipeline"):
        out = tmp_path / mode.strip("-")
        run = run_trainer(
            "--reward-url",
            server.url,
            "--steps",
            "3",
            *SHORT,
            "--seed",
            "3",
            mode,
            "--no-plot",
            "--output-dir",
            str(out),
        )
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        runs[mode] = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    timing = {"reward_latency_ms", "reward_wait_ms", "step_seconds"}
    pipelined, plain = ([{k: v for k, v in m.items() if k not in timing} for m in runs[mode]] for mode in runs)
    assert pipelined == plain
    assert any(m["advantage_abs_mean"] > 0 for m in pipelined), "nothing was learned from: a weak comparison"
    for m in runs["--no-pipeline"] + runs["--pipeline"]:
        assert 0 <= m["reward_wait_ms"] and 0 < m["reward_latency_ms"]
    assert all(m["reward_wait_ms"] <= m["reward_latency_ms"] + 1 for m in runs["--no-pipeline"])
    after = weights(tmp_path / "pipeline" / "checkpoint-00003"), weights(tmp_path / "no-pipeline" / "checkpoint-00003")
    assert after[0].keys() == after[1].keys() and all((after[0][k] == after[1][k]).all() for k in after[0])


def test_grpc_transport_and_a_jsonl_data_set(server, tmp_path):
    from trainer_client.data import demo_dataset, save_jsonl

    data = save_jsonl(demo_dataset(4, seed=3), tmp_path / "data.jsonl", tmp_path / "images")
    run = run_trainer(
        "--reward-url",
        server.grpc_target,
        "--grpc",
        "--data",
        str(data),
        "--steps",
        "1",
        "--warmup-steps",
        "20",
        "--output-dir",
        str(tmp_path / "out"),
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "4 items" in run.stdout and (tmp_path / "out" / "checkpoint-00001" / "model.safetensors").exists()


def test_a_timed_out_trajectory_trains_with_the_lowest_reward_unless_excluded(server):
    """A real timeout from the real server. By default (no shelter) it is paid the lowest reward, gets a
    negative advantage and counts in the loss; excluded (``unscored: exclude``), it has no reward and the
    row contributes nothing to the loss. Counted as unscored either way."""
    import torch

    from service.client import RewardClient
    from trainer_client.data import demo_dataset
    from trainer_client.policy import tiny_policy
    from trainer_client.run import Trainer, parse_args

    from .samples import POWER_TOWER

    items = [i for i in demo_dataset(4, seed=1) if i.item_id.startswith("triangle")]
    policy = tiny_policy([i.solution for i in items], seed=1)
    with RewardClient(server.url) as client:
        trainer = Trainer(parse_args(["--reward-url", server.url, "--no-pipeline", "-M", "4"]), policy, items, client)
        item, prompt, completion, mask, texts = trainer.rollout(items[0])
        texts = [item.solution, POWER_TOWER, texts[2], texts[3]]  # a full-score row: the advantages differ
        # the reference rules run math-verify on the whole text, where the power tower hangs sympy for real
        reference = [{"reference": item.reference(), "completions": texts}]
        paid = client.score(reference, profile="r1vl-reference")
        excluded = client.score(reference, profile="r1vl-reference", options={"unscored": "exclude"})
    rollout = (item, prompt, completion, mask, texts)
    keep = [0, 2, 3]
    kept = (item, prompt, completion[keep], mask[keep], [texts[i] for i in keep])

    def without_row(group):
        results, advantages = [group.results[i] for i in keep], [group.advantages[i] for i in keep]
        return [group.model_copy(update={"results": results, "advantages": advantages})]

    group = paid.groups[0]
    assert group.results[1].status == "timeout" and group.results[1].reward == 0.0 and group.advantages[1] < 0
    with_timeout = trainer.backward([rollout], paid.groups)[0]
    assert with_timeout.loss.item() != pytest.approx(trainer.backward([kept], without_row(group))[0].loss.item())
    assert Trainer._metrics(1, paid.groups, [with_timeout], [rollout])["unscored"] == 1

    group = excluded.groups[0]
    assert group.results[1].status == "timeout" and group.results[1].reward is None and group.advantages[1] == 0.0
    with_timeout = trainer.backward([rollout], excluded.groups)[0]
    assert with_timeout.loss.item() == pytest.approx(
        trainer.backward([kept], without_row(group))[0].loss.item(), abs=1e-6
    )
    assert Trainer._metrics(1, excluded.groups, [with_timeout], [rollout])["unscored"] == 1
    assert torch.isfinite(with_timeout.loss)

    trainer.args.shuffle_advantages = True
    shuffled = [trainer.advantages(group) for _ in range(20)]
    assert all(a[1] == 0.0 and sorted(a) == sorted(group.advantages) for a in shuffled), "the unscored row stays out"
    assert any(a != group.advantages for a in shuffled)


def test_a_missing_service_is_a_clear_failure(tmp_path):
    run = run_trainer(
        "--reward-url",
        f"http://127.0.0.1:{free_port()}",
        "--reward-retries",
        "1",
        "--output-dir",
        str(tmp_path),
        timeout=120,
    )
    assert run.returncode == 2
    assert "reward service is not reachable" in run.stderr


def test_a_saved_checkpoint_trains_again_through_the_pretrained_path(server, tmp_path):
    """``--model`` loads with AutoModelForImageTextToText / AutoTokenizer / the saved image processor,
    the path a real Qwen2-VL takes; a demo checkpoint stands in for one (no hub here)."""
    first = run_trainer(
        "--reward-url", server.url, "--steps", "1", "--warmup-steps", "50", "--output-dir", str(tmp_path / "a")
    )
    assert first.returncode == 0, first.stderr[-3000:]
    second = run_trainer(
        "--reward-url",
        server.url,
        "--model",
        str(tmp_path / "a" / "checkpoint-00001"),
        "--steps",
        "1",
        "--cpu-threads",
        "1",
        "--output-dir",
        str(tmp_path / "b"),
    )
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    metrics = json.loads((tmp_path / "b" / "metrics.jsonl").read_text())
    assert metrics["step"] == 1 and metrics["unscored"] == 0


def tiny_qwen2_5_vl_checkpoint(path):
    """A randomly initialised Qwen2.5-VL saved the way a real checkpoint is (model, tokenizer, image processor)."""
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2VLImageProcessorPil

    from trainer_client.data import demo_dataset
    from trainer_client.policy import _mrope_section, train_tokenizer

    tokenizer = train_tokenizer([item.solution for item in demo_dataset(8)], vocab_size=400)
    ids = tokenizer.convert_tokens_to_ids
    text = dict(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=1,
        num_attention_heads=4,
        num_key_value_heads=2,
        rope_parameters={"rope_type": "default", "mrope_section": _mrope_section(16)},
        bos_token_id=ids("<|im_start|>"),
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    vision = dict(
        depth=1, hidden_size=32, intermediate_size=64, out_hidden_size=64, num_heads=2, fullatt_block_indexes=[0]
    )
    config = Qwen2_5_VLConfig(
        text_config=text,
        vision_config=vision,
        image_token_id=ids("<|image_pad|>"),
        vision_start_token_id=ids("<|vision_start|>"),
        vision_end_token_id=ids("<|vision_end|>"),
    )
    Qwen2_5_VLForConditionalGeneration(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    Qwen2VLImageProcessorPil().save_pretrained(path)
    return path


def test_a_qwen2_5_vl_checkpoint_trains_through_the_pretrained_path(server, tmp_path):
    model = tiny_qwen2_5_vl_checkpoint(tmp_path / "qwen2.5-vl")
    run = run_trainer(
        "--reward-url",
        server.url,
        "--model",
        str(model),
        "--steps",
        "1",
        "--max-new-tokens",
        "24",
        "--cpu-threads",
        "1",
        "--output-dir",
        str(tmp_path / "out"),
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    metrics = json.loads((tmp_path / "out" / "metrics.jsonl").read_text())
    assert metrics["step"] == 1 and metrics["unscored"] == 0 and metrics["completion_tokens"] > 0
    assert weights(model).keys() == weights(tmp_path / "out" / "checkpoint-00001").keys()
