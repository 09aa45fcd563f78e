"""Unit tests of the GRPO objective used by the trainer client."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from trainer_client.grpo import grpo_loss  # noqa: E402


def _logps(n=3, t=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.log_softmax(torch.randn(n, t, 7, generator=g), -1)[..., 0]


def test_ratio_one_and_zero_advantages_give_zero_policy_loss():
    logp = _logps()
    parts = grpo_loss(logp, logp.detach(), logp.detach(), torch.zeros(3), torch.ones(3, 5), beta=0.04)
    assert float(parts.loss) == 0.0 and parts.policy == 0.0 and parts.kl == 0.0


def test_kl_is_non_negative_and_zero_for_identical_models():
    logp, ref = _logps(seed=1), _logps(seed=2)
    assert grpo_loss(logp, logp, ref, torch.zeros(3), torch.ones(3, 5)).kl > 0
    assert grpo_loss(logp, logp, logp, torch.zeros(3), torch.ones(3, 5)).kl == 0.0


def test_positive_advantage_raises_the_completions_log_probability():
    logits = torch.zeros(1, 4, 7, requires_grad=True)
    logp = torch.log_softmax(logits, -1)[..., 0]
    grpo_loss(logp, logp.detach(), logp.detach(), torch.tensor([1.0]), torch.ones(1, 4), beta=0.0).loss.backward()
    assert (logits.grad[..., 0] < 0).all()


def test_clipping_stops_the_gradient_beyond_the_trust_region():
    logp = torch.tensor([[0.0]], requires_grad=True)
    old = torch.tensor([[-1.0]])
    parts = grpo_loss(logp, old, logp.detach(), torch.tensor([1.0]), torch.ones(1, 1), beta=0.0, clip_eps=0.2)
    parts.loss.backward()
    assert parts.clipped == 1.0 and float(logp.grad) == 0.0


def test_masked_tokens_and_unscored_rows_count_for_nothing():
    logp = _logps()
    adv = torch.tensor([1.0, -1.0, 5.0])
    mask = torch.tensor([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]])
    changed = logp.clone()
    changed[0, 2:] += 3.0
    changed[2] += 3.0
    a = grpo_loss(logp, logp.detach(), logp.detach(), adv, mask).loss
    b = grpo_loss(changed, changed.detach(), changed.detach(), adv, mask).loss
    assert float(a) == pytest.approx(float(b))


def test_per_completion_token_mean():
    logp = torch.zeros(2, 4)
    mask = torch.tensor([[1, 0, 0, 0], [1, 1, 1, 1]])
    parts = grpo_loss(logp, logp, logp, torch.tensor([1.0, 3.0]), mask, beta=0.0)
    assert float(parts.loss) == pytest.approx(-(1.0 + 3.0) / 2)
