"""The reward service as a Ray Serve application, for trainers (verl, OpenRLHF) already on a Ray cluster.

Each replica builds the same FastAPI app as ``python -m service`` (:func:`service.http.app.create_app`),
so Serve's HTTP proxy serves the unchanged v1 contract; its worker pool is sized from the CPUs the
replica was given. Trainers inside the cluster may skip HTTP and call :meth:`RewardService.score`
through a deployment handle, which runs the same :class:`~service.scoring.scorer.Scorer` path.

    serve run service.ray_serve:app --name reward   # built-in defaults: 2 CPUs (2 workers) a replica, 1-8 replicas
    serve run deploy/ray/serve.yaml            # replicas, autoscaling and settings from the config

Needs the ``[ray]`` extra (``pip install '.[ray]'``).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
from dataclasses import fields
from typing import Any

import ray
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from pydantic import ValidationError
from ray import serve
from ray.util.metrics import Gauge

from .http.app import create_app
from .ops.config import Config, parse_args
from .rewards import DEFAULT_PROFILE
from .scoring import openrlhf as openrlhf_protocol
from .scoring.admission import refusal
from .scoring.contract import OpenRLHFRequest, ScoreRequest, validation_message

log = logging.getLogger("service.ray_serve")

STARTUP_SECONDS = 25.0
"""How long a new replica's first health check waits for its workers (under Serve's 30 s default)."""
MIRROR_SECONDS = 5.0
"""How often a replica copies its metrics into Ray's (which Ray exports every 10 s or so)."""

SETTINGS = {
    f.name
    for f in fields(Config)
    if f.name not in ("host", "port", "grpc_port", "drain_seconds", "grace_seconds", "log_level")
}
"""Settings a replica takes from the application's args; the proxy, Serve's graceful shutdown and
Ray's logging replace the rest."""


class RequestError(ValueError):
    """A handle call the HTTP front end would answer with ``status`` (413, 422, 429 or 503)."""

    def __init__(self, status: int, detail: str):
        super().__init__(status, detail)
        self.status = status
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.status}: {self.detail}"


def replica_config(settings: dict[str, Any]) -> Config:
    """The replica's config, parsed and checked as ``python -m service``'s flags are (values may be
    strings, as ``serve run`` passes them); ``workers`` defaults to the CPUs Ray assigned this replica."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ValueError(f"unknown settings {unknown}; known: {sorted(SETTINGS)}")
    if "workers" not in settings:
        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 1.0)
        settings = {**settings, "workers": max(1, int(cpus))}
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            return parse_args([f"--{name.replace('_', '-')}={value}" for name, value in settings.items()], environ={})
    except SystemExit:
        raise ValueError(errors.getvalue().strip().splitlines()[-1]) from None


class RayMetricsMirror:
    """A replica's Prometheus samples as Ray gauges tagged with the replica. ``/metrics`` through the
    proxy shows whichever replica answered; Ray's per-node metrics export carries every replica's,
    as ``ray_<name>`` (``ray_reward_requests_total{replica=...}``). Each export sets only the samples the registry
    holds then: a series removed there (a run past the policy-behaviour bound) is no longer set, and Ray drops it
    from its export about two export intervals later."""

    def __init__(self, registry: CollectorRegistry, replica: str):
        self.registry = registry
        self.replica = replica
        self.gauges: dict[str, Gauge] = {}

    def export(self) -> None:
        for family in self.registry.collect():
            for sample in family.samples:
                if sample.name.endswith("_created"):
                    continue
                tags = {**sample.labels, "replica": self.replica}
                if sample.name not in self.gauges:
                    self.gauges[sample.name] = Gauge(sample.name, family.documentation, tag_keys=tuple(tags))
                self.gauges[sample.name].set(sample.value, tags)


@serve.deployment(
    ray_actor_options={"num_cpus": 2},
    max_ongoing_requests=16,
    autoscaling_config={"min_replicas": 1, "max_replicas": 8, "target_ongoing_requests": 2},
    health_check_period_s=10,
    health_check_timeout_s=30,
    graceful_shutdown_timeout_s=30,
)
@serve.ingress()
class RewardService:
    """One replica: the standalone server's app, worker pool and scorer, behind Serve's proxy."""

    def __init__(self, **settings: Any):
        self.config = replica_config(settings)
        self.http_app = create_app(self.config)
        self.pool = self.http_app.state.pool
        self.scorer = self.http_app.state.scorer
        self.metrics = self.http_app.state.metrics
        self.started = False
        self.mirror = RayMetricsMirror(self.metrics.registry, serve.get_replica_context().replica_id.unique_id)
        self.mirroring = asyncio.get_running_loop().create_task(self._mirror_metrics())

    def __serve_build_asgi_app__(self) -> FastAPI:
        return self.http_app

    async def check_health(self) -> None:
        """Serve's health check is the readiness of ``/readyz``: every worker up. The first check
        (a replica is not routed to before it passes) waits for the workers to start."""
        timeout = 0.0 if self.started else STARTUP_SECONDS
        if not await self.pool.wait_ready(timeout):
            raise RuntimeError(f"{self.pool.live_workers}/{self.config.workers} scoring workers ready")
        self.started = True

    async def _mirror_metrics(self) -> None:
        while True:
            try:
                self.metrics.workers_ready.set(self.pool.live_workers)
                self.mirror.export()
            except Exception:
                log.exception("could not copy the metrics into Ray's")
            await asyncio.sleep(MIRROR_SECONDS)

    async def score(self, request: dict) -> dict:
        """``POST /v1/score`` for a deployment handle: the request and response as dicts.
        Raises :class:`RequestError` where HTTP would answer 413, 422, 429 or 503."""
        started = time.perf_counter()
        try:
            try:
                parsed = ScoreRequest.model_validate(request)
            except ValidationError as exc:
                raise RequestError(422, validation_message(exc)) from None
            result = await self._scored(parsed)
        except RequestError as exc:
            self._observe("score_handle", exc.status, started)
            raise
        self._observe("score_handle", 200, started)
        return result

    async def openrlhf(self, body: dict, profile: str = DEFAULT_PROFILE, run: str | None = None) -> dict:
        """``POST /v1/openrlhf`` for a deployment handle: ``{"rewards", "scores", "extra_logs"}``; ``run`` names
        the training run in the policy-behaviour metrics."""
        started = time.perf_counter()
        try:
            unknown = openrlhf_protocol.unknown_profile(profile)
            if unknown is not None:
                raise RequestError(422, f"profile: {unknown}")
            try:
                req = await asyncio.to_thread(
                    openrlhf_protocol.score_request, OpenRLHFRequest.model_validate(body), profile, None, run
                )
            except ValidationError as exc:
                raise RequestError(422, validation_message(exc)) from None
            except ValueError as exc:
                raise RequestError(422, str(exc)) from None
            result = (
                openrlhf_protocol.rewards(await self._scored(req))
                if req is not None
                else openrlhf_protocol.no_samples()
            )
        except RequestError as exc:
            self._observe("openrlhf_handle", exc.status, started)
            raise
        self._observe("openrlhf_handle", 200, started)
        return result

    async def _scored(self, request: ScoreRequest) -> dict:
        refused = refusal(self.scorer, request)
        if refused is not None:
            raise RequestError(refused.status, refused.handle_detail())
        return await self.scorer.score(request)

    def _observe(self, endpoint: str, status: int, started: float) -> None:
        self.metrics.observe_request(endpoint, status, time.perf_counter() - started)


def build(args: dict[str, Any]) -> serve.Application:
    """Application builder for ``serve run`` / a Serve config's ``args``: reward settings such as
    ``deadline`` or ``max_trajectories`` (strings from the command line are converted)."""
    return RewardService.bind(**args)  # type: ignore[attr-defined]  # @serve.deployment made it a Deployment


app = build({})
