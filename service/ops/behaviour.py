"""What the policy is being paid for: each response's completions counted into ``/metrics`` and its ``stats``.

The core gives every scored completion a :class:`service.rewards.summary.Summary` (codes from fixed sets); here
they are counted per profile, reward version and training run. Runs and versions are bounded: a name keeps its own
series while it is among the most recent ``limit`` names; a new name past the limit takes the slot of one idle for
:data:`IDLE_SECONDS` (whose series are then removed), else it is counted under ``other``.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from collections.abc import Callable

from stepgrpo_reward.rates import HEDGES, REASONS

from .metrics import COMPONENTS, Metrics, observe_each

OTHER = "other"
"""The label of every run (or version) past the bound."""
UNNAMED = "unnamed"
"""The run label of a request that names no run."""
IDLE_SECONDS = 600.0
"""A run (or version) unseen this long gives its series up to a new one once the bound is reached."""
VERSIONS = 8
"""Reward versions with their own series (a version is one profile with one set of scoring options)."""


class RecentNames:
    """Up to ``limit`` names each keep their own label; the rest are :data:`OTHER` until one goes idle."""

    def __init__(
        self, limit: int, forget: Callable[[str], None], idle: float = IDLE_SECONDS, clock=time.monotonic
    ) -> None:
        self.limit = limit
        self.idle = idle
        self.clock = clock
        self.forget = forget
        self.seen: OrderedDict[str, float] = OrderedDict()

    def label(self, name: str) -> str:
        """``name`` if it has (or can take) its own series, else :data:`OTHER`."""
        now = self.clock()
        if name in self.seen:
            self.seen[name] = now
            self.seen.move_to_end(name)
            return name
        if len(self.seen) >= self.limit:
            oldest, last = next(iter(self.seen.items()), ("", now))
            if self.limit == 0 or now - last < self.idle:
                return OTHER
            del self.seen[oldest]
            self.forget(oldest)
        self.seen[name] = now
        return name


class Behaviour:
    """Counts responses into the policy-behaviour metrics and gives each response's rates."""

    def __init__(self, metrics: Metrics, runs: int, clock=time.monotonic) -> None:
        self.metrics = metrics
        self.runs = RecentNames(runs, lambda run: self._forget("run", run), clock=clock)
        self.versions = RecentNames(VERSIONS, lambda version: self._forget("version", version), clock=clock)
        self._children: dict[tuple[str, str, str], tuple] = {}

    def _forget(self, label: str, value: str) -> None:
        for metric in self.metrics.behaviour_metrics():
            metric.remove_by_labels({label: value})
        position = 1 if label == "version" else 2
        self._children = {k: v for k, v in self._children.items() if k[position] != value}

    def _histograms(self, key: tuple[str, str, str]) -> tuple:
        """The key's histogram children (reward, step_rar, step_rvr, key_step_ratio, completion chars), cached."""
        children = self._children.get(key)
        if children is None:
            scores = self.metrics.policy_scores
            components = tuple(scores.labels(*key, c) for c in COMPONENTS)
            children = (*components, self.metrics.policy_completion_chars.labels(*key))
            self._children[key] = children
        return children

    def observe(self, profile: str, version: str, run: str | None, groups, per_group, zero_std) -> dict:
        """Count one response's completions (``groups``: the request's, ``per_group``: their outcomes,
        ``zero_std``: per usable group whether its rewards all agree, None for an unusable one); its rates."""
        key = (profile, self.versions.label(version), self.runs.label(run or UNNAMED))
        histograms = self._histograms(key)
        observed: tuple[list, ...] = ([], [], [], [], [])
        reward, rar, rvr, ratio, chars = (values.append for values in observed)
        statuses: Counter = Counter()
        verdicts: Counter = Counter()
        checks: Counter = Counter()
        reasons: Counter = Counter()
        for group, results in zip(groups, per_group, strict=True):
            for text, result in zip(group.completions, results, strict=True):
                status = result["status"]
                statuses[status] += 1
                if status != "ok":
                    continue
                reward(result["reward"])
                rar(result["step_rar"])
                rvr(result["step_rvr"])
                if (k := result["key_step_ratio"]) is not None:
                    ratio(k)
                chars(len(text))
                summary = result.get("summary")
                if summary is not None:
                    verdicts[summary[0], summary[1]] += 1
                    if summary[2]:  # most completions fail no check and lose no credit: no call
                        checks.update(summary[2])
                    if summary[3]:
                        reasons.update(summary[3])
        for histogram, values in zip(histograms, observed, strict=True):
            observe_each(histogram, values)
        usable = [z for z in zero_std if z is not None]
        m = self.metrics
        for status, n in statuses.items():
            m.policy_completions.labels(*key, status).inc(n)
        for (outcome, rule), n in verdicts.items():
            m.policy_verdicts.labels(*key, outcome, rule).inc(n)
        for check, n in checks.items():
            m.policy_validity_failures.labels(*key, check).inc(n)
        for reason, n in reasons.items():
            m.policy_uncredited.labels(*key, reason).inc(n)
        if usable:
            m.policy_groups.labels(*key).inc(len(usable))
            if zeros := sum(usable):
                m.policy_zero_variance_groups.labels(*key).inc(zeros)
        return _rates(statuses["ok"], verdicts, checks, reasons, usable)


def _rates(scored: int, verdicts: Counter, checks: Counter, reasons: Counter, usable: list[bool]) -> dict:
    """Shares of the scored completions (of the usable groups for ``zero_std_groups``); 0 when there are none."""

    def share(n: int, of: int = scored) -> float:
        return round(n / of, 6) if of else 0.0

    outcomes: Counter = Counter()
    hedges: Counter = Counter()
    for (outcome, rule), n in verdicts.items():
        outcomes[outcome] += n
        if outcome == "hedge":
            hedges[rule] += n
    return {
        "scored": scored,
        "right": share(outcomes["right"]),
        "wrong": share(outcomes["wrong"]),
        "unread": share(outcomes["unread"]),
        "hedge": share(outcomes["hedge"]),
        "hedges": {kind: share(hedges[kind]) for kind in HEDGES if hedges[kind]},
        "validity_failures": {check: share(n) for check, n in sorted(checks.items())},
        "key_steps_uncredited": {reason: share(reasons[reason]) for reason in REASONS if reasons[reason]},
        "zero_std_groups": share(sum(usable), len(usable)),
    }
