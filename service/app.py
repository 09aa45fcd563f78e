"""The HTTP front end: a thin translation of the v1 contract onto :class:`~service.scoring.Scorer`.

Bodies are read and size-checked here, then parsed and validated in one pass by pydantic-core
(so absurd nesting and invalid UTF-8 become 422s, not server errors); scoring runs in the worker
pool, never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ValidationError

from .config import Config
from .contract import ErrorBody, InfoResponse, OpenRLHFRequest, OpenRLHFResponse, Options, ProfileName, ScoreRequest, ScoreResponse
from .metrics import Metrics
from .pool import WorkerPool
from .rewards import DEFAULT_PROFILE, PROFILES
from .scoring import LimitError, NotReady, Scorer, openrlhf_request, openrlhf_response
from .version import CORE_VERSION

log = logging.getLogger("service.app")


class BodyTooLarge(Exception):
    pass


def _error(status: int, detail, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _validation_detail(exc: ValidationError) -> list[dict]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors(include_url=False, include_input=False, include_context=False)]


def _json(payload: dict) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8", "surrogatepass"), media_type="application/json")


def _body_schema(name: str) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}}


_ERRORS = {413: {"model": ErrorBody, "description": "Over a configured limit"}, 422: {"model": ErrorBody, "description": "Malformed request"}, 503: {"model": ErrorBody, "description": "Workers not ready"}}


def create_app(config: Config | None = None) -> FastAPI:
    config = config or Config()
    metrics = Metrics()
    pool = WorkerPool(config.workers, config.deadline, on_restart=lambda reason: metrics.worker_restarts.labels(reason).inc(),
                      on_timeout=metrics.timeouts.inc, on_rescore=metrics.rescored.inc)
    scorer = Scorer(pool, config, metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool.start()
        grpc_server = None
        if config.grpc_port:
            from .grpc_api import GrpcServer

            grpc_server = GrpcServer(scorer, config.host, config.grpc_port)
            await grpc_server.start()
        app.state.grpc = grpc_server
        yield
        if grpc_server is not None:
            await grpc_server.stop(grace=config.grace_seconds)
        await asyncio.get_running_loop().run_in_executor(None, pool.close)  # joins threads: off the loop

    app = FastAPI(title="StepGRPO reward service", version=CORE_VERSION, lifespan=lifespan,
                  description="StepRAR + StepRVR rewards (R1-VL, arXiv 2503.12937) and group-normalised advantages.")
    app.state.pool = pool
    app.state.scorer = scorer
    app.state.config = config
    app.state.metrics = metrics

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > config.max_request_bytes:
            raise BodyTooLarge
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_request_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    async def parse(request: Request, model: type[BaseModel]):
        """The validated body, or the error response to send instead."""
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return None, _error(413, [{"loc": ["body"], "msg": f"request body is over {config.max_request_bytes} bytes", "type": "too_large"}])
        try:
            return model.model_validate_json(body), None
        except ValidationError as exc:
            return None, _error(422, _validation_detail(exc))

    async def score_request(req: ScoreRequest) -> dict | Response:
        try:
            scorer.admit(req)
        except LimitError as exc:
            return _error(413, [{"loc": ["body", *exc.field.replace("]", "").replace("[", ".").split(".")], "msg": exc.message, "type": "too_large"}])
        except NotReady as exc:
            return _error(503, str(exc), {"Retry-After": "1"})
        return await scorer.score(req)

    def observed(endpoint: str):
        def wrap(handler):
            async def inner(request: Request):
                started = time.perf_counter()
                metrics.in_flight.inc()
                try:
                    response = await handler(request)
                except Exception as exc:  # still answered, and counted as a 500
                    log.exception("unhandled error serving %s", request.url.path)
                    response = _error(500, f"internal server error: {type(exc).__name__}")
                finally:
                    metrics.in_flight.dec()
                metrics.requests.labels(endpoint, str(response.status_code)).inc()
                metrics.request_seconds.labels(endpoint).observe(time.perf_counter() - started)
                return response

            inner.__name__ = handler.__name__
            inner.__doc__ = handler.__doc__
            return inner

        return wrap

    @observed("score")
    async def score(request: Request) -> Response:
        """Score groups of completions: per-trajectory rewards and group advantages."""
        req, error = await parse(request, ScoreRequest)
        if error:
            return error
        result = await score_request(req)
        return result if isinstance(result, Response) else _json(result)

    for path in ("/v1/score", "/score"):
        app.add_api_route(path, score, methods=["POST"], response_model=None, openapi_extra=_body_schema("ScoreRequest"),
                          responses={200: {"model": ScoreResponse, "description": "Scores"}, **_ERRORS}, include_in_schema=path == "/v1/score", name=f"score{path.replace('/', '_')}")

    @observed("openrlhf")
    async def openrlhf(request: Request) -> Response:
        """OpenRLHF's remote reward protocol: ``--remote_rm_url http://HOST:PORT/v1/openrlhf``."""
        profile = request.query_params.get("profile", DEFAULT_PROFILE)
        if profile not in PROFILES:
            return _error(422, [{"loc": ["query", "profile"], "msg": f"unknown profile {profile!r}; known: {sorted(PROFILES)}", "type": "enum"}])
        body, error = await parse(request, OpenRLHFRequest)
        if error:
            return error
        try:
            req = openrlhf_request(body, profile, Options())
        except (ValueError, ValidationError) as exc:
            detail = _validation_detail(exc) if isinstance(exc, ValidationError) else str(exc)
            return _error(422, [{"loc": ["body", str(detail).split(":")[0]], "msg": str(detail), "type": "value_error"}])
        if req is None:
            return _json({"rewards": [], "scores": [], "extra_logs": {}})
        result = await score_request(req)
        return result if isinstance(result, Response) else _json(openrlhf_response(result))

    app.add_api_route("/v1/openrlhf", openrlhf, methods=["POST"], response_model=None, openapi_extra=_body_schema("OpenRLHFRequest"),
                      responses={200: {"model": OpenRLHFResponse, "description": "Rewards"}, **_ERRORS})

    @app.get("/healthz")
    async def healthz() -> dict:
        """Liveness: the process answers."""
        return {"status": "alive"}

    @app.get("/readyz", responses={503: {"model": ErrorBody}})
    async def readyz():
        """Readiness: 200 once every scoring worker is up, 503 while draining for shutdown."""
        live = pool.live_workers
        metrics.workers_ready.set(live)
        if scorer.draining:
            return _error(503, "draining: shutting down")
        if pool.ready:
            return {"status": "ready", "workers": config.workers}
        return _error(503, f"{live}/{config.workers} workers ready")

    @app.get("/metrics", response_class=Response)
    async def prometheus() -> Response:
        """Prometheus metrics."""
        metrics.workers_ready.set(pool.live_workers)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/info", response_model=InfoResponse)
    async def info() -> dict:
        """Profiles, default options, versions and limits."""
        return scorer.info()

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in (ScoreRequest, OpenRLHFRequest):
                body = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(body.pop("$defs", {}))
                components[model.__name__] = body
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
    assert set(ProfileName.__args__) == set(PROFILES)
    return app
