"""``python -m service``: serve the reward service (HTTP, and gRPC with ``--grpc-port``)."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading

import uvicorn
from uvicorn.config import LOG_LEVELS

from .http.app import create_app
from .http.auth import open_paths
from .http.connections import ConnectionLimits, connection_cap, limited_protocol
from .ops.config import parse_args

GRACE_FLUSH_SECONDS = 2.0
"""After the grace, how long the 503s to in-flight requests may take to go out before uvicorn cancels what is left."""

RESERVED_FILES = 64
"""Open files kept back from --max-connections for gRPC, logs and the process's own files ..."""
FILES_PER_WORKER = 4
"""... and for each scoring worker's pipes."""

log = logging.getLogger("service")


class DrainingServer(uvicorn.Server):
    """Shut down in order on SIGTERM/SIGINT: first readiness (/readyz, gRPC health) turns
    not-serving while requests are still served for ``drain_seconds`` (load balancers and
    Kubernetes endpoints catch up), then uvicorn stops accepting and waits ``grace_seconds`` for
    in-flight requests; those still running then get 503 with ``Retry-After`` and their work is
    dropped (``grace_expired``). The app's shutdown then stops gRPC with the same grace and the
    worker pool. A second signal exits at once. The exit status is 0 either way."""

    def __init__(
        self, config: uvicorn.Config, scorer, drain_seconds: float, grace_seconds: float, grace_expired: asyncio.Event
    ):
        super().__init__(config)
        self.scorer = scorer
        self.drain_seconds = drain_seconds
        self.grace_seconds = grace_seconds
        self.grace_expired = grace_expired
        self._timer: threading.Timer | None = None

    async def serve(self, sockets=None) -> None:
        with self.capture_signals():
            await self._serve(sockets)
            self._captured_signals.clear()  # uvicorn would re-raise SIGTERM after a clean shutdown (status -15)

    async def shutdown(self, sockets=None) -> None:
        expiry = asyncio.get_running_loop().call_later(self.grace_seconds, self._expire)
        try:
            await super().shutdown(sockets)
        finally:
            expiry.cancel()

    def _expire(self) -> None:
        if self.server_state.tasks:
            log.warning(
                "shutdown grace of %g s ran out: answering %d in-flight request(s) with 503",
                self.grace_seconds,
                len(self.server_state.tasks),
            )
        self.grace_expired.set()

    def handle_exit(self, sig, frame) -> None:
        if self.scorer.draining:
            if self._timer is not None:
                self._timer.cancel()
            self.should_exit = self.force_exit = True
            return
        self.scorer.draining = True
        if self.drain_seconds <= 0:
            super().handle_exit(sig, frame)
            return
        log.warning(
            "draining: not ready; still serving for %.1f s, then finishing in-flight requests", self.drain_seconds
        )
        self._timer = threading.Timer(self.drain_seconds, super().handle_exit, (sig, frame))
        self._timer.daemon = True
        self._timer.start()


def _log_service_messages(level: str) -> None:
    """The service's own loggers print beside uvicorn's, at the same level (INFO: a client's 499)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(LOG_LEVELS.get(level.lower(), logging.INFO))


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    _log_service_messages(config.log_level)
    app = create_app(config)
    cap = connection_cap(config.max_connections, reserved=RESERVED_FILES + FILES_PER_WORKER * config.workers)
    limits = ConnectionLimits(config.max_header_bytes, config.header_timeout, config.body_timeout, cap)
    refused = app.state.refused_connections
    server_config = uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        log_level=config.log_level,
        http=limited_protocol(limits, lambda reason: refused.labels(reason).inc()),
        # uvicorn types these as int but waits on them as seconds: fractions are kept
        timeout_keep_alive=config.keep_alive_timeout,  # type: ignore[arg-type]
        timeout_graceful_shutdown=config.grace_seconds + GRACE_FLUSH_SECONDS,  # type: ignore[arg-type]
        ssl_certfile=config.tls_cert or None,
        ssl_keyfile=config.tls_key or None,
    )
    if app.state.auth:
        log.warning(
            "bearer-token auth on (%s); open: %s",
            "token file" if config.auth_token_file else "REWARD_AUTH_TOKEN",
            ", ".join(sorted(open_paths(config))),
        )
    server = DrainingServer(
        server_config, app.state.scorer, config.drain_seconds, config.grace_seconds, app.state.grace_expired
    )
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
