"""The scoring endpoints: ``POST /v1/score`` (and its unversioned alias ``/score``) and OpenRLHF's
``POST /v1/openrlhf``. Each reads the caller's deadline, then its body, then asks for admission
(:mod:`service.scoring.admission`) and waits for the worker pool while the caller does."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from ..rewards import DEFAULT_PROFILE
from ..scoring import openrlhf as openrlhf_protocol
from ..scoring.admission import refusal
from ..scoring.contract import MAX_RUN_CHARS, FieldError, OpenRLHFRequest, OpenRLHFResponse, ScoreRequest, ScoreResponse
from .body import parsed_body
from .errors import (
    ERROR_RESPONSES,
    Refused,
    error,
    field_error,
    json_response,
    refusal_response,
    validation_detail,
)
from .observed import observed
from .waiting import TIMEOUT_HEADER, caller_timeout, while_caller_waits


async def scored(request: Request, score_request: ScoreRequest, timeout: float | None) -> dict:
    """The v1 response, once admitted and scored within the caller's deadline; else raises :class:`Refused`."""
    scorer = request.app.state.scorer
    refused = refusal(scorer, score_request)
    if refused is not None:
        raise Refused(refusal_response(refused))
    return await while_caller_waits(request, scorer.start(score_request), timeout)


@observed("score")
async def score(request: Request) -> Response:
    """Score groups of completions: per-trajectory rewards and group advantages."""
    timeout = caller_timeout(request)
    body = await parsed_body(request, ScoreRequest, request.app.state.config)
    return json_response(await scored(request, body, timeout))


@observed("openrlhf")
async def openrlhf(request: Request) -> Response:
    """OpenRLHF's remote reward protocol: ``--remote_rm_url http://HOST:PORT/v1/openrlhf``."""
    profile = request.query_params.get("profile", DEFAULT_PROFILE)
    unknown = openrlhf_protocol.unknown_profile(profile)
    if unknown is not None:
        raise Refused(field_error(422, ["query", "profile"], unknown, "enum"))
    run = request.query_params.get("run")
    if run is not None and len(run) > MAX_RUN_CHARS:
        raise Refused(field_error(422, ["query", "run"], f"over {MAX_RUN_CHARS} characters", "string_too_long"))
    timeout = caller_timeout(request)
    body = await parsed_body(request, OpenRLHFRequest, request.app.state.config)
    try:
        # off the event loop: reading a batch (prompt stripping, labels) is linear but can take a while
        score_request = await asyncio.to_thread(openrlhf_protocol.score_request, body, profile, None, run)
    except FieldError as exc:
        raise Refused(field_error(422, ["body", exc.field], str(exc), "value_error")) from None
    except ValidationError as exc:
        raise Refused(error(422, validation_detail(exc))) from None
    if score_request is None:
        return json_response(openrlhf_protocol.no_samples())
    return json_response(openrlhf_protocol.rewards(await scored(request, score_request, timeout)))


def _body_schema(name: str) -> dict:
    """The request body (validated by hand, so FastAPI cannot document it) and the deadline header."""
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


def router() -> APIRouter:
    """The scoring routes, for one app."""
    routes = APIRouter()
    for path in ("/v1/score", "/score"):
        routes.add_api_route(
            path,
            score,
            methods=["POST"],
            response_model=None,
            openapi_extra=_body_schema("ScoreRequest"),
            responses={200: {"model": ScoreResponse, "description": "Scores"}, **ERROR_RESPONSES},
            include_in_schema=path == "/v1/score",
            name=f"score{path.replace('/', '_')}",
        )
    routes.add_api_route(
        "/v1/openrlhf",
        openrlhf,
        methods=["POST"],
        response_model=None,
        openapi_extra=_body_schema("OpenRLHFRequest"),
        responses={200: {"model": OpenRLHFResponse, "description": "Rewards"}, **ERROR_RESPONSES},
    )
    return routes
