"""Advantage conventions, their algebraic properties, and bounds/determinism of the reward itself."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings, advantages


def one(rewards, **kw):
    return advantages([rewards], **kw)[0]


# ---------------------------------------------------------------- conventions


def test_group_mode_uses_unbiased_std_by_default():
    rewards = [1.0, 2.0, 3.0, 4.0]
    std = statistics.stdev(rewards)
    result = one(rewards, epsilon=1e-4)
    assert result.mean == pytest.approx(2.5)
    assert result.std == pytest.approx(std)
    assert result.values == pytest.approx([(r - 2.5) / (std + 1e-4) for r in rewards])


def test_biased_std_divides_by_n():
    rewards = [1.0, 2.0, 3.0, 4.0]
    std = statistics.pstdev(rewards)
    result = one(rewards, epsilon=1e-4, unbiased=False)
    assert result.std == pytest.approx(std)
    assert result.values == pytest.approx([(r - 2.5) / (std + 1e-4) for r in rewards])


@pytest.mark.parametrize("epsilon", [1e-4, 1e-6, 1e-9, 0.5])
def test_epsilon_is_added_to_the_std(epsilon):
    result = one([0.0, 2.0], epsilon=epsilon)
    assert result.values == pytest.approx([-1 / (math.sqrt(2) + epsilon), 1 / (math.sqrt(2) + epsilon)], rel=1e-12)


def test_default_epsilon_is_1e_4():
    assert one([0.0, 2.0]).values == one([0.0, 2.0], epsilon=1e-4).values


def test_batch_mode_scales_by_the_batch_std_and_centres_per_group():
    batch = [[0.0, 1.0], [2.0, 4.0]]
    std = statistics.stdev([0.0, 1.0, 2.0, 4.0])
    first, second = advantages(batch, mode="batch", epsilon=1e-6)
    assert first.values == pytest.approx([-0.5 / (std + 1e-6), 0.5 / (std + 1e-6)])
    assert second.values == pytest.approx([-1.0 / (std + 1e-6), 1.0 / (std + 1e-6)])


def test_batch_mode_biased_std():
    batch = [[0.0, 1.0], [2.0, 4.0]]
    std = statistics.pstdev([0.0, 1.0, 2.0, 4.0])
    first = advantages(batch, mode="batch", epsilon=1e-6, unbiased=False)[0]
    assert first.values == pytest.approx([-0.5 / (std + 1e-6), 0.5 / (std + 1e-6)])


def test_none_mode_only_centres():
    assert one([1.0, 2.0, 6.0], mode="none").values == pytest.approx([-2.0, -1.0, 3.0])


@pytest.mark.parametrize("mode", ["group", "batch", "none"])
def test_group_of_one_gets_zero_with_a_note(mode):
    result = advantages([[1.7], [0.0, 1.0]], mode=mode)[0]
    assert result.values == [0.0]
    assert result.note and "fewer than two" in result.note
    assert result.zero_std is True


def test_unscored_entries_are_left_out_and_get_zero():
    result = one([1.0, None, 3.0, None], epsilon=1e-4)
    std = statistics.stdev([1.0, 3.0])
    assert result.mean == pytest.approx(2.0)
    assert result.values == pytest.approx([-1 / (std + 1e-4), 0.0, 1 / (std + 1e-4), 0.0])
    assert result.values[1] == 0.0 and result.values[3] == 0.0


def test_unscored_entries_are_left_out_of_the_batch_std():
    with_none = advantages([[0.0, None, 1.0], [2.0, 4.0]], mode="batch", epsilon=1e-6)
    without = advantages([[0.0, 1.0], [2.0, 4.0]], mode="batch", epsilon=1e-6)
    assert [with_none[0].values[0], with_none[0].values[2]] == without[0].values
    assert with_none[1].values == without[1].values


def test_group_with_one_scored_entry_is_all_zero_with_a_note():
    result = one([None, 2.0, None])
    assert result.values == [0.0, 0.0, 0.0]
    assert result.mean == 2.0
    assert result.note


def test_group_with_nothing_scored_is_all_zero():
    result = one([None, None])
    assert result.values == [0.0, 0.0]
    assert result.mean is None and result.std is None
    assert result.note


@pytest.mark.parametrize("mode", ["group", "batch", "none"])
def test_all_equal_rewards_give_zeros_and_zero_std(mode):
    result = advantages([[2.1, 2.1, 2.1, 2.1], [0.0, 1.0]], mode=mode)[0]
    assert result.values == [0.0, 0.0, 0.0, 0.0]
    assert result.zero_std is True
    assert result.note and "equal" in result.note


def test_spread_rewards_have_no_note():
    result = one([0.0, 1.0])
    assert result.zero_std is False and result.note is None


def test_one_result_per_group_and_one_value_per_completion():
    batch = [[0.0, 1.0, 2.0], [1.0], [None, 0.5], []]
    result = advantages(batch)
    assert [len(r.values) for r in result] == [3, 1, 2, 0]


# ---------------------------------------------------------------- properties

REWARD = st.floats(min_value=0.0, max_value=2.1, allow_nan=False, allow_subnormal=False)
GROUP = st.lists(REWARD, min_size=2, max_size=8)
BATCH = st.lists(GROUP, min_size=1, max_size=6)
MODE = st.sampled_from(["group", "batch", "none"])
EPS = st.sampled_from([1e-4, 1e-6])


@settings(max_examples=100, deadline=None)
@given(group=GROUP, epsilon=EPS, unbiased=st.booleans())
def test_group_advantages_sum_to_zero(group, epsilon, unbiased):
    values = one(group, mode="group", epsilon=epsilon, unbiased=unbiased).values
    assert math.fsum(values) == pytest.approx(0.0, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(batch=BATCH, mode=MODE, epsilon=EPS, data=st.data())
def test_invariant_to_the_order_of_groups(batch, mode, epsilon, data):
    order = data.draw(st.permutations(range(len(batch))))
    straight = advantages(batch, mode=mode, epsilon=epsilon)
    shuffled = advantages([batch[i] for i in order], mode=mode, epsilon=epsilon)
    assert [shuffled[k].values for k in range(len(batch))] == [straight[i].values for i in order]


@settings(max_examples=100, deadline=None)
@given(batch=BATCH, mode=MODE, epsilon=EPS, shift=st.floats(min_value=-10.0, max_value=10.0))
def test_invariant_to_a_constant_shift_of_rewards(batch, mode, epsilon, shift):
    base = advantages(batch, mode=mode, epsilon=epsilon)
    moved = advantages([[r + shift for r in g] for g in batch], mode=mode, epsilon=epsilon)
    for a, b in zip(base, moved, strict=True):
        assert b.values == pytest.approx(a.values, abs=1e-6)


# ---------------------------------------------------------------- reward bounds on arbitrary completions

# No '^', '*', '!', '\\' or superscripts in the free text: math-verify can hang on power towers and
# huge factorials; the few LaTeX fragments below are fixed and safe.
_SAFE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n\r.,:;()[]{}=+-<>%$#'\"?_°π×−/"
_FRAGMENTS = [
    "### Image Description:",
    "### Rationales:",
    "### Let's think step by step.",
    "### Step 1:",
    "### Step 2:",
    "### Step 3:",
    "**Step 1:**",
    "## Step 2.",
    "### The final answer is:",
    "The final answer is:",
    "**The final answer is:**",
    "AB = 5",
    "AB=5",
    "5",
    "16",
    "240",
    "B",
    "(B)",
    "Option C",
    "yes",
    "pythagorean theorem",
    "law of sines",
    "\\frac{1}{2}",
    "\\sqrt{2}",
    "50%",
    "30°",
    "x+1",
    "1,000",
    "and",
    "so",
    "\n",
    "\n\n",
    " ",
]
_PIECES = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet=_SAFE_CHARS, max_size=30)), max_size=25).map(
    "".join
)
_SKELETON = st.tuples(*[_PIECES] * 4, st.sampled_from(["5", "B", "(B)", "yes", "0.5", "x+1", "50 percent", ""])).map(
    lambda p: (
        f"### Image Description:\n{p[0]}\n### Rationales:\n{p[1]}\n### Step 1:\n{p[2]}\n"
        f"### Step 2:\n{p[3]}\n### The final answer is: {p[4]}"
    )
)
TEXT = st.one_of(_PIECES, _SKELETON)
KEY_STEPS = st.sampled_from(
    [
        None,
        [["AB = 5", "AB=5"], ["pythagorean theorem"]],
        {"Steps": [["16"], "5", ["law of cosines"]]},
        [["x + 1"], ["50%"]],
    ]
)
ANSWER = st.sampled_from(["5", "B", "yes", "\\frac{1}{2}", "50%", "x+1"])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=TEXT,
    key_steps=KEY_STEPS,
    answer=ANSWER,
    profile=st.sampled_from(sorted(PROFILES)),
    alpha=st.sampled_from([0.1, 0.5]),
    guard=st.booleans(),
)
def test_reward_is_bounded_and_deterministic(text, key_steps, answer, profile, alpha, guard):
    reference = CoreReference(
        answer=answer, key_steps=key_steps, choices={"A": "3", "B": "5", "C": "7"} if answer == "B" else None
    )
    group = PreparedGroup(reference, PROFILES[profile], Settings(alpha=alpha, stuffing_guard=guard))
    result = group.score(text)
    assert result["status"] == "ok"
    assert 0.0 <= result["reward"] <= 2.0 + alpha + 1e-12
    assert result["step_rvr"] in (0.0, 1.0)
    assert result["key_step_ratio"] is None or 0.0 <= result["key_step_ratio"] <= 1.0
    assert result["reward"] == pytest.approx(result["step_rar"] + result["step_rvr"])
    assert group.score(text) == result
    fresh = PreparedGroup(reference, PROFILES[profile], Settings(alpha=alpha, stuffing_guard=guard))
    assert fresh.score(text) == result
    explained = fresh.score(text, explain=True)
    assert explained == fresh.score(text, explain=True)
    assert {k: v for k, v in explained.items() if k != "explanation"} == {
        k: v for k, v in result.items() if k != "explanation"
    }


def test_equal_rewards_are_equal_even_when_float_rounding_says_otherwise():
    (a,) = advantages([[0.1, 0.1, 0.1]], epsilon=0.0)
    assert a.zero_std and a.values == [0.0, 0.0, 0.0] and a.std == 0.0


@pytest.mark.parametrize("mode", ["group", "batch", "none"])
def test_zero_epsilon_never_divides_by_zero(mode):
    out = advantages([[1.0, 1.0], [0.0, 2.0]], mode=mode, epsilon=0.0)
    assert out[0].values == [0.0, 0.0] and all(math.isfinite(v) for v in out[1].values)
