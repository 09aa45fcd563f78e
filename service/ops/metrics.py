"""Prometheus metrics, one registry per app so that several apps can live in one process."""

from __future__ import annotations

from bisect import bisect_left

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# Most trajectories score in well under a millisecond: the buckets start at 50 µs to tell them apart.
_TRAJECTORY_BUCKETS = (0.00005, 0.0001, 0.00025, 0.0005) + _LATENCY_BUCKETS
_SCORE_BUCKETS = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.05, 1.1, 1.25, 1.5, 1.75, 2.0, 2.1, 2.5, 5.0, 11.0)
"""Rewards and their parts: StepRVR and the key-step ratio are 0..1, StepRAR 0..1+alpha, the reward 0..2+alpha."""
_CHAR_BUCKETS = (64, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536)
BEHAVIOUR_LABELS = ("profile", "version", "run")
"""Every policy-behaviour metric's labels (bounded: :class:`service.ops.behaviour.RecentNames`), before its own."""
COMPONENTS = ("reward", "step_rar", "step_rvr", "key_step_ratio")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._add_serving_metrics(self.registry)
        self._add_behaviour_metrics(self.registry)

    def _add_serving_metrics(self, r: CollectorRegistry) -> None:
        """Requests, trajectories, workers and streams: how the service is doing."""
        # by code too: fast refusals (401/413/429) would otherwise pull the answered requests' quantiles down
        self.requests, self.request_seconds = _count_and_latency(
            "reward_request",
            "HTTP requests by endpoint and status code",
            "Request latency by endpoint and status code",
            ["endpoint", "code"],
            r,
        )
        self.trajectory_seconds = Histogram(
            "reward_trajectory_seconds",
            "Scoring time of one trajectory in a worker",
            buckets=_TRAJECTORY_BUCKETS,
            registry=r,
        )
        self.trajectories = Counter(
            "reward_trajectories", "Scored trajectories by outcome", ["profile", "status"], registry=r
        )
        self.timeouts = Counter("reward_timeouts", "Trajectories that passed their deadline", registry=r)
        self.rescored = Counter(
            "reward_rescored_trajectories",
            "Trajectories a killed worker had scored but not yet sent, so scored again",
            registry=r,
        )
        self.worker_restarts = Counter(
            "reward_worker_restarts", "Worker processes replaced, by reason", ["reason"], registry=r
        )
        self.in_flight = Gauge(
            "reward_in_flight_requests", "Scoring requests (HTTP) and calls (gRPC) being served", registry=r
        )
        self.in_flight_trajectories = Gauge(
            "reward_in_flight_trajectories", "Trajectories accepted and not yet answered", registry=r
        )
        self.workers_ready = Gauge("reward_workers_ready", "Worker processes ready to score", registry=r)
        self.grpc_streams = Gauge("reward_grpc_streams", "Open gRPC ScoreStream calls", registry=r)
        self.grpc_stream_bytes = Gauge(
            "reward_grpc_stream_bytes",
            "Bytes of groups open ScoreStream calls hold, read and not yet answered",
            registry=r,
        )
        self.grpc_requests, self.grpc_request_seconds = _count_and_latency(
            "reward_grpc_request",
            "gRPC calls by method and status code",
            "gRPC call latency by method and status code (a stream's until its last reply)",
            ["method", "code"],
            r,
        )

    def _add_behaviour_metrics(self, r: CollectorRegistry) -> None:
        """What the policy's completions do, per profile, version and run (:meth:`behaviour_metrics`)."""
        behaviour = list(BEHAVIOUR_LABELS)
        self.policy_scores = Histogram(
            "reward_policy_score",
            "Scored completions' reward and each component (step_rar, step_rvr, key_step_ratio)",
            behaviour + ["component"],
            buckets=_SCORE_BUCKETS,
            registry=r,
        )
        self.policy_completions = Counter(
            "reward_policy_completions",
            "Completions by status (ok, timeout, error): timeout and error went unscored",
            behaviour + ["status"],
            registry=r,
        )
        self.policy_verdicts = Counter(
            "reward_policy_verdicts",
            "Answer verdicts by outcome (right, wrong, unread, hedge) and rule (how it was read; a hedge's kind)",
            behaviour + ["outcome", "rule"],
            registry=r,
        )
        self.policy_validity_failures = Counter(
            "reward_policy_validity_failures",
            "Scored completions that failed a validity check, by check",
            behaviour + ["check"],
            registry=r,
        )
        self.policy_uncredited = Counter(
            "reward_policy_key_steps_uncredited",
            "Matched key steps that earned nothing, by reason (repeated, enumerated, contradicted, "
            "named_without_use, negated)",
            behaviour + ["reason"],
            registry=r,
        )
        self.policy_groups = Counter(
            "reward_policy_groups", "Groups whose reference could be used", behaviour, registry=r
        )
        self.policy_zero_variance_groups = Counter(
            "reward_policy_zero_variance_groups",
            "Groups whose rewards all agree (zero std: no advantage, nothing learned)",
            behaviour,
            registry=r,
        )
        self.policy_completion_chars = Histogram(
            "reward_policy_completion_chars",
            "Scored completions' length in characters",
            behaviour,
            buckets=_CHAR_BUCKETS,
            registry=r,
        )

    def behaviour_metrics(self):
        """Every metric labelled by :data:`BEHAVIOUR_LABELS`: a run's series are removed from each."""
        return (
            self.policy_scores,
            self.policy_completions,
            self.policy_verdicts,
            self.policy_validity_failures,
            self.policy_uncredited,
            self.policy_groups,
            self.policy_zero_variance_groups,
            self.policy_completion_chars,
        )

    def observe_request(self, endpoint: str, code: int, seconds: float) -> None:
        """Count one answered request and its latency, both by endpoint and status code."""
        self.requests.labels(endpoint, str(code)).inc()
        self.request_seconds.labels(endpoint, str(code)).observe(seconds)

    def observe_rpc(self, method: str, code: str, seconds: float) -> None:
        """Count one finished gRPC call and its latency, both by method and status code name."""
        self.grpc_requests.labels(method, code).inc()
        self.grpc_request_seconds.labels(method, code).observe(seconds)


def _count_and_latency(
    name: str, counted: str, timed: str, labels: list[str], registry: CollectorRegistry
) -> tuple[Counter, Histogram]:
    """``<name>s_total`` and ``<name>_seconds``, both by the same labels."""
    count = Counter(name + "s", counted, labels, registry=registry)
    latency = Histogram(name + "_seconds", timed, labels, buckets=_LATENCY_BUCKETS, registry=registry)
    return count, latency


def observe_each(histogram, amounts: list[float]) -> None:
    """``histogram.observe(amount)`` for each amount of one response (``histogram``: unlabelled, or a labelled
    child), with one update per bucket: observing item by item was most of the cost of building a 1024-trajectory
    response. The sum is added in the same order, so the exposed values are exactly those of one ``observe`` each."""
    if not amounts:
        return
    bounds = histogram._upper_bounds
    counts = [0] * len(bounds)
    total = histogram._sum.get()
    for amount in amounts:
        total += amount
        if amount == amount:  # NaN falls in no bucket, as observe() leaves it
            counts[bisect_left(bounds, amount)] += 1
    histogram._sum.set(total)
    for bucket, n in zip(histogram._buckets, counts, strict=True):
        if n:
            bucket.inc(n)
