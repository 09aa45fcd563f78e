"""HTTP error bodies (``{"detail": ...}``, FastAPI's shape) and the exception that carries one out of a handler."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from ..scoring.admission import Refusal
from ..scoring.contract import ErrorBody

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorBody, "description": "Over a configured limit"},
    422: {"model": ErrorBody, "description": "Malformed request"},
    429: {"model": ErrorBody, "description": "Too many trajectories pending: retry after `Retry-After` seconds"},
    503: {"model": ErrorBody, "description": "Workers not ready"},
    504: {"model": ErrorBody, "description": "Not scored within the caller's `X-Request-Timeout`"},
}
"""The error answers of the scoring endpoints, as the OpenAPI schema documents them."""


class Refused(Exception):
    """The request is answered with ``response`` (an error) instead of its result."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


def error(status: int, detail, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def field_error(status: int, loc: list[str], msg: str, kind: str) -> JSONResponse:
    """One error naming where it is (``["query", "profile"]``), as FastAPI's validation errors do."""
    return error(status, [{"loc": loc, "msg": msg, "type": kind}])


def too_large(field: str, message: str) -> JSONResponse:
    """413 naming the field: ``groups[2].completions`` -> ``["body", "groups", "2", "completions"]``."""
    loc = ["body", *(part for part in field.replace("]", "").replace("[", ".").split(".") if part)]
    return field_error(413, loc, message, "too_large")


def refusal_response(refusal: Refusal) -> JSONResponse:
    """A refused request's answer: 413 naming the field over its limit, else the status with ``Retry-After``."""
    if refusal.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return too_large(refusal.field, refusal.reason)
    return error(refusal.status, refusal.message, {"Retry-After": str(refusal.retry_after)})


def validation_detail(exc: ValidationError) -> list[dict]:
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def json_response(payload: dict) -> Response:
    """``payload`` as JSON, keeping what a lenient parse let through (lone surrogates) as it came. The payload is a
    tree of plain lists and dicts (no container holds itself), so the encoder need not track the ones it is in."""
    return Response(
        json.dumps(payload, ensure_ascii=False, allow_nan=False, check_circular=False).encode("utf-8", "surrogatepass"),
        media_type="application/json",
    )
