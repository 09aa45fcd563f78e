"""gRPC method handlers rebuilt around another behaviour, for server interceptors (auth, metrics)."""

from __future__ import annotations

from collections.abc import Callable

import grpc

_BUILDERS = {
    (False, False): grpc.unary_unary_rpc_method_handler,
    (False, True): grpc.unary_stream_rpc_method_handler,
    (True, False): grpc.stream_unary_rpc_method_handler,
    (True, True): grpc.stream_stream_rpc_method_handler,
}
_KEEP = object()


def behaviour_of(handler: grpc.RpcMethodHandler) -> Callable:
    """The function that serves ``handler``'s calls, whichever of the four shapes it has."""
    if handler.request_streaming:
        return handler.stream_stream if handler.response_streaming else handler.stream_unary
    return handler.unary_stream if handler.response_streaming else handler.unary_unary


def with_behaviour(
    handler: grpc.RpcMethodHandler, behaviour: Callable, request_deserializer=_KEEP
) -> grpc.RpcMethodHandler:
    """A handler of ``handler``'s shape and serializers served by ``behaviour`` (``request_deserializer=None``
    leaves requests as raw bytes)."""
    build = _BUILDERS[(handler.request_streaming, handler.response_streaming)]
    deserializer = handler.request_deserializer if request_deserializer is _KEEP else request_deserializer
    return build(behaviour, request_deserializer=deserializer, response_serializer=handler.response_serializer)
