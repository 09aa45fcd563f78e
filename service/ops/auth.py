"""Bearer tokens, checked the same way by both front ends: the HTTP middleware (:mod:`service.http.auth`) and
the gRPC interceptor (:mod:`service.grpc.auth`).

Deny by default: with a token configured, every path or method needs it except the few that must stay
open for probes and discovery (``/healthz``, ``/readyz``, the OpenAPI schema and docs, the inspector
page's static files, gRPC health and reflection, and ``/metrics`` unless ``--metrics-auth``). Tokens are
compared in constant time (:func:`hmac.compare_digest`) and never logged or echoed. Where the token
comes from (a file or ``REWARD_AUTH_TOKEN``) is configuration: :func:`service.ops.config.bearer_token`.
"""

from __future__ import annotations

import hmac

from .config import TOKEN_ENV as TOKEN_ENV
from .config import bearer_token as bearer_token

SCHEME = "bearer"


def _presented(value: str | bytes | None) -> bytes | None:
    """The token of an ``Authorization: Bearer <token>`` value, or None when there is none."""
    if value is None:
        return None
    raw = value.encode("latin-1", "replace") if isinstance(value, str) else value
    scheme, _, token = raw.strip().partition(b" ")
    return token.strip() if scheme.lower() == SCHEME.encode() and token.strip() else None


def token_matches(expected: bytes, value: str | bytes | None) -> tuple[bool, bool]:
    """(authorized, a token was presented), comparing in constant time."""
    presented = _presented(value)
    if presented is None:
        return False, False
    return hmac.compare_digest(presented, expected), True
