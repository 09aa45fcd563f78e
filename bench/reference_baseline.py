"""The R1-VL reference reward rules, re-implemented plainly: the benchmark's baseline.

This is what a trainer running the reference code does for every trajectory, with nothing shared
between the members of a group: math-verify ``parse`` of the whole completion and of the solution
(math-verify's own default timeouts), ``verify`` in the code's argument order, the exact
first-header string fallback, lower-case substring key steps over the joined ``### Step N:``
bodies, and the literal header checks. Behaviour follows ``src/r1-vl/src/open_r1/grpo.py`` of
jingyi0000/R1-VL; the service's ``r1vl-reference`` profile must give the same rewards (the bench
checks that on a sample), so the two differ only in speed.
"""

from __future__ import annotations

import re

from math_verify import parse, verify

from stepgrpo_references import key_step_groups

_HEADERS = ("### Image Description:", "### Rationales:", "### Step 1:", "### The final answer is:")
_FINAL_HEADER = "### The final answer is:"


def has_all_headers(text: str) -> bool:
    return all(h in text for h in _HEADERS)


def sections_in_order(text: str) -> bool:
    """The answer header after the last step header, and steps numbered 1, 2, 3, ..."""
    if not text.strip().endswith(_FINAL_HEADER):
        final = re.search(r"### The final answer is:.*?$", text, re.DOTALL)
        last_step = max(re.finditer(r"### Step \d+:", text), key=lambda m: m.end())
        if final is None or final.start() < last_step.end():
            return False
    numbers = [int(n) for n in re.findall(r"### Step (\d+):", text)]
    return bool(numbers) and numbers == list(range(1, len(numbers) + 1))


def validity(text: str) -> float:
    return 1.0 if has_all_headers(text) and sections_in_order(text) else 0.0


def key_step_ratio(text: str, key_steps: dict) -> float:
    """Share of key-step groups with an alternative that is a lower-case substring of the steps."""
    steps = " ".join(re.findall(r"### Step \d+:\s*(.*?)(?=\n###|\Z)", text, re.DOTALL)).lower()
    groups = key_steps.get("Steps", [])
    if not groups:
        return 0.0
    hits = sum(any(alt.lower() in steps for alt in ([g] if isinstance(g, str) else g)) for g in groups)
    return hits / len(groups)


def stated_answer(text: str) -> str:
    m = re.search(r"### The final answer is:\s*\n?(.*)", text)
    return m.group(1).strip() if m else text.strip()


def accuracy(text: str, solution: str, key_steps: dict | None) -> float:
    """1 if math-verify finds the whole completion equal to the solution, else 1 if the first
    final-answer lines are the same string; plus 0.1 x the key-step ratio."""
    reward = 0.0
    try:
        if float(verify(parse(text), parse(solution))) > 0:
            reward = 1.0
    except Exception:
        pass
    if reward == 0.0 and stated_answer(text) == stated_answer(solution):
        reward = 1.0
    if key_steps is not None:
        reward += key_step_ratio(text, key_steps) * 0.1
    return reward


def reward(text: str, solution: str, key_steps: dict | None) -> float:
    """The reference trainer's total reward: accuracy reward + validity reward."""
    return accuracy(text, solution, key_steps) + validity(text)


def dataset_row(reference: dict) -> tuple[str, dict]:
    """(solution, key_steps) as the R1-VL data set stores them: the answer and ``{"Steps": groups}``.
    Converting the workload's list / JSON-string forms is data preparation, not timed."""
    return reference["answer"], {"Steps": key_step_groups(reference.get("key_steps"))}
