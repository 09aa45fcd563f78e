"""The HTTP front end: a thin translation of the v1 contract onto :class:`~service.scoring.Scorer`.

Bodies are read and size-checked here, then parsed and validated in one pass by pydantic-core
(so absurd nesting and invalid UTF-8 become 422s, not server errors); scoring runs in the worker
pool, never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect

from .auth import BearerAuthMiddleware, document_bearer, open_paths
from .config import Config, bearer_token
from .connections import refusal_counter
from .contract import (
    ErrorBody,
    InfoResponse,
    OpenRLHFRequest,
    OpenRLHFResponse,
    Options,
    ProfileName,
    ScoreRequest,
    ScoreResponse,
)
from .json_shape import ShapeLimits, shape_error
from .metrics import Metrics
from .pool import WorkerPool
from .rewards import DEFAULT_PROFILE, PROFILES
from .scoring import LimitError, NotReady, Overloaded, Scorer, openrlhf_request, openrlhf_response
from .ui import add_inspector
from .version import CORE_VERSION

log = logging.getLogger("service.app")


OFF_LOOP_BYTES = 1 << 20
"""Bodies this large are counted against the limits and parsed in a thread, not on the event loop."""
TIMEOUT_HEADER = "X-Request-Timeout"
"""Seconds the caller will wait; past them the work is dropped and the answer is 504."""
EXPIRED_HEADER = "X-Request-Timeout-Expired"
"""On that 504 (value: the caller's seconds): its own deadline passed, so clients never retry it."""


class BodyTooLarge(Exception):
    pass


class CallerGone(Exception):
    """The client closed the connection before its response was ready."""


class GraceExpired(Exception):
    """The shutdown grace ran out before the response was ready."""


async def unless(expired: asyncio.Event, work):
    """``work``'s result, or :class:`GraceExpired` (with the work cancelled) once ``expired`` is set."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(expired.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        if not task.done():
            task.cancel()
    if task.done() and not task.cancelled():
        return task.result()
    raise GraceExpired


async def while_caller_waits(request: Request, work, timeout: float | None):
    """``work``'s result, unless the caller disconnects (``CallerGone``) or its deadline passes
    (a 504): then the work is cancelled, and its trajectories not yet begun are dropped."""
    task = asyncio.ensure_future(work)
    deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    watcher = asyncio.ensure_future(disconnected())
    try:
        done, _ = await asyncio.wait({task, watcher}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # the request itself is cancelled (shutdown): so is its work
        task.cancel()
        raise
        if task not in done and watcher in done and watcher.exception() is not None:
            # receive() itself failed (a proxy's transport, e.g. Ray Serve's): the caller may still wait
            log.warning("cannot watch for a disconnect: %r", watcher.exception())
            remaining = None if deadline is None else max(0.0, deadline - asyncio.get_running_loop().time())
            done, _ = await asyncio.wait({task}, timeout=remaining)
    finally:
        watcher.cancel()
    if task in done:
        return task.result()
    task.cancel()
    if watcher in done and watcher.exception() is None:
        raise CallerGone
    return _error(
        504,
        f"not scored within the caller's {TIMEOUT_HEADER} of {timeout:g} s; the work was dropped",
        {EXPIRED_HEADER: f"{timeout:g}"},
    )


def _error(status: int, detail, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _too_large(field: str, message: str) -> JSONResponse:
    """413 naming the field: ``groups[2].completions`` -> ``["body", "groups", "2", "completions"]``."""
    loc = ["body", *(part for part in field.replace("]", "").replace("[", ".").split(".") if part)]
    return _error(413, [{"loc": loc, "msg": message, "type": "too_large"}])


def _validation_detail(exc: ValidationError) -> list[dict]:
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def _lone_surrogate_escape(exc: ValidationError) -> bool:
    """pydantic-core refuses JSON whose strings hold a lone surrogate escape (``"\\ud800"``)."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    return (
        len(errors) == 1
        and errors[0]["type"] == "json_invalid"
        and ("surrogate" in errors[0]["msg"] or "hex escape" in errors[0]["msg"])
    )


def _json(payload: dict) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8", "surrogatepass"),
        media_type="application/json",
    )


def _body_schema(name: str) -> dict:
    timeout = {
        "name": TIMEOUT_HEADER,
        "in": "header",
        "required": False,
        "schema": {"type": "number", "exclusiveMinimum": 0},
        "description": "Seconds this caller will wait: past them the work is dropped and the answer is 504.",
    }
    return {
        "parameters": [timeout],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        },
    }


_ERRORS = {
    413: {"model": ErrorBody, "description": "Over a configured limit"},
    422: {"model": ErrorBody, "description": "Malformed request"},
    429: {"model": ErrorBody, "description": "Too many trajectories pending: retry after `Retry-After` seconds"},
    503: {"model": ErrorBody, "description": "Workers not ready"},
    504: {"model": ErrorBody, "description": "Not scored within the caller's `X-Request-Timeout`"},
}


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
    shape_limits = ShapeLimits(
        config.max_groups, config.max_completions_per_group, config.max_trajectories, config.max_json_values
    )
    token = bearer_token(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool.start()
        grpc_server = None
        if config.grpc_port:
            from .grpc_api import GrpcServer

            grpc_server = GrpcServer(scorer, config.host, config.grpc_port, token=token)
            await grpc_server.start()
        app.state.grpc = grpc_server
        yield
        if grpc_server is not None:
            await grpc_server.stop(grace=config.grace_seconds)
        await asyncio.get_running_loop().run_in_executor(None, pool.close)  # joins threads: off the loop

    app = FastAPI(
        title="StepGRPO reward service",
        version=CORE_VERSION,
        lifespan=lifespan,
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
        _, error = request_timeout(request)
        if error:
            return None, error
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return None, _too_large("", f"request body is over {config.max_request_bytes} bytes")
        if len(body) < OFF_LOOP_BYTES:
            return validated(body, model)
        return await asyncio.to_thread(validated, body, model)

    def validated(body: bytes, model: type[BaseModel]):
        """Counted first (a scan that stops at the first limit crossed), then parsed and validated."""
        if len(body) >= OFF_LOOP_BYTES and (shape := shape_error(body, shape_limits)) is not None:
            return None, _too_large(shape.field, shape.message)
        try:
            return model.model_validate_json(body), None
        except ValidationError as exc:
            if not _lone_surrogate_escape(exc):
                return None, _error(422, _validation_detail(exc))
            rejected = exc
        try:  # Python's parser keeps lone surrogates: the items holding one get their own error
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None, _error(422, _validation_detail(rejected))
        try:
            return model.model_validate(data), None
        except ValidationError as exc:
            return None, _error(422, _validation_detail(exc))

    async def score_request(request: Request, req: ScoreRequest) -> dict | Response:
        try:
            scorer.admit(req)
        except LimitError as exc:
            return _too_large(exc.field, exc.message)
        except NotReady as exc:
            return _error(503, str(exc), {"Retry-After": "1"})
        except Overloaded as exc:
            return _error(429, str(exc), {"Retry-After": str(exc.retry_after)})
        return await while_caller_waits(request, scorer.start(req), request_timeout(request)[0])

    def request_timeout(request: Request) -> tuple[float | None, Response | None]:
        """The caller's deadline from ``X-Request-Timeout`` (seconds), or the 422 for a bad one."""
        raw = request.headers.get(TIMEOUT_HEADER)
        if raw is None:
            return None, None
        try:
            seconds = float(raw)
        except ValueError:
            seconds = math.nan
        if not (0 < seconds < math.inf):
            return None, _error(
                422,
                [
                    {
                        "loc": ["header", TIMEOUT_HEADER],
                        "msg": f"must be a positive number of seconds, got {raw[:40]!r}",
                        "type": "value_error",
                    }
                ],
            )
        return seconds, None

    def observed(endpoint: str):
        def wrap(handler):
            async def inner(request: Request):
                started = time.perf_counter()
                metrics.in_flight.inc()
                try:
                    response = await unless(app.state.grace_expired, handler(request))
                except (CallerGone, ClientDisconnect):  # nobody to answer; counted with nginx's "client closed request"
                    log.info(
                        "%s %s: the client closed the connection before the response (499)",
                        request.method,
                        request.url.path,
                    )
                    response = Response(status_code=499)
                except GraceExpired:
                    response = _error(
                        503,
                        "the server is shutting down and its grace period ran out before "
                        "this request was answered; its work was dropped: retry",
                        {"Retry-After": "1"},
                    )
                except Exception as exc:  # still answered, and counted as a 500
                    log.exception("unhandled error serving %s", request.url.path)
                    response = _error(500, f"internal server error: {type(exc).__name__}")
                finally:
                    metrics.in_flight.dec()
                metrics.observe_request(endpoint, response.status_code, time.perf_counter() - started)
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
        result = await score_request(request, req)
        return result if isinstance(result, Response) else _json(result)

    for path in ("/v1/score", "/score"):
        app.add_api_route(
            path,
            score,
            methods=["POST"],
            response_model=None,
            openapi_extra=_body_schema("ScoreRequest"),
            responses={200: {"model": ScoreResponse, "description": "Scores"}, **_ERRORS},
            include_in_schema=path == "/v1/score",
            name=f"score{path.replace('/', '_')}",
        )

    @observed("openrlhf")
    async def openrlhf(request: Request) -> Response:
        """OpenRLHF's remote reward protocol: ``--remote_rm_url http://HOST:PORT/v1/openrlhf``."""
        profile = request.query_params.get("profile", DEFAULT_PROFILE)
        if profile not in PROFILES:
            return _error(
                422,
                [
                    {
                        "loc": ["query", "profile"],
                        "msg": f"unknown profile {profile!r}; known: {sorted(PROFILES)}",
                        "type": "enum",
                    }
                ],
            )
        body, error = await parse(request, OpenRLHFRequest)
        if error:
            return error
        try:
            req = openrlhf_request(body, profile, Options())
        except (ValueError, ValidationError) as exc:
            detail = _validation_detail(exc) if isinstance(exc, ValidationError) else str(exc)
            return _error(
                422, [{"loc": ["body", str(detail).split(":")[0]], "msg": str(detail), "type": "value_error"}]
            )
        if req is None:
            return _json({"rewards": [], "scores": [], "extra_logs": {}})
        result = await score_request(request, req)
        return result if isinstance(result, Response) else _json(openrlhf_response(result))

    app.add_api_route(
        "/v1/openrlhf",
        openrlhf,
        methods=["POST"],
        response_model=None,
        openapi_extra=_body_schema("OpenRLHFRequest"),
        responses={200: {"model": OpenRLHFResponse, "description": "Rewards"}, **_ERRORS},
    )

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
            app.openapi_schema = document_bearer(schema, open_paths(config)) if token else schema
        return app.openapi_schema

    app.openapi = openapi
    add_inspector(app)
    assert set(ProfileName.__args__) == set(PROFILES)
    return app
