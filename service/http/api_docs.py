"""The interactive API pages, ``/docs`` (Swagger UI) and ``/redoc``, with their scripts and styles served from
the package (fastapi-offline's copies) instead of a CDN: training clusters are often offline, and FastAPI's
default pages are blank there."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

ASSETS_URL = "/docs-assets"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
"""The files the two pages load from ``ASSETS_URL``."""
OPEN_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", *(f"{ASSETS_URL}/{name}" for name in ASSETS)})
"""The pages and their files hold no data: open also when a token is required (the schema is open too)."""


def app_with_offline_docs(**settings: Any) -> FastAPI:
    """A FastAPI app (``settings`` as FastAPI takes them) whose /docs and /redoc need no internet access."""
    return FastAPIOffline(static_url=ASSETS_URL, **settings)
