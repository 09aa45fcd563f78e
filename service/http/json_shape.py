"""Count a JSON request's groups, completions and values without building it, stopping at a limit.

pydantic-core parses a whole body into values before any length check, holding the GIL: a 43 MB body
of a million tiny groups took 17 s and 1.5 GB before its 413. This scan reads the raw bytes with one
regular expression (strings are skipped whole, in C), follows only the path ``groups[*].completions``,
and returns the first limit crossed, so an oversized request costs a few thousand tokens' work.
It trusts nothing else about the body: malformed JSON is left to the real parser's 422.

The scan reads every byte in Python's regular-expression engine: on a 1024-trajectory request it took three times
as long as pydantic's parse. :func:`values_bound` (a few byte counts) shows when a body cannot hold more values than
the limit, so that parsing it first is no risk; :func:`passes_shape` then shows from what was parsed that the scan
would find nothing, and the scan runs only when it might.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{},:]|[^\s\[\]{},:"]++')
_OPENERS = frozenset(b"[{")
_CLOSERS = frozenset(b"]}")


@dataclass(frozen=True)
class ShapeLimits:
    max_groups: int
    max_completions_per_group: int
    max_trajectories: int
    max_values: int


@dataclass(frozen=True)
class ShapeError:
    field: str
    """Where, as ``groups[3].completions``; empty for the body as a whole."""
    message: str


def _key(token: bytes) -> str | None:
    try:
        return json.loads(token) if b"\\" in token else token[1:-1].decode()
    except ValueError:
        return None


def shape_error(body: bytes, limits: ShapeLimits) -> ShapeError | None:
    """The first limit ``body`` crosses (groups, completions of one group, completions in all, JSON
    values), or None. Containers are tagged by role: the root object, its ``groups`` array, each
    group object, and each group's ``completions`` array."""
    roles: list[str | None] = []
    in_object: list[bool] = []
    key: str | None = None
    expect_key = False
    values = groups = total = in_group = 0
    for match in _TOKEN.finditer(body):
        token = match.group()
        first = token[0]
        if first == 0x3A:  # ':'
            expect_key = False
            continue
        if first == 0x2C:  # ','
            expect_key = bool(in_object) and in_object[-1]
            continue
        if first in _CLOSERS:
            if roles:
                roles.pop()
                in_object.pop()
            continue
        if expect_key:
            key = _key(token)
            continue
        values += 1
        if values > limits.max_values:
            return ShapeError("", f"more than {limits.max_values} JSON values")
        parent = roles[-1] if roles else None
        if parent == "completions":
            in_group += 1
            total += 1
            if in_group > limits.max_completions_per_group:
                return ShapeError(
                    f"groups[{groups - 1}].completions",
                    f"more than {limits.max_completions_per_group} completions in one group",
                )
            if total > limits.max_trajectories:
                return ShapeError("groups", f"more than {limits.max_trajectories} completions in all")
        if first not in _OPENERS:
            continue
        role = None
        if not roles:
            role = "root"
        elif parent == "root" and key == "groups" and first == 0x5B:
            role = "groups"
        elif parent == "groups" and first == 0x7B:
            role = "group"
            groups += 1
            in_group = 0
            if groups > limits.max_groups:
                return ShapeError("groups", f"more than {limits.max_groups} groups")
        elif parent == "group" and key == "completions" and first == 0x5B:
            role = "completions"
        roles.append(role)
        in_object.append(first == 0x7B)
        expect_key = first == 0x7B
    return None


def values_bound(body: bytes) -> int:
    """At least the number of JSON values in ``body`` if it is valid JSON: each value but the root follows a
    ``[``, ``,`` or ``:`` (counted in strings too). Parsing a body of no more values is no worse than parsing one
    the scan lets through; a malformed body's parse stops at its first error, past no more values than this."""
    return 1 + body.count(b"[") + body.count(b",") + body.count(b":")


def passes_shape(body: bytes, completions: list[int], limits: ShapeLimits) -> bool:
    """True when :func:`shape_error` would return None for ``body``, which parsed as a score request whose groups
    hold ``completions`` completions each and whose :func:`values_bound` is within the values limit. The scan
    counts every ``groups`` array and every group's ``completions`` array, duplicate keys too, where a parse
    keeps one: so each key must be written once, literally; else False, and the scan decides."""
    return (
        len(completions) <= limits.max_groups
        and max(completions, default=0) <= limits.max_completions_per_group
        and sum(completions) <= limits.max_trajectories
        and body.count(b'"groups"') == 1
        and body.count(b'"completions"') == len(completions)
        and not _escapes_a_letter(body)
    )


def _escapes_a_letter(body: bytes) -> bool:
    """Whether a string in ``body`` writes a lower-case letter as a ``\\u`` escape (``\\u0067roups`` is a
    ``groups`` key not written literally): ``u006`` or ``u007`` after an odd run of backslashes."""
    for digits in (b"u006", b"u007"):
        at = body.find(digits)
        while at != -1:
            start = at
            while start and body[start - 1] == 0x5C:  # backslash
                start -= 1
            if (at - start) % 2:
                return True
            at = body.find(digits, at + 1)
    return False
