"""What operators and load balancers read: liveness, readiness (which also reports draining), Prometheus
metrics and the service's own description (profiles, options, versions, limits)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ..scoring.contract import ErrorBody, InfoResponse
from .errors import error


async def healthz() -> dict:
    """Liveness: the process answers."""
    return {"status": "alive"}


async def readyz(request: Request):
    """Readiness: 200 once every scoring worker is up, 503 while draining for shutdown."""
    state = request.app.state
    live = state.pool.live_workers
    state.metrics.workers_ready.set(live)
    if state.scorer.draining:
        return error(503, "draining: shutting down")
    if state.pool.ready:
        return {"status": "ready", "workers": state.config.workers}
    return error(503, f"{live}/{state.config.workers} workers ready")


async def prometheus(request: Request) -> Response:
    """Prometheus metrics."""
    state = request.app.state
    state.metrics.workers_ready.set(state.pool.live_workers)
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


async def info(request: Request) -> dict:
    """Profiles, default options, versions and limits."""
    return request.app.state.scorer.info()


def router() -> APIRouter:
    """Probes, metrics and info, for one app."""
    routes = APIRouter()
    routes.add_api_route("/healthz", healthz, methods=["GET"])
    routes.add_api_route("/readyz", readyz, methods=["GET"], responses={503: {"model": ErrorBody}})
    routes.add_api_route("/metrics", prometheus, methods=["GET"], response_class=Response)
    routes.add_api_route("/v1/info", info, methods=["GET"], response_model=InfoResponse)
    return routes
