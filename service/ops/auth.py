"""Optional bearer-token authentication for HTTP (an ASGI middleware) and gRPC (a server interceptor).

Deny by default: with a token configured, every path or method needs it except the few that must stay
open for probes and discovery (``/healthz``, ``/readyz``, the OpenAPI schema and docs, the inspector
page's static files, gRPC health and reflection, and ``/metrics`` unless ``--metrics-auth``). Tokens are
compared in constant time (:func:`hmac.compare_digest`) and never logged or echoed. Where the token
comes from (a file or ``REWARD_AUTH_TOKEN``) is configuration: :func:`service.ops.config.bearer_token`.
"""

from __future__ import annotations

import hmac

import grpc
from starlette.responses import JSONResponse

from ..grpc.handlers import with_behaviour
from ..http.api_docs import OPEN_PATHS as DOCS_PATHS
from ..ui import ASSETS as INSPECTOR_ASSETS
from .config import TOKEN_ENV as TOKEN_ENV
from .config import Config
from .config import bearer_token as bearer_token

OPEN_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/openapi.json",
        *DOCS_PATHS,
        "/",
        "/ui",
        *(f"/ui/{name}" for name in INSPECTOR_ASSETS),
    }
)
"""The inspector page's own files hold no data: it asks for the token and sends it with its API calls."""
OPEN_GRPC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
SCHEME = "bearer"


def open_paths(config: Config) -> frozenset[str]:
    return OPEN_PATHS if config.metrics_auth else OPEN_PATHS | {"/metrics"}


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


class BearerAuthMiddleware:
    """Answers 401 with ``WWW-Authenticate: Bearer`` (RFC 6750) unless the path is open or the token matches."""

    def __init__(self, app, token: str, open_paths: frozenset[str], on_deny=lambda: None):
        self.app = app
        self._token = token.encode()
        self.open_paths = open_paths
        self.on_deny = on_deny

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths:
            return await self.app(scope, receive, send)
        header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
        ok, presented = token_matches(self._token, header)
        if ok:
            return await self.app(scope, receive, send)
        self.on_deny()
        challenge = 'Bearer realm="reward"' + (', error="invalid_token"' if presented else "")
        detail = "invalid bearer token" if presented else "missing bearer token (Authorization: Bearer <token>)"
        await JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": challenge})(
            scope, receive, send
        )


class BearerAuthInterceptor(grpc.aio.ServerInterceptor):
    """UNAUTHENTICATED for every method but health and reflection unless ``authorization: Bearer <token>`` matches."""

    def __init__(self, token: str):
        self._token = token.encode()

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        if handler is None or details.method.startswith(OPEN_GRPC_PREFIXES):
            return handler
        header = next((v for k, v in details.invocation_metadata or () if k == "authorization"), None)
        ok, presented = token_matches(self._token, header)
        return (
            handler
            if ok
            else _denying(
                handler,
                "invalid bearer token"
                if presented
                else "missing bearer token (metadata authorization: Bearer <token>)",
            )
        )


def _denying(handler: grpc.RpcMethodHandler, message: str) -> grpc.RpcMethodHandler:
    """A handler of the same shape as ``handler`` that aborts with UNAUTHENTICATED (the request is
    left as raw bytes: an unauthenticated caller's message is never parsed)."""

    async def deny(request_or_iterator, context):
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)

    return with_behaviour(handler, deny, request_deserializer=None)


def document_bearer(schema: dict, open_paths: frozenset[str]) -> dict:
    """Declare the bearer scheme in the OpenAPI schema on every operation it guards (clients and
    schemathesis's ``ignored_auth`` check read it)."""
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": SCHEME}
    for path, operations in schema.get("paths", {}).items():
        if path in open_paths:
            continue
        for operation in operations.values():
            operation["security"] = [{"bearer": []}]
            operation.setdefault("responses", {})["401"] = {"description": "Missing or invalid bearer token"}
    return schema
