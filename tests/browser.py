"""A real headless browser for page tests: Debian's chromium driven by Playwright (never a downloaded browser).

The browser tests skip when no chromium is installed, unless ``INSPECTOR_BROWSER_REQUIRED=1`` (set by
``.ci/run``), which turns a missing browser into a failure.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    return os.environ.get("INSPECTOR_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    required = os.environ.get("INSPECTOR_BROWSER_REQUIRED") == "1"
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        reason = (
            "no chromium or no playwright: `apt-get install chromium` and `pip install playwright` "
            "(never `playwright install`)"
        )
        if required:
            pytest.fail(reason + " — INSPECTOR_BROWSER_REQUIRED=1")
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def offline(context) -> list[str]:
    """Cut ``context`` off from every host but 127.0.0.1 (as on a cluster without internet access); the list
    it returns fills with the addresses of the requests aborted."""
    blocked: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if url.startswith("data:") or urlsplit(url).hostname == "127.0.0.1":
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return blocked
