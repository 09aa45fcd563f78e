"""Hypothesis over the pure reward core, both profiles: a prepared group scores any text without raising
(an unusable reference raises :class:`UnusableReference` and nothing else), deterministically, and every
result stays within its documented bounds.

In-process, so no deadline protects it: the text is built without ``^``, ``*`` and ``!`` (power towers
and factorials hang sympy by design; the server's deadline answers those, see test_hostile.py).
"""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings, UnusableReference, advantages

FRAGMENTS = [
    "### Image Description:",
    "### Rationales:",
    "### Let's think step by step.",
    "### Step 1:",
    "### Step 2:",
    "**Step 3.**",
    "### Step 2.",
    "### The final answer is:",
    "The final answer is",
    "\n",
    "\r\n",
    " ",
    "AB = 3",
    "BC = 4",
    "AC = 5",
    "=",
    "\\frac{",
    "}{",
    "}",
    "{",
    "\\sqrt{",
    "\\boxed{",
    "$",
    "\\(",
    "\\)",
    "\\[",
    "\\]",
    "(",
    ")",
    "π",
    "°",
    "²",
    "√",
    "1/2",
    "0.5",
    "5",
    "-7",
    "1e3",
    "1,000",
    "50%",
    "x",
    "y",
    "pythagorean theorem",
    "the",
    "is",
    "or",
    "A.",
    "(B)",
    "Option C",
    "yes",
    "no",
    "cm",
    "\\text{m}",
    "\\left(",
    "\\right)",
    "\\cdot",
    "\\times",
    "\\pi",
    "∠ABC",
    "sum of angles",
    "1.",
    "-",
    "•",
    "\x00",
    "\u202e",
    "\ud800",
]
CHARS = st.characters(exclude_characters="^*!", exclude_categories=())
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(CHARS, max_size=8)), max_size=30).map("".join)
ANSWER = st.one_of(
    st.sampled_from(["5", "\\frac{1}{2}", "B", "yes", "5\\sqrt{2}", "x+1", "[1, 2)", "red", "50%", " ", ""]), TEXT
)
KEY_STEPS = st.one_of(
    st.none(),
    st.lists(st.lists(TEXT, min_size=1, max_size=3), max_size=4),
    st.lists(TEXT, max_size=4).map(lambda steps: {"Steps": steps}),
    st.lists(st.lists(TEXT, max_size=2), max_size=3).map(
        lambda steps: "; ".join(f"Step {i + 1}: {json.dumps(s)}" for i, s in enumerate(steps))
    ),
    TEXT,
)
SECTIONS = [
    "### Image Description:\n",
    "### Rationales:\n",
    "### Let's think step by step.\n",
    "### Step 1:\n",
    "### Step 2:\n",
    "### Step 3:\n",
]


@st.composite
def structured(draw) -> str:
    """An R1-VL-shaped completion: some sections (maybe shuffled) with fuzzed bodies, then a final answer."""
    sections = draw(st.lists(st.sampled_from(SECTIONS), max_size=6)) if draw(st.booleans()) else list(SECTIONS[:5])
    body = "".join(header + draw(TEXT) + "\n" for header in sections)
    return body + "### The final answer is: " + draw(ANSWER) + draw(st.sampled_from(["", "\n", "\nSo it is 5."]))


COMPLETION = st.one_of(TEXT, structured())
CHOICES = st.one_of(st.none(), st.dictionaries(st.sampled_from("ABCDE"), TEXT, min_size=1, max_size=4))


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    profile=st.sampled_from(sorted(PROFILES)),
    answer=ANSWER,
    key_steps=KEY_STEPS,
    choices=CHOICES,
    completions=st.lists(COMPLETION, min_size=1, max_size=4),
    alpha=st.floats(0, 1),
    guard=st.one_of(st.none(), st.booleans()),
)
def test_any_text_scores_within_bounds(profile, answer, key_steps, choices, completions, alpha, guard):
    reference = CoreReference(answer, key_steps, choices)
    try:
        group = PreparedGroup(reference, PROFILES[profile], Settings(alpha=alpha, stuffing_guard=guard))
    except UnusableReference:
        event("unusable reference")
        return
    rewards = []
    for completion in completions:
        result = group.score(completion, explain=True)
        assert result["status"] == "ok"
        assert result["step_rvr"] in (0.0, 1.0)
        assert 0.0 <= result["step_rar"] <= 1.0 + alpha + 1e-12
        assert math.isclose(result["reward"], result["step_rar"] + result["step_rvr"])
        assert isinstance(result["answer_correct"], bool)
        assert (result["step_rar"] >= 1.0) is result["answer_correct"] or alpha >= 1.0
        k = result["key_step_ratio"]
        assert (k is None) is (not group.groups) and (k is None or 0.0 <= k <= 1.0)
        assert len(result["explanation"]["key_steps"]) == len(group.groups)
        json.dumps(result["explanation"])
        assert group.score(completion) == {**result, "explanation": None}  # deterministic; explain changes nothing
        rewards.append(result["reward"])
        event(f"answer judged by {result['explanation']['answer']['method']}")
    (scaled,) = advantages([rewards])
    assert all(math.isfinite(a) for a in scaled.values) and abs(math.fsum(scaled.values)) < 1e-6 * len(rewards)
