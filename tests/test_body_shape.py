"""A large score request is parsed before it is counted when it cannot hold more JSON values than the limit
(:func:`service.http.json_shape.values_bound`), and counted only when the parse fails or
:func:`service.http.json_shape.passes_shape` cannot tell the count would pass: the answers must be those of counting
first. Duplicate and escaped keys, which a parse collapses and the count does not, are what could tell them apart."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.http.json_shape import ShapeLimits, passes_shape, shape_error, values_bound
from service.scoring.contract import ScoreRequest
from tests.conftest import start_server

LIMITS = ShapeLimits(max_groups=3, max_completions_per_group=3, max_trajectories=5, max_values=10**6)
GROUPS_KEYS = st.sampled_from(['"groups"', '"gr\\u006fups"', '"GROUPS"'])
COMPLETIONS_KEYS = st.sampled_from(['"completions"', '"c\\u006fmpletions"', '"\\u0063ompletions"'])
TEXTS = st.sampled_from(['"a"', '"completions"', '"groups"', '"\\\\u0067"', '"x\\"y"', '"\\u00e9"'])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=30,
)


@st.composite
def score_bodies(draw) -> bytes:
    """Score requests around small limits whose keys may be repeated, escaped, or named in strings: a parse keeps
    the last ``groups`` array (and each group's last ``completions``); the count sees them all. Half are plain
    (every key written once, literally, one groups array), where only the limits decide."""
    tricky = draw(st.booleans())
    groups_key = GROUPS_KEYS if tricky else st.just('"groups"')
    completions_key = COMPLETIONS_KEYS if tricky else st.just('"completions"')
    texts = TEXTS if tricky else st.just('"a"')

    def group(parsed: bool) -> str:
        members = ['"reference": {"answer": "1"}'] if parsed or draw(st.booleans()) else []
        for _ in range(draw(st.integers(1, 2 if tricky else 1) if parsed else st.integers(0, 1))):
            members.append(f"{draw(completions_key)}: [{', '.join(draw(st.lists(texts, max_size=4)))}]")
        return "{" + ", ".join(draw(st.permutations(members))) + "}"

    def groups(parsed: bool) -> str:
        return f"{draw(groups_key)}: [{', '.join(group(parsed) for _ in range(draw(st.integers(parsed, 5))))}]"

    earlier = [groups(parsed=False) for _ in range(draw(st.integers(0, 2 if tricky else 0)))]
    return ("{" + ", ".join([*earlier, groups(parsed=True)]) + "}").encode()


@settings(max_examples=300)
@given(score_bodies())
def test_what_passes_shape_admits_the_count_would_admit(body: bytes) -> None:
    try:
        parsed = ScoreRequest.model_validate_json(body)
    except ValueError:
        return
    if passes_shape(body, [len(g.completions) for g in parsed.groups], LIMITS):
        assert shape_error(body, LIMITS) is None


@given(JSON)
def test_values_bound_is_never_below_the_values_counted(value) -> None:
    body = json.dumps(value).encode()
    tight = ShapeLimits(10**6, 10**6, 10**6, max_values=values_bound(body))
    assert shape_error(body, tight) is None


PAD = "x" * (1 << 20)
"""A completion that makes a body large enough (over 1 MiB) for the count."""
SMALL = {"reference": {"answer": "5"}, "completions": ["a"]}


@pytest.fixture(scope="module")
def limited():
    server = start_server(
        "--workers",
        "1",
        "--max-groups",
        "3",
        "--max-completions-per-group",
        "3",
        "--max-completion-bytes",
        str(2 << 20),
    )
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ('{"groups": [{}, {}, {}, {}], "groups": [{pad}]}', "groups", "3 groups"),
        ('{"gr\\u006fups": [{}, {}, {}, {}], "groups": [{pad}]}', "groups", "3 groups"),
        (
            '{"groups": [{"reference": {"answer": "5"}, "c\\u006fmpletions": ["a", "b", "c", "d"], '
            '"completions": [{padtext}]}]}',
            "groups.0.completions",
            "3 completions",
        ),
        ('{"groups": [' + f"{json.dumps(SMALL)}, " * 3 + '{pad}], "extra": 1}', "groups", "3 groups"),
    ],
    ids=["duplicate_groups", "escaped_groups", "escaped_completions", "invalid_and_over"],
)
def test_a_large_body_over_a_limit_is_refused_as_counted(limited, body: str, loc: str, message: str) -> None:
    """Each parses (or fails to parse) into a request within the limits; counted first, each crosses one: 413."""
    pad = json.dumps({"reference": {"answer": "5"}, "completions": [PAD]})
    data = body.replace("{pad}", pad).replace("{padtext}", json.dumps(PAD)).encode()
    assert len(data) > 1 << 20
    response = httpx.post(limited.url + "/v1/score", content=data, timeout=60)
    assert response.status_code == 413, response.text[:300]
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", *loc.split(".")] and message in detail["msg"]


def test_a_large_body_within_the_limits_is_scored(limited) -> None:
    body = {"groups": [SMALL, {"reference": {"answer": "5"}, "completions": ["5", PAD]}]}
    response = httpx.post(limited.url + "/v1/score", json=body, timeout=60)
    assert response.status_code == 200, response.text[:300]
    assert [len(g["results"]) for g in response.json()["groups"]] == [1, 2]
