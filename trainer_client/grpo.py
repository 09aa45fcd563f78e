"""The GRPO objective of StepGRPO: clipped token ratio, k3 KL to a frozen reference, token mean."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class LossParts:
    loss: torch.Tensor
    policy: float
    kl: float
    clipped: float


def grpo_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    ref_logp: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    beta: float = 0.04,
    clip_eps: float = 0.2,
) -> LossParts:
    """Per token ``-min(ρA, clip(ρ, 1±ε)A) + β·KL``, averaged over each completion's tokens, then over
    completions (rows whose mask is all zero — unscored trajectories — count for nothing).

    ``ρ = exp(logp - old_logp)`` against the sampling policy; ``KL = exp(ref - logp) - (ref - logp) - 1``
    (the k3 estimator, ≥ 0, 0 where the models agree).
    """
    mask = mask.to(logp.dtype)
    ratio = torch.exp(logp - old_logp)
    adv = advantages.unsqueeze(1)
    surrogate = torch.minimum(ratio * adv, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * adv)
    delta = ref_logp - logp
    kl = torch.exp(delta) - delta - 1
    per_token = -surrogate + beta * kl
    tokens = mask.sum(dim=1)
    rows = tokens > 0
    if not rows.any():
        zero = (logp * 0).sum()
        return LossParts(zero, 0.0, 0.0, 0.0)
    per_row = (per_token * mask).sum(dim=1)[rows] / tokens[rows]
    loss = per_row.mean()
    with torch.no_grad():
        n = mask.sum()
        policy = float((-surrogate * mask).sum() / n)
        mean_kl = float((kl * mask).sum() / n)
        clipped = float((((ratio < 1 - clip_eps) | (ratio > 1 + clip_eps)).to(mask.dtype) * mask).sum() / n)
    return LossParts(loss, policy, mean_kl, clipped)
