"""The README and the docs/ pages, read as the tests that run their examples and check their links need them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def all_text() -> str:
    """Every page, one after the other: an example is found wherever it moved."""
    return "\n\n".join(page.read_text() for page in PAGES)


def section(title: str) -> str:
    """The text under the heading ``title`` (any level, any page) up to the next heading of its level or above."""
    for page in PAGES:
        text = page.read_text()
        found = re.search(rf"^(#+) {re.escape(title)}\n", text, re.M)
        if found:
            rest = text[found.end() :]
            end = re.search(rf"^#{{1,{len(found.group(1))}}} ", rest, re.M)
            return rest[: end.start()] if end else rest
    raise LookupError(f"no page has a heading {title!r}")


def fenced_blocks(text: str, language: str) -> list[str]:
    """The bodies of the fenced code blocks of ``language`` (```json, ```python, ...)."""
    return re.findall(rf"^```{language}\n(.*?)\n```", text, re.S | re.M)
