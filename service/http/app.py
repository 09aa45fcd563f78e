"""The HTTP front end: a thin translation of the v1 contract onto :class:`~service.scoring.scorer.Scorer`.

:func:`create_app` builds the worker pool and scorer, keeps them on ``app.state`` (where the routes,
Ray Serve and ``python -m service`` find them), starts gRPC beside HTTP when asked, and mounts the
routes: scoring (:mod:`service.http.routes_scoring`), probes and metrics (:mod:`service.http.routes_ops`), the
inspector page and the offline API pages (:mod:`service.http.api_docs`). Scoring runs in the worker pool, never
on the event loop.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import get_args

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ..ops.config import Config, bearer_token
from ..ops.metrics import Metrics
from ..pool.supervisor import WorkerPool
from ..rewards import PROFILES
from ..scoring.contract import OpenRLHFRequest, ProfileName, ScoreRequest
from ..scoring.scorer import Scorer
from ..scoring.version import CORE_VERSION
from ..ui import add_inspector
from . import heap, routes_ops, routes_scoring
from .api_docs import app_with_offline_docs
from .auth import BearerAuthMiddleware, document_bearer, open_paths
from .connections import refusal_counter
from .waiting import EXPIRED_HEADER as EXPIRED_HEADER
from .waiting import TIMEOUT_HEADER as TIMEOUT_HEADER


def create_app(config: Config | None = None) -> FastAPI:
    config = config or Config()
    metrics = Metrics()
    pool = WorkerPool(
        config.workers,
        config.deadline,
        on_restart=lambda reason: metrics.worker_restarts.labels(reason).inc(),
        on_timeout=metrics.timeouts.inc,
        on_rescore=metrics.rescored.inc,
        memory_limit_mb=config.worker_memory_mb,
    )
    scorer = Scorer(pool, config, metrics)
    token = bearer_token(config)
    app = app_with_offline_docs(
        title="StepGRPO reward service",
        version=CORE_VERSION,
        lifespan=_lifespan(scorer, token),
        description="StepRAR + StepRVR rewards (R1-VL, arXiv 2503.12937) and group-normalised advantages.",
    )
    app.state.pool = pool
    app.state.scorer = scorer
    app.state.config = config
    app.state.metrics = metrics
    app.state.refused_connections = refusal_counter(metrics.registry)
    app.state.grace_expired = asyncio.Event()
    """Set by the server when the shutdown grace runs out: in-flight requests then answer 503."""
    app.state.auth = token is not None
    if token:
        app.add_middleware(
            BearerAuthMiddleware,
            token=token,
            open_paths=open_paths(config),
            on_deny=metrics.requests.labels("unauthenticated", "401").inc,
        )
    app.include_router(routes_scoring.router())
    app.include_router(routes_ops.router())
    app.openapi = lambda: _openapi_schema(app, config, documents_bearer=token is not None)  # type: ignore[method-assign]
    add_inspector(app)
    assert set(get_args(ProfileName)) == set(PROFILES)
    return app


def _lifespan(scorer: Scorer, token: str | None):
    """Workers (and gRPC, with ``--grpc-port``) start with the app and stop after it, gRPC with the same grace;
    freed heap is handed back to the system meanwhile (:mod:`service.http.heap`)."""
    config = scorer.config

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        scorer.pool.start()
        grpc_server = None
        if config.grpc_port:
            from ..grpc.server import GrpcServer

            grpc_server = GrpcServer(scorer, config.host, config.grpc_port, token=token)
            await grpc_server.start()
        app.state.grpc = grpc_server
        trimmer = asyncio.ensure_future(heap.keep_trimmed())
        yield
        trimmer.cancel()
        if grpc_server is not None:
            await grpc_server.stop(grace=config.grace_seconds)
        await asyncio.get_running_loop().run_in_executor(None, scorer.pool.close)  # joins threads: off the loop

    return lifespan


def _openapi_schema(app: FastAPI, config: Config, documents_bearer: bool) -> dict:
    """FastAPI's schema plus the two request bodies the scoring routes validate themselves (and the
    bearer scheme when auth is on); built once."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ScoreRequest, OpenRLHFRequest):
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(body.pop("$defs", {}))
            components[model.__name__] = body
        app.openapi_schema = document_bearer(schema, open_paths(config)) if documents_bearer else schema
    return app.openapi_schema
