"""Request bodies: read with a size limit, counted before parsing when large, then parsed and validated
in one pass by pydantic-core (so absurd nesting and invalid UTF-8 become 422s, not server errors)."""

from __future__ import annotations

import asyncio
import json
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from ..ops.config import Config
from ..scoring.contract import ScoreRequest
from .errors import Refused, error, too_large, validation_detail
from .json_shape import ShapeLimits, passes_shape, shape_error, values_bound

M = TypeVar("M", bound=BaseModel)
OFF_LOOP_BYTES = 1 << 20
"""Bodies this large are counted against the limits and parsed in a thread, not on the event loop."""


class _BodyTooLarge(Exception):
    pass


def shape_limits(config: Config) -> ShapeLimits:
    return ShapeLimits(
        config.max_groups, config.max_completions_per_group, config.max_trajectories, config.max_json_values
    )


async def parsed_body(request: Request, model: type[M], config: Config) -> M:
    """The validated body; raises :class:`Refused` with the 413 or 422 to send instead."""
    try:
        body = await _read(request, config.max_request_bytes)
    except _BodyTooLarge:
        raise Refused(too_large("", f"request body is over {config.max_request_bytes} bytes")) from None
    if len(body) < OFF_LOOP_BYTES:
        return _validated(body, model, config)
    return await asyncio.to_thread(_validated, body, model, config)


async def _read(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _validated(body: bytes, model: type[M], config: Config) -> M:
    """Counted first (a scan that stops at the first limit crossed), then parsed and validated. A large score
    request that cannot hold more values than the limit is parsed first, and scanned only when the parse fails or
    :func:`~service.http.json_shape.passes_shape` cannot tell that the scan would pass: the answer is the same."""
    if len(body) < OFF_LOOP_BYTES:
        return _parsed(body, model)
    limits = shape_limits(config)
    if model is not ScoreRequest or values_bound(body) > limits.max_values:
        _refuse_over_shape(body, limits)
        return _parsed(body, model)
    try:
        parsed = _parsed(body, model)
    except Refused:
        _refuse_over_shape(body, limits)
        raise
    if not passes_shape(body, [len(g.completions) for g in parsed.groups], limits):  # type: ignore[attr-defined]
        _refuse_over_shape(body, limits)
    return parsed


def _refuse_over_shape(body: bytes, limits: ShapeLimits) -> None:
    """Raise the 413 for the first limit the body crosses, if any."""
    if (shape := shape_error(body, limits)) is not None:
        raise Refused(too_large(shape.field, shape.message))


def _parsed(body: bytes, model: type[M]) -> M:
    """Parsed and validated by pydantic-core; raises :class:`Refused` with the 422."""
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        if not _lone_surrogate_escape(exc):
            raise Refused(error(422, validation_detail(exc))) from None
        rejected = exc
    try:  # Python's parser keeps lone surrogates: the items holding one get their own error
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise Refused(error(422, validation_detail(rejected))) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Refused(error(422, validation_detail(exc))) from None


def _lone_surrogate_escape(exc: ValidationError) -> bool:
    """pydantic-core refuses JSON whose strings hold a lone surrogate escape (``"\\ud800"``)."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    return (
        len(errors) == 1
        and errors[0]["type"] == "json_invalid"
        and ("surrogate" in errors[0]["msg"] or "hex escape" in errors[0]["msg"])
    )
