"""``python -m service``: serve the reward service over HTTP."""

from __future__ import annotations

import sys

import uvicorn

from .app import create_app
from .config import parse_args


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level=config.log_level, timeout_graceful_shutdown=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
