"""Bearer-token authentication of gRPC calls (a server interceptor); health and reflection stay open. The token
check itself is :func:`service.ops.auth.token_matches`."""

from __future__ import annotations

import grpc

from ..ops.auth import token_matches
from .handlers import with_behaviour

OPEN_GRPC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


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
