"""Bearer-token authentication of HTTP requests (an ASGI middleware) and the paths left open; the token check
itself is :func:`service.ops.auth.token_matches`."""

from __future__ import annotations

from starlette.responses import JSONResponse

from ..ops.auth import SCHEME, token_matches
from ..ops.config import Config
from ..ui import ASSETS as INSPECTOR_ASSETS
from .api_docs import OPEN_PATHS as DOCS_PATHS

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


def open_paths(config: Config) -> frozenset[str]:
    return OPEN_PATHS if config.metrics_auth else OPEN_PATHS | {"/metrics"}


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
