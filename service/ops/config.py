"""Server configuration: command-line flags, each with an environment variable and a default."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

ENV_PREFIX = "REWARD_"
TOKEN_ENV = ENV_PREFIX + "AUTH_TOKEN"


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8000
    grpc_port: int = 0
    """gRPC port beside HTTP, same process and worker pool; 0 serves HTTP only."""
    workers: int = max(1, os.cpu_count() or 1)
    deadline: float = 5.0
    """Seconds one trajectory may take before its worker is killed and it reports ``timeout``."""
    task_size: int = 64
    """Most trajectories sent to a worker at once (smaller when a request is small)."""
    max_groups: int = 4096
    max_completions_per_group: int = 512
    max_trajectories: int = 16384
    max_completion_bytes: int = 65536
    max_reference_bytes: int = 65536
    """UTF-8 bytes of one group's reference serialised as JSON."""
    max_request_bytes: int = 64 * 1024 * 1024
    max_json_values: int = 524288
    """Strings, numbers, arrays and objects in one body, counted before it is parsed."""
    max_pending_trajectories: int = 65536
    """Trajectories accepted and not yet scored, over all requests; beyond it new requests get 429."""
    worker_memory_mb: int = 2048
    """Address-space limit of each worker process (0: none)."""
    drain_seconds: float = 2.0
    """On SIGTERM: seconds of not-ready-but-serving before the server stops accepting."""
    grace_seconds: float = 30.0
    """Then: seconds in-flight requests may take to finish before the server exits anyway."""
    log_level: str = "info"
    auth_token_file: str = ""
    """File with the bearer token scoring requests must carry (or ``REWARD_AUTH_TOKEN``); empty: no auth."""
    metrics_auth: bool = False
    """Whether ``/metrics`` needs the token too (``/healthz`` and ``/readyz`` never do)."""
    tls_cert: str = ""
    """PEM certificate (chain) for HTTPS and gRPC TLS; with ``tls_key``. Empty: plaintext."""
    tls_key: str = ""
    max_header_bytes: int = 32768
    """Bytes of a request line and headers; over it the connection gets 431 and is closed (before auth)."""
    header_timeout: float = 10.0
    """Seconds from a connection's start (or its next request's first byte) to the end of the headers (408)."""
    keep_alive_timeout: float = 5.0
    """Seconds an idle keep-alive connection stays open between requests."""
    body_timeout: float = 30.0
    """Seconds a request body may go without a byte arriving before the connection is closed (408)."""
    max_connections: int = 1024
    """Open HTTP connections; at the cap the longest-waiting idle or slow one is closed, else the new one gets 503."""
    grpc_stream_bytes: int = 8 * 1024 * 1024
    """Bytes of groups one gRPC ScoreStream holds (read, not yet answered): at the cap it is not read until the
    caller takes its results; a single group over it gets an error result."""
    grpc_streams: int = 64
    """Open ScoreStream calls over all connections; beyond, RESOURCE_EXHAUSTED with a retry pushback."""
    grpc_streams_per_connection: int = 8
    """Open ScoreStream calls on one connection; beyond, RESOURCE_EXHAUSTED with a retry pushback."""
    grpc_bdp_probe: bool = False
    metrics_runs: int = 16
    """Training runs (a request's ``run``) with their own policy-behaviour series; the rest count as ``other``."""
    """Let gRPC grow its HTTP/2 windows by bandwidth-delay probing: faster large requests over long links, but
    gRPC then buffers tens of MB per connection that the caller has sent and the service has not read."""


_HELP = {
    "host": "address to bind (0.0.0.0 in containers)",
    "port": "HTTP port",
    "grpc_port": "gRPC port (0: HTTP only)",
    "workers": "scoring processes (default: CPU count)",
    "deadline": "hard per-trajectory deadline in seconds",
    "task_size": "most trajectories per worker task (requests are split into at least 2 tasks per worker)",
    "max_groups": "most groups in one request (413 above)",
    "max_completions_per_group": "most completions in one group (413 above)",
    "max_trajectories": "most completions in one request (413 above)",
    "max_completion_bytes": "most UTF-8 bytes in one completion (413 above)",
    "max_reference_bytes": "most UTF-8 bytes in one group's reference as JSON (413 above)",
    "max_request_bytes": "most bytes in one request body (413 above)",
    "max_json_values": "most JSON values (strings, numbers, arrays, objects) in one request body, counted before "
    "parsing (413 above)",
    "max_pending_trajectories": "most trajectories queued or being scored over all requests "
    "(429 / RESOURCE_EXHAUSTED above)",
    "worker_memory_mb": "address-space limit of each worker process in MiB (0: none); "
    "over it a trajectory gets an error",
    "drain_seconds": "on SIGTERM, report not-ready (HTTP and gRPC health) but keep serving this long",
    "grace_seconds": "then stop accepting and give in-flight requests this long to finish",
    "log_level": "uvicorn log level",
    "auth_token_file": "file holding the bearer token required on scoring endpoints "
    "(or env REWARD_AUTH_TOKEN; neither: no auth)",
    "metrics_auth": "require the token on /metrics too",
    "tls_cert": "PEM certificate for HTTPS and gRPC TLS (with --tls-key)",
    "tls_key": "PEM private key for --tls-cert",
    "max_header_bytes": "most bytes of a request line and headers (431 and the connection closed above)",
    "header_timeout": "seconds to receive a request's headers from the connection's start or its first byte (408)",
    "keep_alive_timeout": "seconds an idle keep-alive connection is kept open",
    "body_timeout": "seconds a request body may stall without a byte before the connection is closed (408)",
    "max_connections": "most open HTTP connections (at the cap the longest-waiting idle one is closed, else 503)",
    "grpc_stream_bytes": "most bytes of groups a gRPC ScoreStream holds unanswered: at the cap the stream is not "
    "read until its results are taken; a larger group gets an error result",
    "grpc_streams": "most open gRPC ScoreStream calls in all (RESOURCE_EXHAUSTED above)",
    "grpc_streams_per_connection": "most open gRPC ScoreStream calls on one connection (RESOURCE_EXHAUSTED above)",
    "metrics_runs": 'training runs with their own policy-behaviour series in /metrics (the rest: run="other")',
    "grpc_bdp_probe": "let gRPC grow its HTTP/2 flow-control windows by bandwidth-delay probing (faster large "
    "requests over long links; gRPC then buffers tens of MB a connection beyond what the service reads)",
}

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _env_value(kind: type, raw: str):
    """``kind(raw)``, with booleans spelled 1/0, true/false, yes/no or on/off."""
    if kind is bool:
        if raw.strip().lower() not in _TRUE | _FALSE:
            raise ValueError(raw)
        return raw.strip().lower() in _TRUE
    return kind(raw)


def _flag_bool(raw: str) -> bool:
    """``--metrics-auth`` alone is true; ``--metrics-auth=false`` (as Ray Serve settings pass values) is not."""
    try:
        return _env_value(bool, raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a boolean (true/false, 1/0, yes/no, on/off)") from None


class AuthConfigError(ValueError):
    """The token cannot be read; the message names the setting, never the token."""


def bearer_token(config: Config, environ: Mapping[str, str] | None = None) -> str | None:
    """The token from ``--auth-token-file`` or ``REWARD_AUTH_TOKEN`` (setting both is an error), or None: no auth."""
    environ = os.environ if environ is None else environ
    from_env = environ.get(TOKEN_ENV, "")
    if config.auth_token_file and from_env:
        raise AuthConfigError(f"set either --auth-token-file or {TOKEN_ENV}, not both")
    if config.auth_token_file:
        try:
            token = Path(config.auth_token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise AuthConfigError(
                f"--auth-token-file {config.auth_token_file}: cannot read it ({type(exc).__name__})"
            ) from None
        if not token:
            raise AuthConfigError(f"--auth-token-file {config.auth_token_file} is empty")
    else:
        token = from_env.strip()
        if from_env and not token:
            raise AuthConfigError(f"{TOKEN_ENV} is blank")
    if token and (not token.isascii() or any(c.isspace() or not c.isprintable() for c in token)):
        raise AuthConfigError("the auth token must be printable ASCII without spaces")
    return token or None


def config_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    """``python -m service``'s flags, defaulting to the ``REWARD_<NAME>`` environment variables."""
    parser = argparse.ArgumentParser(prog="python -m service", description="StepGRPO reward service (HTTP).")
    defaults = Config()
    for f in fields(Config):
        env = ENV_PREFIX + f.name.upper()
        default = getattr(defaults, f.name)
        kind = type(default)
        if env in environ:
            try:
                default = _env_value(kind, environ[env])
            except ValueError:
                parser.error(f"{env}={environ[env]!r} is not a valid {kind.__name__}")
        option = {"type": _flag_bool, "nargs": "?", "const": True} if kind is bool else {"type": kind}
        parser.add_argument(
            "--" + f.name.replace("_", "-"),
            **option,
            default=default,
            help=f"{_HELP[f.name]} [env {env}, default {getattr(defaults, f.name)}]",
        )
    return parser


def config_problem(config: Config, environ: Mapping[str, str]) -> str | None:
    """What is wrong with ``config`` (the first thing found), or None."""
    for name in (
        "workers",
        "task_size",
        "max_groups",
        "max_completions_per_group",
        "max_trajectories",
        "max_completion_bytes",
        "max_reference_bytes",
        "max_request_bytes",
        "max_header_bytes",
        "max_connections",
        "max_json_values",
        "grpc_stream_bytes",
        "grpc_streams",
        "grpc_streams_per_connection",
    ):
        if getattr(config, name) < 1:
            return f"--{name.replace('_', '-')} must be at least 1"
    if config.max_pending_trajectories < config.max_trajectories:
        return (
            "--max-pending-trajectories must be at least --max-trajectories "
            "(or the largest request could never be admitted)"
        )
    if config.worker_memory_mb < 0:
        return "--worker-memory-mb must be 0 (no limit) or positive"
    if config.grpc_port < 0:
        return "--grpc-port must be 0 (off) or a port number"
    if config.drain_seconds < 0 or config.grace_seconds < 0:
        return "--drain-seconds and --grace-seconds must not be negative"
    if config.deadline <= 0:
        return "--deadline must be positive"
    for name in ("header_timeout", "keep_alive_timeout", "body_timeout"):
        if not getattr(config, name) > 0:
            return f"--{name.replace('_', '-')} must be positive"
    if bool(config.tls_cert) != bool(config.tls_key):
        return "--tls-cert and --tls-key go together"
    for name in ("tls_cert", "tls_key", "auth_token_file"):
        if getattr(config, name) and not os.path.isfile(getattr(config, name)):
            return f"--{name.replace('_', '-')} {getattr(config, name)}: no such file"
    try:
        bearer_token(config, environ)
    except AuthConfigError as exc:
        return str(exc)
    return None


def parse_args(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Flags override ``REWARD_<NAME>`` environment variables, which override the defaults."""
    environ = os.environ if environ is None else environ
    parser = config_parser(environ)
    config = Config(**vars(parser.parse_args(argv)))
    problem = config_problem(config, environ)
    if problem is not None:
        parser.error(problem)
    return config
