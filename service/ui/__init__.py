"""The reward inspector: a static page served beside the API (no build step, no external assets).

The page only calls the public ``POST /v1/score`` with ``explain: true`` (and ``GET /v1/info``), so it
shows nothing a script could not get. Its files ship as package data and are read once at start-up.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response

ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "examples.json": "application/json",
}
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def add_inspector(app: FastAPI) -> None:
    """``GET /`` and ``GET /ui`` serve the page, ``GET /ui/<asset>`` its files."""
    bodies = {name: (files(__name__) / name).read_bytes() for name in ASSETS}

    def asset(name: str) -> Response:
        if name not in bodies:
            return Response(status_code=404, content=b'{"detail":"not found"}', media_type="application/json")
        return Response(bodies[name], media_type=ASSETS[name], headers=HEADERS)

    async def page() -> Response:
        return asset("index.html")

    async def ui_file(name: str) -> Response:
        return asset(name)

    async def root() -> RedirectResponse:
        return RedirectResponse("/ui", status_code=307)

    app.add_api_route("/", root, methods=["GET"], include_in_schema=False)
    app.add_api_route("/ui", page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/ui/{name}", ui_file, methods=["GET"], include_in_schema=False)
