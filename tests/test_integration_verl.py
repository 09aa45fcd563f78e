"""stepgrpo_reward.verl, loaded and called exactly as verl's reward loading and reward managers do."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import json
import logging
import os
from functools import partial

import pytest

from stepgrpo_reward._service import RATES, batch_rates

from .samples import GENUINE, NO_STEPS, RIGHT_TRIANGLE_KEY_STEPS, STUFFED, WRONG_ANSWER

np = pytest.importorskip("numpy")

VERL_FILE = os.path.join(os.path.dirname(__file__), os.pardir, "stepgrpo_reward", "verl.py")
TRIANGLE = {"answer": "5", "key_steps": RIGHT_TRIANGLE_KEY_STEPS}
CHOICE_SOLUTION = GENUINE.replace("answer is: 5", "answer is: (B)")


def load_like_verl(path: str, name: str, reward_kwargs: dict):
    """verl.utils.import_utils.load_extern_object + trainer.ppo.reward.get_custom_reward_fn's kwargs merge."""
    if path.startswith("pkg://"):
        module = importlib.import_module(path.removeprefix("pkg://").replace("/", "."))
    else:
        spec = importlib.util.spec_from_file_location(f"custom_module_{hash(os.path.abspath(path))}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    raw_fn = getattr(module, name)
    if inspect.iscoroutinefunction(raw_fn):

        async def merged(fn, extra, *a, **kw):
            return await fn(*a, **{**kw, **extra})
    else:

        def merged(fn, extra, *a, **kw):
            return fn(*a, **{**kw, **extra})

    return partial(merged, raw_fn, dict(reward_kwargs))


def call_with_kwargs(raw_fn, reward_kwargs: dict, *args, **kwargs):
    """verl 0.7.0's module-level wrapper (trainer.ppo.reward._call_with_kwargs): picklable, for a process pool."""
    return raw_fn(*args, **{**kwargs, **reward_kwargs})


def rows():
    """(data_source, response, ground_truth as a parquet row holds it, index) — ground truths in every accepted form."""
    return [
        ("geo", GENUINE, TRIANGLE, 0),
        ("geo", WRONG_ANSWER, TRIANGLE, 0),
        ("geo", STUFFED, TRIANGLE, 0),
        ("geo", NO_STEPS, TRIANGLE, 0),
        ("mc", CHOICE_SOLUTION, json.dumps({"answer": "B", "choices": {"A": "4", "B": "5"}}), 1),
        ("plain", GENUINE, "5", 2),
        ("plain", GENUINE, "7", 3),
        ("broken", GENUINE, {"answer": ""}, 4),
    ]


def direct(client, items) -> list[dict]:
    """The same responses scored by POST /v1/score, one group per response."""
    groups = []
    for _, response, gt, _ in items:
        ref = (
            json.loads(gt)
            if isinstance(gt, str) and gt.startswith("{")
            else gt
            if isinstance(gt, dict)
            else {"answer": gt}
        )
        groups.append({"reference": ref, "completions": [response]})
    r = client.post("/v1/score", json={"groups": groups})
    assert r.status_code == 200, r.text
    return [g["results"][0] for g in r.json()["groups"]]


def own(score: dict) -> dict:
    """A response's own keys, without the request's rates (every response of a request has the same)."""
    return {k: v for k, v in score.items() if k not in RATES}


def expected(result: dict) -> dict:
    ok = result["status"] == "ok"
    return {
        "score": result["reward"] if ok else 0.0,
        "step_rar": result["step_rar"] if ok else 0.0,
        "step_rvr": result["step_rvr"] if ok else 0.0,
        "answer_correct": 1.0 if result["answer_correct"] else 0.0,
        "scored": 1.0 if ok else 0.0,
    }


@pytest.mark.parametrize("path", [VERL_FILE, "pkg://stepgrpo_reward.verl"])
def test_naive_reward_manager_call(server, client, path, caplog):
    compute_score = load_like_verl(path, "compute_score", {"url": server.url})
    items = rows()
    with caplog.at_level(logging.WARNING, logger="stepgrpo_reward"):
        scores = [
            compute_score(
                data_source=src,
                solution_str=response,
                ground_truth=gt,
                extra_info={"index": idx, "num_turns": None, "rollout_reward_scores": {}},
            )
            for src, response, gt, idx in items
        ]
    assert [own(s) for s in scores] == [expected(r) for r in direct(client, items)]
    assert scores[0]["score"] > 2 and own(scores[-1]) == {
        "score": 0.0,
        "step_rar": 0.0,
        "step_rvr": 0.0,
        "answer_correct": 0.0,
        "scored": 0.0,
    }
    assert "reference.answer is empty" in caplog.text


def test_reward_loop_awaits_the_async_form(server, client):
    """verl's reward loop checks iscoroutinefunction on the wrapped function and awaits it per response."""
    compute_score = load_like_verl("pkg://stepgrpo_reward.verl", "compute_score_async", {"url": server.url})
    assert inspect.iscoroutinefunction(compute_score)
    items = rows()

    async def all_at_once():
        return await asyncio.gather(
            *(
                compute_score(data_source=src, solution_str=response, ground_truth=gt, extra_info={"index": idx})
                for src, response, gt, idx in items
            )
        )

    assert [own(s) for s in asyncio.run(all_at_once())] == [expected(r) for r in direct(client, items)]


def test_batch_reward_manager_call(server, client):
    compute_score_batch = load_like_verl(
        VERL_FILE, "compute_score_batch", {"url": server.url, "options": {"alpha": 0.1}}
    )
    items = rows()[::-1]  # order must not matter: results come back per response
    data_sources = np.array([src for src, *_ in items], dtype=object)  # verl's non_tensor_batch arrays
    extra_infos = np.array([{"index": idx, "rollout_reward_scores": {}} for *_, idx in items], dtype=object)
    ground_truths = [gt for *_, gt, _ in items]
    scores = compute_score_batch(
        data_sources=data_sources,
        solution_strs=[r for _, r, *_ in items],
        ground_truths=ground_truths,
        extra_infos=extra_infos,
    )
    assert [own(s) for s in scores] == [expected(r) for r in direct(client, items)]
    assert len({tuple(s) for s in scores}) == 1  # the same keys everywhere: verl stacks them into reward_extra_info
    from stepgrpo_reward.verl import _batch

    groups, _ = _batch(data_sources, [r for _, r, *_ in items], ground_truths, extra_infos)
    response = client.post("/v1/score", json={"groups": groups, "options": {"alpha": 0.1}}).json()
    rates = batch_rates(response)
    assert all({k: s[k] for k in RATES} == rates for s in scores)
    assert rates["invalid_complete"] > 0  # NO_STEPS has no steps


def test_numpy_ground_truths_as_parquet_returns_them(server, client):
    from stepgrpo_reward.verl import compute_score

    steps = np.array([np.array(["AB = 3", "AB=3"], dtype=object), np.array(["AC = 5"], dtype=object)], dtype=object)
    gt = {"answer": np.str_("5"), "key_steps": steps, "choices": None}
    got = compute_score("geo", GENUINE, gt, None, url=server.url)
    want = direct(client, [("geo", GENUINE, {"answer": "5", "key_steps": [["AB = 3", "AB=3"], ["AC = 5"]]}, 0)])[0]
    assert own(got) == expected(want) and got["score"] == 2.1


def test_prime_manager_call_gets_the_reward_as_a_float(server, client):
    """verl 0.7.0's prime manager: the function in a process pool, called with (data_source, solution, ground
    truth, extra_info) positionally, and ``float()`` of what it returns (a dict gave nothing usable)."""
    from concurrent.futures import ProcessPoolExecutor

    from stepgrpo_reward.verl import compute_score_value

    compute_score = partial(call_with_kwargs, compute_score_value, {"url": server.url})
    items = rows()[:4]
    with ProcessPoolExecutor(2) as pool:
        futures = [pool.submit(compute_score, src, response, gt, {"index": i}) for src, response, gt, i in items]
        scores = [float(f.result(timeout=120)) for f in futures]
    assert scores == [expected(r)["score"] for r in direct(client, items)]
