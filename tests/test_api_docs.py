"""/docs (Swagger UI) and /redoc render the API with no internet access: their files come from the package.

Checked in a real browser (tests/browser.py) whose every request to a host other than 127.0.0.1 is aborted, as on
a training cluster without internet access; FastAPI's default pages, which load Swagger UI from a CDN, stay
blank there.
"""

from __future__ import annotations

import os

import httpx
import pytest

from service.http.api_docs import ASSETS, ASSETS_URL

from .browser import browser as browser
from .browser import offline
from .conftest import start_server

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
"""A phone's and a laptop's."""


def operations(client) -> set[tuple[str, str]]:
    return {(m.upper(), p) for p, ops in client.get("/openapi.json").json()["paths"].items() for m in ops}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_swagger_ui_renders_every_operation_with_the_network_cut_off(browser, server, client, viewport):
    context = browser.new_context(viewport=viewport)
    blocked = offline(context)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server.url + "/docs")
        page.wait_for_selector(".opblock", timeout=30_000)
        shown = page.eval_on_selector_all(
            ".opblock",
            "els => els.map(e => [e.querySelector('.opblock-summary-method').textContent,"
            " e.querySelector('.opblock-summary-path').dataset.path])",
        )
        assert {tuple(op) for op in shown} == operations(client)
        assert page.text_content(".info .title").startswith("StepGRPO reward service")
    finally:
        context.close()
    assert blocked == [] and errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_redoc_renders_with_the_network_cut_off(browser, server, client, viewport):
    context = browser.new_context(viewport=viewport)
    blocked = offline(context)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server.url + "/redoc")
        page.wait_for_selector("[data-section-id^='operation/']", timeout=30_000)
        sections = page.eval_on_selector_all(
            "[data-section-id^='operation/']", "els => new Set(els.map(e => e.dataset.sectionId)).size"
        )
        assert sections == len(operations(client))
        assert page.text_content("h1").startswith("StepGRPO reward service")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the page scrolls sideways: {width} px wide in {viewport['width']}"
    finally:
        context.close()
    assert errors == []
    assert all(url.startswith("https://cdn.redoc.ly/") and url.endswith(".svg") for url in blocked), (
        "nothing but ReDoc's own branding logo asks for the internet"
    )


def test_the_pages_and_their_files_stay_open_when_a_token_is_required(tmp_path):
    token = "tok-docs-" + os.urandom(8).hex()
    (tmp_path / "token").write_text(token)
    server = start_server("--workers", "1", "--auth-token-file", str(tmp_path / "token"))
    try:
        for path in ("/docs", "/redoc", *(f"{ASSETS_URL}/{name}" for name in ASSETS)):
            response = httpx.get(server.url + path)
            assert response.status_code == 200 and response.content, path
        assert "cdn" not in httpx.get(server.url + "/docs").text.lower()
        assert httpx.get(server.url + "/v1/info").status_code == 401
    finally:
        server.stop()
