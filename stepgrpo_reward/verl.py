"""StepGRPO rewards for verl, from the reward service: point verl's custom reward function at this file.

    reward.custom_reward_function.path=pkg://stepgrpo_reward.verl   # or the path of this file
    reward.custom_reward_function.name=compute_score_async          # the reward loop: one awaited call a response
    +reward.custom_reward_function.reward_kwargs.url=http://REWARD_HOST:8000
    # verl 0.7.0: the same keys without the ``reward.`` prefix; its legacy batch manager, one request per batch:
    reward_model.use_reward_loop=False reward_model.reward_manager=batch custom_reward_function.name=compute_score_batch

``compute_score`` is the synchronous per-response form (verl's naive manager, the reward loop's ``remote``
manager, which refuses async functions, or the reward loop in a thread); ``compute_score_value`` returns the
reward alone, for the prime manager. Which manager and keys each verl release has: docs/integrations.md.

verl passes each row's ``reward_model.ground_truth``: the answer as a string, or
``{"answer", "key_steps", "choices", "solution"}`` (or its JSON string). Each call returns a dict whose ``score``
verl uses as the reward (StepRAR + StepRVR); the other keys (``step_rar``, ``step_rvr``,
``answer_correct``, ``scored``, and the request's rates of hedges, validity failures by check and uncredited key
steps by reason: ``hedge_rate``, ``invalid_step_numbering``, ...) go to verl's ``reward_extra_info``. A response
whose own scoring failed (``timeout``/``error``) gets the lowest reward, ``score`` 0.0, as the service pays it by
default, with ``scored`` 0.0 and a warning (verl has no "unscored" value, so an excluded one is 0.0 too); so does one
whose ground truth cannot be read (a list such as ``["5"]``, a bool: :func:`stepgrpo_references.label_fields`),
which is not sent.
Loaded by path, this file uses absolute imports: the ``stepgrpo_reward`` package must be installed.
A server started with a bearer token gets it from ``REWARD_AUTH_TOKEN`` in the reward workers' environment;
over ``https://`` with a private CA, pass its PEM file as ``reward_kwargs.ca_cert``; ``reward_kwargs.run`` names the
training run in the service's policy-behaviour metrics.
"""

from __future__ import annotations

import json
import os
from typing import Any

from stepgrpo_reward import DEFAULT_URL
from stepgrpo_reward._service import (
    Placed,
    RewardServiceError,
    ScoreService,
    batch_rates,
    component_values,
    group_batch,
    read_references,
    reference_from_label,
)
from stepgrpo_reward.client import bearer_token

__all__ = ["RewardServiceError", "compute_score", "compute_score_async", "compute_score_batch", "compute_score_value"]

_services: dict[tuple, ScoreService] = {}


def _service(
    url: str | None, profile: str, options: dict | None, timeout: float, ca_cert: str | None, run: str | None = None
) -> ScoreService:
    """One client per setting and process, kept for the worker's lifetime (verl calls once per response or
    batch). Per process: verl's prime manager calls from a forked pool, and a child writing on the parent's pooled
    connection garbles both requests (the server answered 400 'Invalid HTTP request')."""
    url = url or os.environ.get("STEPGRPO_REWARD_URL") or DEFAULT_URL
    options = {str(k): v for k, v in (options or {}).items()}  # a hydra DictConfig from reward_kwargs
    token = bearer_token(None)  # the server's bearer token from REWARD_AUTH_TOKEN, if it has one
    key = (os.getpid(), url, profile, json.dumps(options, sort_keys=True), timeout, token, ca_cert, run)
    if key not in _services:
        _services[key] = ScoreService(url, profile, options, timeout=timeout, token=token, ca_cert=ca_cert, run=run)
    return _services[key]


def _as_verl(response: dict, results: list[dict]) -> list[dict[str, float]]:
    """Every dict has the same keys: verl appends each key's values into reward_extra_info columns. The batch's
    rates (:data:`~stepgrpo_reward.rates.RATES`) are the request's, in every dict of it: their mean over a
    step is the step's rate whether verl sent the batch in one request or one response at a time."""
    rewards = component_values(results, "reward", "stepgrpo_reward.verl")
    rates = batch_rates(response)
    return [
        {
            "score": 0.0 if value is None else value,
            "step_rar": r.get("step_rar") or 0.0,
            "step_rvr": r.get("step_rvr") or 0.0,
            "answer_correct": 1.0 if r.get("answer_correct") else 0.0,
            "scored": 1.0 if r["status"] == "ok" else 0.0,
            **rates,
        }
        for r, value in zip(results, rewards, strict=True)
    ]


def _batch(data_sources, solution_strs, ground_truths, extra_infos) -> tuple[list[dict], list[Placed]]:
    """Groups by (data source, ground truth, prompt index): a prompt's rollouts share one reference."""
    extra_infos = list(extra_infos) if extra_infos is not None else [None] * len(solution_strs)
    keys = [
        json.dumps([str(source), extra.get("index") if isinstance(extra, dict) else None], default=str)
        for source, extra in zip(data_sources, extra_infos, strict=True)
    ]
    references = read_references(reference_from_label, list(ground_truths), "stepgrpo_reward.verl")
    return group_batch(keys, references, list(solution_strs))


def compute_score_batch(
    data_sources: list,
    solution_strs: list[str],
    ground_truths: list,
    extra_infos: list | None = None,
    *,
    url: str | None = None,
    profile: str = "stepgrpo",
    options: dict | None = None,
    timeout: float = 120.0,
    ca_cert: str | None = None,
    run: str | None = None,
    **_: Any,
) -> list[dict[str, float]]:
    """verl's batch reward manager: all responses of a batch in one request."""
    if len(solution_strs) == 0:
        return []
    groups, positions = _batch(data_sources, solution_strs, ground_truths, extra_infos)
    service = _service(url, profile, options, timeout, ca_cert, run)
    response = service.score(groups)
    return _as_verl(response, service.results_in_order(response, positions))


def compute_score(
    data_source: Any, solution_str: str, ground_truth: Any, extra_info: dict | None = None, **kwargs: Any
) -> dict[str, float]:
    """verl's naive reward manager: one response, one request."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info], **kwargs)[0]


def compute_score_value(
    data_source: Any, solution_str: str, ground_truth: Any, extra_info: dict | None = None, **kwargs: Any
) -> float:
    """verl's prime manager (0.7.0 and older) takes ``float()`` of the result, so it gets the reward alone:
    StepRAR + StepRVR, 0.0 where the response could not be scored (with the same warning)."""
    return compute_score(data_source, solution_str, ground_truth, extra_info, **kwargs)["score"]


async def compute_score_async(
    data_source: Any,
    solution_str: str,
    ground_truth: Any,
    extra_info: dict | None = None,
    *,
    url: str | None = None,
    profile: str = "stepgrpo",
    options: dict | None = None,
    timeout: float = 120.0,
    ca_cert: str | None = None,
    run: str | None = None,
    **_: Any,
) -> dict[str, float]:
    """verl's reward loop awaits this one per response, many at once, without a thread each."""
    groups, positions = _batch([data_source], [solution_str], [ground_truth], [extra_info])
    service = _service(url, profile, options, timeout, ca_cert, run)
    response = await service.ascore(groups)
    return _as_verl(response, service.results_in_order(response, positions))[0]
