"""``python -m service``: serve the reward service (HTTP, and gRPC with ``--grpc-port``)."""

from __future__ import annotations

import logging
import sys
import threading

import uvicorn

from .app import create_app
from .auth import open_paths
from .config import parse_args

log = logging.getLogger("service")


class DrainingServer(uvicorn.Server):
    """Shut down in order on SIGTERM/SIGINT: first readiness (/readyz, gRPC health) turns
    not-serving while requests are still served for ``drain_seconds`` (load balancers and
    Kubernetes endpoints catch up), then uvicorn stops accepting and waits for in-flight requests
    (``timeout_graceful_shutdown``); the app's shutdown then stops gRPC with the same grace and the
    worker pool. A second signal exits at once."""

    def __init__(self, config: uvicorn.Config, scorer, drain_seconds: float):
        super().__init__(config)
        self.scorer = scorer
        self.drain_seconds = drain_seconds
        self._timer: threading.Timer | None = None

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
        log.warning("draining: not ready; still serving for %.1f s, then finishing in-flight requests", self.drain_seconds)
        self._timer = threading.Timer(self.drain_seconds, super().handle_exit, (sig, frame))
        self._timer.daemon = True
        self._timer.start()


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    app = create_app(config)
    server_config = uvicorn.Config(app, host=config.host, port=config.port, log_level=config.log_level,
                                   timeout_graceful_shutdown=config.grace_seconds,
                                   ssl_certfile=config.tls_cert or None, ssl_keyfile=config.tls_key or None)
    if app.state.auth:
        log.warning("bearer-token auth on (%s); open: %s", "token file" if config.auth_token_file else "REWARD_AUTH_TOKEN",
                    ", ".join(sorted(open_paths(config))))
    DrainingServer(server_config, app.state.scorer, config.drain_seconds).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
