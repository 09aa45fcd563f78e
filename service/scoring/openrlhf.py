"""OpenRLHF's remote reward protocol (``--remote_rm_url``) read into the v1 contract and answered from it.

One module for every transport: HTTP's ``POST /v1/openrlhf`` (:mod:`service.http.routes_scoring`) and Ray
Serve's handle call (:meth:`service.ray_serve.RewardService.openrlhf`) check the profile, group the
samples and shape the rewards here; each only renders the errors in its own way.
"""

from __future__ import annotations

import json
from typing import Any, cast

from stepgrpo_references import label_fields, reference_fields
from stepgrpo_reward.rates import batch_rates

from ..rewards import PROFILES
from .contract import FieldError, Group, OpenRLHFRequest, Options, ProfileName, Reference, ScoreRequest

MIN_PROMPT_OVERLAP = 16
"""Characters of a left-truncated prompt's tail a query must start with for the tail to be cut off."""


def unknown_profile(profile: str) -> str | None:
    """The message refusing a profile the service does not know, or None for a known one."""
    if profile in PROFILES:
        return None
    return f"unknown profile {profile!r}; known: {sorted(PROFILES)}"


def no_samples() -> dict:
    """The answer to a body without samples (nothing is scored)."""
    return {"rewards": [], "scores": [], "extra_logs": {}}


def score_request(
    body: OpenRLHFRequest, profile: str, options: Options | None = None, run: str | None = None
) -> ScoreRequest | None:
    """Consecutive samples with the same prompt and label form one group; None for no samples.
    Raises :class:`~service.scoring.contract.FieldError` naming the field (``labels[3]``) for samples that
    cannot be read."""
    n = len(body.query)
    if n == 0:
        return None
    prompts = body.prompts or [""] * n
    labels = body.labels if body.labels is not None else [""] * n
    if len(prompts) != n:
        raise FieldError("prompts", f"{len(prompts)} prompts for {n} queries")
    if len(labels) != n:
        raise FieldError("labels", f"{len(labels)} labels for {n} queries")
    groups: list[Group] = []
    last = None
    for i, (query, prompt, label) in enumerate(zip(body.query, prompts, labels, strict=True)):
        completion = _strip_prompt(query, prompt)
        marker = (prompt, json.dumps(label, sort_keys=True))
        if marker != last:
            try:
                reference = _label_reference(label)
            except ValueError as exc:
                raise FieldError(f"labels[{i}]", str(exc)) from None
            groups.append(Group(group_id=str(len(groups)), reference=reference, completions=[]))
            last = marker
        groups[-1].completions.append(completion)
    return ScoreRequest(profile=cast(ProfileName, profile), groups=groups, options=options or Options(), run=run)


def rewards(response: dict) -> dict:
    """Rewards in sample order, as ``/v1/score`` gives them: a sample whose own scoring failed has the lowest
    reward (0.0); one with no reward (its reference unusable) gets 0.0 too, as OpenRLHF has no "unscored";
    ``scored`` in the extra logs is 0 for both. The batch's rates (hedges, validity failures by check, uncredited
    key steps by reason: :data:`stepgrpo_reward.rates.RATES`) are in the extra logs too, the same for every
    sample, so OpenRLHF's mean of each is the batch's rate."""
    results = [r for g in response["groups"] for r in g["results"]]
    logs = {key: [r[key] if r[key] is not None else 0.0 for r in results] for key in ("reward", "step_rar", "step_rvr")}
    rewards = logs.pop("reward")
    logs["answer_correct"] = [1.0 if r.get("answer_correct") else 0.0 for r in results]
    logs["scored"] = [1.0 if r["status"] == "ok" else 0.0 for r in results]
    logs.update({key: [rate] * len(results) for key, rate in batch_rates(response).items()})
    return {"rewards": rewards, "scores": rewards, "extra_logs": logs}


def _label_reference(label: Any) -> Reference:
    """An OpenRLHF label read as the adapters and the data tools read it (:mod:`stepgrpo_references`):
    ``ValueError`` for one that cannot be read (a list such as ``["5"]``, a bool), never read as text."""
    return Reference.model_validate(reference_fields(**label_fields(label)))


def _strip_prompt(query: str, prompt: str, min_overlap: int = MIN_PROMPT_OVERLAP) -> str:
    """``query`` minus ``prompt``; OpenRLHF left-truncates long prompts, so a query may start with only its
    tail: the longest tail of at least ``min_overlap`` characters that the query starts with is cut off.
    Linear in the prompt's length (a 1 MB prompt tried at every offset took seconds); run it off the event
    loop all the same (:func:`score_request` is called in a thread)."""
    if not prompt:
        return query
    if query.startswith(prompt):
        return query[len(prompt) :]
    anchor = query[:min_overlap]
    first = prompt.find(anchor) if len(anchor) == min_overlap else -1
    if first < 0:  # a tail the query starts with begins with its first min_overlap characters
        return query
    overlap = _tail_overlap(prompt, first, query[: len(prompt) - first])
    return query[overlap:] if overlap >= min_overlap else query


def _tail_overlap(text: str, start: int, pattern: str) -> int:
    """The length of the longest tail of ``text[start:]`` that ``pattern`` starts with (Knuth–Morris–Pratt:
    one pass over the text after one over the pattern, each step amortised O(1))."""
    m = len(pattern)
    if m == 0:
        return 0
    fail = [0] * m
    k = 0
    for i in range(1, m):
        c = pattern[i]
        while k and pattern[k] != c:
            k = fail[k - 1]
        if pattern[k] == c:
            k += 1
        fail[i] = k
    k = 0
    for i in range(start, len(text)):
        c = text[i]
        if k == m:  # the whole pattern matched inside the text: keep its longest border
            k = fail[k - 1]
        while k and pattern[k] != c:
            k = fail[k - 1]
        if pattern[k] == c:
            k += 1
    return k
