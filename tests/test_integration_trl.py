"""A real trl.GRPOTrainer trains a tiny offline model with the service's rewards (sync and async)."""

from __future__ import annotations

import logging
import math

import httpx
import pytest

torch = pytest.importorskip("torch")
trl = pytest.importorskip("trl")
datasets = pytest.importorskip("datasets")
transformers = pytest.importorskip("transformers")

from stepgrpo_reward._service import RATES, batch_rates  # noqa: E402
from stepgrpo_reward.trl import AsyncStepGRPOReward, StepGRPOReward  # noqa: E402
from trainer_client.policy import train_tokenizer  # noqa: E402

from .samples import RIGHT_TRIANGLE_KEY_STEPS  # noqa: E402

SOLVED = (
    "### Image Description:\nA right triangle, legs AB = 3 and BC = 4.\n### Rationales:\nUse the Pythagorean theorem.\n"
    "### Step 1:\nFrom the figure, AB = 3 and BC = 4.\n### Step 2:\nBy the pythagorean theorem, AC = 5.\n"
    "### The final answer is: {}"
)
CHOSE = (
    "### Image Description:\nTwo options.\n### Rationales:\nCompare them.\n### Step 1:\nThe larger value is 5.\n"
    "### The final answer is: {}"
)
ROWS = [  # prompt text, reference columns, the completions the tiny model memorises for it
    (
        "How long is AC?",
        {"answer": "5", "key_steps": RIGHT_TRIANGLE_KEY_STEPS["Steps"], "choices": None},
        [SOLVED.format(5), SOLVED.format(6)],
    ),
    (
        "Which is larger?",
        {"answer": "B", "key_steps": None, "choices": {"A": "4", "B": "5"}},
        [CHOSE.format("B"), CHOSE.format("A")],
    ),
    (
        "No answer recorded.",
        {"answer": "", "key_steps": None, "choices": None},
        [CHOSE.format("A")],
    ),  # unscorable: None
]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def tiny_memorising_policy(seed: int = 0):
    """A 1-layer Qwen2 with an in-process tokenizer, fitted on ROWS so that its samples carry real answers."""
    torch.manual_seed(seed)
    texts = [
        (f"<|im_start|>user\n{p}<|im_end|>\n<|im_start|>assistant\n", c + "<|im_end|>") for p, _, cs in ROWS for c in cs
    ]
    tokenizer = train_tokenizer([p + c for p, c in texts], vocab_size=400)
    tokenizer.chat_template = CHAT_TEMPLATE
    config = transformers.Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=1,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = transformers.Qwen2ForCausalLM(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(60):
        for prompt, completion in texts:
            ids = tokenizer(prompt + completion, return_tensors="pt").input_ids
            labels = ids.clone()
            labels[:, : len(tokenizer(prompt).input_ids)] = -100
            model(input_ids=ids, labels=labels).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return model, tokenizer


def recording(reward, calls: list):
    """TRL's reward function, keeping what TRL passed and what the reward returned (sync or async, as ``reward``)."""
    if isinstance(reward, AsyncStepGRPOReward):

        async def recorded(prompts, completions, **columns):
            values = await reward(prompts, completions, **columns)
            calls.append((prompts, completions, columns["answer"], values))
            return values
    else:

        def recorded(prompts, completions, **columns):
            values = reward(prompts, completions, **columns)
            calls.append((prompts, completions, columns["answer"], values))
            return values

    recorded.__name__ = reward.__name__
    return recorded


def direct_scores(client: httpx.Client, completions: list[str], answers: list[str]) -> list[dict]:
    """POST /v1/score for the same completions, one group per dataset row, built here from ROWS."""
    by_answer = {ref["answer"]: ref for _, ref, _ in ROWS}
    groups = {}
    for i, (completion, answer) in enumerate(zip(completions, answers, strict=True)):
        groups.setdefault(answer, []).append((i, completion))
    body = {
        "groups": [
            {
                "reference": {k: v for k, v in by_answer[a].items() if v is not None},
                "completions": [c for _, c in items],
            }
            for a, items in groups.items()
        ]
    }
    response = client.post("/v1/score", json=body)
    assert response.status_code == 200, response.text
    direct_scores.last = response.json()  # type: ignore[attr-defined]
    results = [None] * len(completions)
    for items, g in zip(groups.values(), response.json()["groups"], strict=True):
        for (i, _), result in zip(items, g["results"], strict=True):
            results[i] = result
    return results


def test_grpo_trainer_logs_the_service_rewards(server, client, tmp_path, caplog):
    torch.set_num_threads(1)
    model, tokenizer = tiny_memorising_policy()
    dataset = datasets.Dataset.from_list([{"prompt": [{"role": "user", "content": p}], **ref} for p, ref, _ in ROWS])
    sync_calls, async_calls = [], []
    reward = recording(StepGRPOReward(server.url), sync_calls)
    validity = recording(AsyncStepGRPOReward(server.url, component="step_rvr"), async_calls)
    args = trl.GRPOConfig(
        output_dir=str(tmp_path),
        per_device_train_batch_size=12,
        num_generations=4,
        max_completion_length=72,
        max_steps=3,
        logging_steps=1,
        learning_rate=1e-4,
        temperature=1.0,
        use_cpu=True,
        report_to="none",
        save_strategy="no",
        seed=0,
        reward_weights=[1.0, 0.0],
        bf16=False,
    )
    trainer = trl.GRPOTrainer(
        model=model, processing_class=tokenizer, reward_funcs=[reward, validity], args=args, train_dataset=dataset
    )
    with caplog.at_level(logging.WARNING, logger="stepgrpo_reward"):
        trainer.train()

    assert len(sync_calls) == len(async_calls) == 3
    logged = [h for h in trainer.state.log_history if "rewards/stepgrpo/mean" in h]
    assert len(logged) == 3
    seen_correct = False
    for (_prompts, completions, answers, values), (_, _, _, rvr), log in zip(
        sync_calls, async_calls, logged, strict=True
    ):
        assert all(isinstance(c, list) and c[0]["role"] == "assistant" for c in completions)  # conversational
        texts = [c[0]["content"] for c in completions]
        direct = direct_scores(client, texts, answers)
        assert values == [r["reward"] if r["status"] == "ok" else None for r in direct]
        assert rvr == [r["step_rvr"] if r["status"] == "ok" else None for r in direct]
        assert [v is None for v in values] == [a == "" for a in answers]  # the empty-answer row, and only it
        scored = [v for v in values if v is not None]
        assert log["rewards/stepgrpo/mean"] == pytest.approx(sum(scored) / len(scored), abs=1e-5)
        assert log["stepgrpo/unscored_fraction"] == pytest.approx(values.count(None) / len(values))
        rates = batch_rates(direct_scores.last)  # per completion: the same however the batch is grouped
        per_completion = [k for k in RATES if k != "zero_std_groups"]
        assert {k: log[f"stepgrpo/{k}"] for k in per_completion} == pytest.approx({k: rates[k] for k in per_completion})
        seen_correct |= any(v > 2 for v in scored)
    assert seen_correct, "the tiny policy never produced a correct, valid solution: the comparison would be vacuous"
    assert "could not score 4 of 12 completions" in caplog.text and "reference.answer is empty" in caplog.text
    assert all(not math.isnan(h.get("loss", 0.0)) for h in trainer.state.log_history)
