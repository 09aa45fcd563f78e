"""The trainer-side adapters: light to import, order-proof grouping, None for unscored, bounded retries."""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import random
import subprocess
import sys

import pytest

from stepgrpo_reward._service import RewardServiceError, group_batch
from stepgrpo_reward.trl import AsyncStepGRPOReward, StepGRPOReward

from .conftest import ROOT, free_port, start_server
from .samples import GENUINE, NO_STEPS, RIGHT_TRIANGLE_KEY_STEPS, WRONG_ANSWER

HEAVY = (
    "torch",
    "transformers",
    "trl",
    "service",
    "service.rewards",
    "sympy",
    "math_verify",
    "fastapi",
    "grpc",
    "pydantic",
    "numpy",
)


def test_adapters_import_without_torch_or_server_dependencies():
    code = (
        "import sys, stepgrpo_reward, stepgrpo_reward.trl, stepgrpo_reward.verl\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def trl_batch(order: list[int]):
    """A TRL-shaped standard batch: two prompts x 3 generations plus columns, in the given order."""
    rows = [
        ("How long is AC?", GENUINE, "5"),
        ("How long is AC?", WRONG_ANSWER, "5"),
        ("How long is AC?", NO_STEPS, "5"),
        ("How long is AB?", GENUINE, "3"),
        ("How long is AB?", WRONG_ANSWER, "3"),
        ("How long is AB?", "### The final answer is: 3", "3"),
    ]
    rows = [rows[i] for i in order]
    columns = {
        "answer": [a for *_, a in rows],
        "key_steps": [json.dumps(RIGHT_TRIANGLE_KEY_STEPS)] * len(rows),
        "choices": [None] * len(rows),
        "trainer_state": object(),
        "completion_ids": [[1, 2]] * len(rows),
    }
    return [p for p, *_ in rows], [c for _, c, _ in rows], columns


def test_rewards_follow_each_completion_whatever_the_order(server, client):
    reward = StepGRPOReward(server.url, component="step_rar")
    prompts, completions, columns = trl_batch(list(range(6)))
    body = {
        "groups": [
            {"reference": {"answer": a, "key_steps": RIGHT_TRIANGLE_KEY_STEPS}, "completions": [c]}
            for c, a in zip(completions, columns["answer"], strict=True)
        ]
    }
    direct = [g["results"][0]["step_rar"] for g in client.post("/v1/score", json=body).json()["groups"]]
    assert reward(prompts, completions, **columns) == direct and len(set(direct)) > 2
    order = list(range(6))
    random.Random(7).shuffle(order)
    prompts, completions, columns = trl_batch(order)
    assert reward(prompts, completions, **columns) == [direct[i] for i in order]
    assert asyncio.run(AsyncStepGRPOReward(server.url, component="step_rar")(prompts, completions, **columns)) == [
        direct[i] for i in order
    ]


def test_grouping_is_by_prompt_and_reference_not_position():
    refs = [{"answer": "5"}, {"answer": "5"}, {"answer": "3"}, {"answer": "5"}]
    groups, positions = group_batch(["p", "q", "p", "p"], refs, ["a", "b", "c", "d"])
    assert [g["completions"] for g in groups] == [["a", "d"], ["b"], ["c"]]
    assert positions == [(0, 0), (1, 0), (2, 0), (0, 1)]


def test_unscorable_completions_are_none_with_a_warning(server, caplog):
    reward = StepGRPOReward(server.url)
    with caplog.at_level(logging.WARNING, logger="stepgrpo_reward"):
        values = reward(["p", "p", "q"], [GENUINE, GENUINE, GENUINE], answer=["5", "5", None])
    assert values[0] == values[1] == 2.0 and values[2] is None
    assert "could not score 1 of 3 completions" in caplog.text and "reference.answer is empty" in caplog.text


def test_conversational_completions_with_content_blocks(server):
    reward = StepGRPOReward(server.url)
    prompt = [
        {"role": "system", "content": "Solve it."},
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "AC?"}]},
    ]
    completion = [{"role": "assistant", "content": [{"type": "text", "text": GENUINE}]}]
    assert reward(
        [prompt, prompt], [completion, [{"role": "assistant", "content": WRONG_ANSWER}]], answer=["5", "5"]
    ) == [2.0, 1.0]


def test_configuration_errors_are_loud(server):
    with pytest.raises(KeyError, match="'answer'.*'question'"):
        StepGRPOReward(server.url)(["p"], [GENUINE], question=["5"])
    # R1-VL's rows have no answer column: the solution's final-answer line is the answer
    solution = "### Step 1:\nx\n### The final answer is: 5"
    assert StepGRPOReward(server.url)(["p"], [GENUINE], solution=[solution]) == [2.0]
    with pytest.raises(ValueError, match="component"):
        StepGRPOReward(server.url, component="accuracy")
    with pytest.raises(RewardServiceError, match="refused the batch: HTTP 422.*alpha"):
        StepGRPOReward(server.url, options={"alpha": -1})(["p"], [GENUINE], answer=["5"])
    assert StepGRPOReward(server.url)([], [], answer=[]) == []


def test_retries_until_the_service_comes_up_then_gives_up_when_it_is_gone(caplog):
    late = start_server("--workers", "1", wait_ready=False)  # refuses connections, then 503 while its worker starts
    try:
        reward = StepGRPOReward(late.url, retries=60)
        reward.service.max_backoff = 1.0
        with caplog.at_level(logging.WARNING, logger="stepgrpo_reward"):
            assert reward(["p"], [GENUINE], answer=["5"]) == [2.0]
        assert "retrying" in caplog.text
    finally:
        late.stop()
    gone = StepGRPOReward(f"http://127.0.0.1:{free_port()}", retries=2)
    gone.service.backoff = 0.01
    with pytest.raises(RewardServiceError, match="unavailable after 3 attempts: ConnectError"):
        gone(["p"], [GENUINE], answer=["5"])


def test_reward_functions_pickle_after_use(server):
    reward = AsyncStepGRPOReward(server.url, component="step_rvr")
    assert asyncio.run(reward(["p"], [GENUINE], answer=["5"])) == [1.0]
    copy = pickle.loads(pickle.dumps(reward))
    assert copy.__name__ == "step_rvr" and asyncio.run(copy(["p"], [NO_STEPS], answer=["5"])) == [0.0]


def test_choices_in_every_form_the_data_tools_write(server):
    reward = StepGRPOReward(server.url, component="step_rar")
    picked_b = GENUINE.replace("is: 5", "is: B")
    forms = [{"A": "4", "B": "5"}, json.dumps({"A": "4", "B": "5"}), ["4", "5"], {"A": 4, "B": 5, "C": None}]
    values = reward(["p"] * 4, [picked_b] * 4, answer=["B"] * 4, choices=forms)
    assert values == [1.0] * 4
    assert reward(["p"], [picked_b], answer=["B"], choices=[json.dumps({"A": "4", "B": "6"})]) == [1.0]
    assert reward(["p"], [GENUINE.replace("is: 5", "is: A")], answer=["B"], choices=[["4", "5"]]) == [0.0]
