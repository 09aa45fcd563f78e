"""POST /v1/openrlhf with requests shaped as OpenRLHF's remote reward clients send them, retries included.

OpenRLHF >= 0.9.9 posts one sample per request from each rollout ({"query": [q], "prompts": [p], "labels": [l]},
q being the decoded prompt + response tokens); 0.8-0.9.x posted a whole rollout batch at once, each prompt's
n_samples_per_prompt samples side by side. Both retry any failure (refused connection or non-2xx) a fixed
number of times, one second apart.
"""

from __future__ import annotations

import json
import time

import pytest

from stepgrpo_reward._service import RATES

from .conftest import start_server
from .samples import GENUINE, NO_STEPS, RIGHT_TRIANGLE_KEY_STEPS, STUFFED, WRONG_ANSWER

requests = pytest.importorskip("requests")

FORMAT = (
    "Answer in this format:\n### Image Description:\n### Rationales:\n### Step 1:\n### The final answer is: 6\n"
    "How long is AC?"
)
PROMPT = (
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
    f"<|im_start|>user\n{FORMAT}<|im_end|>\n<|im_start|>assistant\n"
)
TRIANGLE_LABEL = json.dumps({"answer": "5", "key_steps": RIGHT_TRIANGLE_KEY_STEPS})


def openrlhf_post(url: str, data: dict, try_max_times: int = 5, attempts: list | None = None) -> dict:
    """OpenRLHF's client loop: POST, raise on non-2xx, on any failure log and retry after one second."""
    for _ in range(try_max_times):
        try:
            response = requests.post(url=url, json=data, headers={"Content-Type": "application/json"}, timeout=180)
            response.raise_for_status()
            return response.json()
        except requests.RequestException as exc:
            if attempts is not None:
                attempts.append(type(exc).__name__)
        time.sleep(1)
    raise RuntimeError(f"Request error for {try_max_times} times")


def samples():
    """(prompt, response, label, reference /v1/score would get): labels in every form a dataset's label column takes."""
    triangle = {"answer": "5", "key_steps": RIGHT_TRIANGLE_KEY_STEPS}
    return [
        (PROMPT, GENUINE, TRIANGLE_LABEL, triangle),
        (PROMPT, WRONG_ANSWER, TRIANGLE_LABEL, triangle),
        (PROMPT, STUFFED, TRIANGLE_LABEL, triangle),
        (PROMPT, NO_STEPS, TRIANGLE_LABEL, triangle),
        ("Q2", GENUINE, "5", {"answer": "5"}),
        ("Q3", GENUINE, 5, {"answer": "5"}),
        (
            "Q4",
            GENUINE.replace("is: 5", "is: B"),
            {"answer": "B", "choices": {"A": 4, "B": 5}},
            {"answer": "B", "choices": {"A": "4", "B": "5"}},
        ),
        (
            "Q4",
            GENUINE.replace("is: 5", "is: A"),
            {"answer": "B", "choices": json.dumps(["4", "5"])},
            {"answer": "B", "choices": {"A": "4", "B": "5"}},
        ),
        ("Q5", GENUINE, {"answer": 5, "key_steps": RIGHT_TRIANGLE_KEY_STEPS}, triangle),
        ("Q6", GENUINE, "", {"answer": ""}),  # no --label_key: OpenRLHF sends "" -> unscored, not a failed batch
    ]


def direct(client, items) -> list[dict]:
    """Each response scored alone by POST /v1/score."""
    results = []
    for _, response, _, ref in items:
        r = client.post("/v1/score", json={"groups": [{"reference": ref, "completions": [response]}]})
        assert r.status_code == 200, r.text
        results.append(r.json()["groups"][0]["results"][0])
    return results


def test_one_sample_per_request_as_openrlhf_0_9_9_and_later(server, client):
    items = samples()
    want = direct(client, items)
    for (prompt, response, label, _), result in zip(items, want, strict=True):
        got = openrlhf_post(
            server.url + "/v1/openrlhf", {"query": [prompt + response], "prompts": [prompt], "labels": [label]}
        )
        ok = result["status"] == "ok"
        assert got["rewards"] == got["scores"] == [result["reward"] if ok else 0.0]
        per_sample = {
            "step_rar": [result["step_rar"] if ok else 0.0],
            "step_rvr": [result["step_rvr"] if ok else 0.0],
            "answer_correct": [1.0 if result["answer_correct"] else 0.0],
            "scored": [1.0 if ok else 0.0],
        }
        assert {k: got["extra_logs"][k] for k in per_sample} == per_sample
        assert set(got["extra_logs"]) == set(per_sample) | set(RATES)
    assert want[0]["reward"] > 2 and want[-1]["status"] == "error"
    # with several URLs, OpenRLHF >= 0.9.9 sends the others an empty shard
    assert openrlhf_post(server.url + "/v1/openrlhf", {"query": [], "prompts": [], "labels": []}) == {
        "rewards": [],
        "scores": [],
        "extra_logs": {},
    }


def test_a_whole_rollout_batch_per_request_as_openrlhf_0_8(server, client):
    items = [samples()[i] for i in (0, 1, 2, 3, 4, 6, 9)]  # within the test server's 8 groups per request
    n = 2  # n_samples_per_prompt: each prompt's samples side by side
    batch = [item for item in items for _ in range(n)]
    body = {
        "query": [p + r for p, r, _, _ in batch],
        "prompts": [p for p, *_ in batch],
        "labels": [label for _, _, label, _ in batch],
    }
    got = openrlhf_post(server.url + "/v1/openrlhf", body)
    want = [r["reward"] if r["status"] == "ok" else 0.0 for r in direct(client, batch)]
    assert got["rewards"] == want and len(want) == 2 * len(items)
    assert got["extra_logs"]["scored"] == [1.0] * (len(want) - n) + [0.0] * n
    assert all(len(v) == len(want) for v in got["extra_logs"].values())


def test_left_truncated_prompts_are_still_stripped(server, client):
    """OpenRLHF keeps a long prompt's last tokens: the query starts with the prompt's tail, not the prompt."""
    tail = PROMPT[len(PROMPT) // 3 :]
    assert "### The final answer is: 6" in tail  # left in, it would add a second final answer and fail validity
    got = openrlhf_post(
        server.url + "/v1/openrlhf", {"query": [tail + GENUINE], "prompts": [PROMPT], "labels": [TRIANGLE_LABEL]}
    )
    assert got["rewards"] == [direct(client, samples()[:1])[0]["reward"]] and got["rewards"][0] > 2


def test_openrlhf_retries_until_the_service_is_up():
    late = start_server("--workers", "1", wait_ready=False)
    try:
        attempts: list[str] = []
        body = {"query": [PROMPT + GENUINE], "prompts": [PROMPT], "labels": [TRIANGLE_LABEL]}
        got = openrlhf_post(late.url + "/v1/openrlhf?profile=stepgrpo", body, try_max_times=120, attempts=attempts)
        assert got["rewards"][0] > 2 and attempts  # refused (and 503 while starting), then answered
        assert set(attempts) <= {"ConnectionError", "HTTPError"}
    finally:
        late.stop()
