"""Wait until a URL answers 200, then become the given command: the demo trainer's first step in
docker-compose.yml. Compose's health-gated `depends_on` (`condition: service_healthy`) is not honoured by
podman-compose on podman 4, so the trainer waits for the reward service's /readyz itself, which both
Docker Compose and podman-compose run the same way.

    python wait_for_ready.py http://reward:8000/readyz [--timeout SECONDS] -- COMMAND [ARG...]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="wait_for_ready.py", description=__doc__.split("\n\n")[0])
    p.add_argument("url", help="polled with GET until it answers 200, e.g. http://reward:8000/readyz")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait before giving up (exit 1)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between tries")
    p.add_argument("command", nargs="+", help="run in this process's place once ready (after --)")
    return p.parse_args(argv)


def answers_ok(url: str) -> bool:
    """Whether the URL answered 200 now; connection errors and other codes are 'not yet'."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    end = time.monotonic() + args.timeout
    while not answers_ok(args.url):
        if time.monotonic() >= end:
            print(f"wait_for_ready: {args.url} did not answer 200 within {args.timeout:g} s", file=sys.stderr)
            return 1
        time.sleep(args.interval)
    print(f"wait_for_ready: {args.url} is ready; starting {args.command[0]}", file=sys.stderr, flush=True)
    os.execvp(args.command[0], args.command)


if __name__ == "__main__":
    sys.exit(main())
