"""Group-normalised advantages with the conventions of each trainer made explicit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

AdvantageMode = Literal["group", "batch", "none"]


@dataclass(frozen=True, slots=True)
class GroupAdvantages:
    values: list[float]
    mean: float | None
    std: float | None
    zero_std: bool
    note: str | None


DEFAULT_EPSILON = 1e-4
"""Added to the std before dividing, as R1-VL and TRL do."""


def _std(values: list[float], unbiased: bool) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    mean = math.fsum(values) / n
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1 if unbiased else n))


def advantages(
    rewards: list[list[float | None]],
    mode: AdvantageMode = "group",
    epsilon: float = DEFAULT_EPSILON,
    unbiased: bool = True,
) -> list[GroupAdvantages]:
    """``A = (r - mean_group) / (std + eps)``; std of the group, of the whole batch, or no scaling.

    ``None`` marks a trajectory left out: one that failed for a reason not its own (or any failure, when the
    request excludes them; by default a completion whose own scoring failed comes here with the lowest
    reward instead, :func:`~service.rewards.results.counted_reward`). It is left out of the statistics and
    gets advantage 0, so it teaches the policy nothing. A group with fewer than two scored
    trajectories gets 0 for all, and says so; so does a group whose rewards are all equal (decided
    exactly, not from a float std that rounding can leave at 1e-17, so ``epsilon = 0`` is safe).
    """
    scored_all = [r for group in rewards for r in group if r is not None]
    batch_std = _std(scored_all, unbiased)
    out = []
    for group in rewards:
        scored = [r for r in group if r is not None]
        if len(scored) < 2:
            note = "fewer than two scored completions in the group: advantages are 0"
            mean = scored[0] if scored else None
            out.append(GroupAdvantages([0.0] * len(group), mean, 0.0 if scored else None, True, note))
            continue
        mean = math.fsum(scored) / len(scored)
        if min(scored) == max(scored):
            out.append(GroupAdvantages([0.0] * len(group), scored[0], 0.0, True, "all rewards equal: advantages are 0"))
            continue
        std = _std(scored, unbiased)
        scale = {"group": std + epsilon, "batch": batch_std + epsilon, "none": 1.0}[mode]
        values = [0.0 if r is None else (r - mean) / scale for r in group]
        out.append(GroupAdvantages(values, mean, std, False, None))
    return out
