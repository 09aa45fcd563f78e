"""Prometheus metrics, one registry per app so that several apps can live in one process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("reward_requests", "HTTP requests by endpoint and status code", ["endpoint", "code"], registry=r)
        self.request_seconds = Histogram("reward_request_seconds", "Request latency", ["endpoint"], buckets=_LATENCY_BUCKETS, registry=r)
        self.trajectory_seconds = Histogram("reward_trajectory_seconds", "Scoring time of one trajectory in a worker", buckets=_LATENCY_BUCKETS, registry=r)
        self.trajectories = Counter("reward_trajectories", "Scored trajectories by outcome", ["profile", "status"], registry=r)
        self.timeouts = Counter("reward_timeouts", "Trajectories that passed their deadline", registry=r)
        self.rescored = Counter("reward_rescored_trajectories", "Trajectories a killed worker had scored but not yet sent, so scored again", registry=r)
        self.worker_restarts = Counter("reward_worker_restarts", "Worker processes replaced, by reason", ["reason"], registry=r)
        self.in_flight = Gauge("reward_in_flight_requests", "Scoring requests being served", registry=r)
        self.in_flight_trajectories = Gauge("reward_in_flight_trajectories", "Trajectories accepted and not yet answered", registry=r)
        self.workers_ready = Gauge("reward_workers_ready", "Worker processes ready to score", registry=r)
