"""The front process stays responsive and bounded (issue 28, item 4), against the real app on 127.0.0.1:
OpenRLHF prompt stripping is linear and runs off the event loop (``/healthz`` answers meanwhile), and the
gRPC front end bounds what a ``ScoreStream`` holds and answers malformed protobuf with INVALID_ARGUMENT.
"""

from __future__ import annotations

import json
import threading

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service import openrlhf

from .samples import GENUINE, RIGHT_TRIANGLE_KEY_STEPS
from .test_pool_faults import serve_in_process

LABEL = json.dumps({"answer": "5", "key_steps": RIGHT_TRIANGLE_KEY_STEPS})


def _strip_by_every_offset(query: str, prompt: str, min_overlap: int) -> str:
    """The earlier, quadratic reading: the longest tail of the prompt (at least ``min_overlap`` long) that
    the query starts with, tried at every offset."""
    if query.startswith(prompt):
        return query[len(prompt) :]
    for start in range(1, len(prompt) - min_overlap + 1):
        if query.startswith(prompt[start:]):
            return query[len(prompt) - start :]
    return query


texts = st.text(alphabet="ab", max_size=40) | st.text(alphabet="abc ", max_size=40)


@settings(max_examples=400, deadline=None)
@given(prompt=texts, query=texts, cut=st.integers(0, 40), min_overlap=st.sampled_from([0, 1, 3, 16]))
def test_prompt_stripping_equals_trying_every_offset(prompt, query, cut, min_overlap):
    """Also for queries that start with a tail of the prompt (``prompt[cut:]``), periodic texts included."""
    for q in (query, prompt[cut:] + query):
        assert openrlhf._strip_prompt(q, prompt, min_overlap) == _strip_by_every_offset(q, prompt, min_overlap)


def test_a_megabyte_prompt_that_is_not_a_prefix_is_stripped_while_healthz_answers(monkeypatch, tmp_path):
    """A 1 MB periodic prompt that the query does not start with, only its 16-character tail: every offset
    matches the query's first characters, the shape that froze the server for seconds. The tail is cut
    (the reward is the completion's), and /healthz keeps answering while the request is in flight."""
    prompt = "ab" * 500_000
    body = {"query": ["ab" * 8 + GENUINE], "prompts": [prompt], "labels": [LABEL]}
    with serve_in_process(monkeypatch, tmp_path) as s:
        want = s.client.post("/v1/openrlhf", json={"query": [GENUINE], "labels": [LABEL]}).json()
        done = threading.Event()
        box = {}

        def post() -> None:
            box["r"] = httpx.post(s.url + "/v1/openrlhf", json=body, timeout=120)
            done.set()

        thread = threading.Thread(target=post)
        thread.start()
        answered = 0
        while not done.is_set():
            assert s.client.get("/healthz", timeout=10).status_code == 200
            answered += 1
        thread.join(120)
        print(f"/healthz answered {answered} times while a 1 MB prompt was stripped")
        assert box["r"].status_code == 200, box["r"].text
        assert box["r"].json() == want and want["rewards"][0] > 2


def test_prompt_stripping_runs_off_the_event_loop(monkeypatch, tmp_path):
    """By ordering: stripping is held until /healthz has answered; on the event loop that answer could
    never come (the loop would be waiting in the stripping), so the request below would fail."""
    held, release = threading.Event(), threading.Event()
    real = openrlhf._strip_prompt

    def strip(query: str, prompt: str, min_overlap: int = openrlhf.MIN_PROMPT_OVERLAP) -> str:
        if prompt == "HOLD":
            held.set()
            release.wait(30)
        return real(query, prompt, min_overlap)

    monkeypatch.setattr(openrlhf, "_strip_prompt", strip)
    with serve_in_process(monkeypatch, tmp_path) as s:
        box = {}
        thread = threading.Thread(
            target=lambda: box.update(
                r=httpx.post(
                    s.url + "/v1/openrlhf",
                    json={"query": ["HOLD" + GENUINE], "prompts": ["HOLD"], "labels": [LABEL]},
                    timeout=120,
                )
            )
        )
        thread.start()
        try:
            assert held.wait(30), "the OpenRLHF request never reached prompt stripping"
            assert s.client.get("/healthz", timeout=10).status_code == 200
        finally:
            release.set()
            thread.join(120)
        assert box["r"].status_code == 200 and box["r"].json()["rewards"][0] > 2


@pytest.mark.parametrize("size", [1000, 100_000])
def test_stripping_a_repetitive_prompt_reads_it_once(size):
    """The longest tail found over a periodic prompt whose every offset matches the query's start."""
    prompt = "a" * size
    query = "a" * 20 + "b"
    assert openrlhf._strip_prompt(query, prompt) == "b"
