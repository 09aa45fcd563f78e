"""The front process stays responsive and bounded (issue 28, item 4), against the real app on 127.0.0.1:
OpenRLHF prompt stripping is linear and runs off the event loop (``/healthz`` answers meanwhile), and the
gRPC front end bounds what a ``ScoreStream`` holds and answers malformed protobuf with INVALID_ARGUMENT.
"""

from __future__ import annotations

import json
import threading

import grpc
import httpx
import pytest
from google.protobuf import json_format
from hypothesis import given, settings
from hypothesis import strategies as st

from service.rewardpb import reward_pb2, reward_pb2_grpc
from service.scoring import openrlhf

from .samples import GENUINE, RIGHT_TRIANGLE_KEY_STEPS
from .test_pool_faults import metric, serve_in_process

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


# ---------------------------------------------------------------- gRPC


def _stream_item(completions: list[str], group_id: str) -> reward_pb2.StreamRequest:
    return json_format.ParseDict(
        {"group": {"group_id": group_id, "reference": {"answer": "5"}, "completions": completions}},
        reward_pb2.StreamRequest(),
    )


@pytest.mark.parametrize(
    ("method", "raw"),
    [
        ("Score", b"\x0a\xff"),  # a length-delimited field whose length runs past the message
        ("Score", b"\x0a\x02\xc3\x28"),  # profile: not UTF-8
        ("Info", b"\x08"),  # a varint field with no value
        ("ScoreStream", b"\x12\x05\x0a"),
    ],
)
def test_malformed_protobuf_is_invalid_argument(server, method, raw):
    """Raw bytes sent on the method, as a client with another (or a broken) encoder would send them."""
    with grpc.insecure_channel(server.grpc_target) as channel:
        path = f"/reward.v1.RewardService/{method}"
        with pytest.raises(grpc.RpcError) as err:
            if method == "ScoreStream":
                list(channel.stream_stream(path)(iter([raw]), timeout=30))
            else:
                channel.unary_unary(path)(raw, timeout=30)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, err.value
    assert "is not a valid reward.v1." in err.value.details()


def test_a_stream_after_good_groups_ends_invalid_argument_after_their_results(server):
    good = _stream_item([GENUINE], "good").SerializeToString()
    with grpc.insecure_channel(server.grpc_target) as channel:
        call = channel.stream_stream(
            "/reward.v1.RewardService/ScoreStream", response_deserializer=reward_pb2.StreamResult.FromString
        )(iter([good, b"\x0a\xff"]), timeout=30)
        replies = []
        with pytest.raises(grpc.RpcError) as err:
            for reply in call:
                replies.append(reply)
    assert [r.group.group_id for r in replies] == ["good"] and replies[0].group.results[0].status == "ok"
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_stream_that_is_never_read_is_paused_at_its_byte_cap(monkeypatch, tmp_path):
    """A caller sends 1,000 groups of 60 KB (60 MB) and reads nothing: the server holds at most its cap of
    groups (256 KB), stops reading, and HTTP/2 flow control stops the caller long before its last group.
    Once the caller reads, every group is answered, in full."""
    total, cap = 1000, 256 * 1024
    pulled = []

    def groups():
        for i in range(total):
            pulled.append(i)
            yield _stream_item(["FAST " + "x" * 60_000], str(i))

    with serve_in_process(monkeypatch, tmp_path, grpc_stream_bytes=cap) as s:
        with grpc.insecure_channel(s.grpc_target) as channel:
            call = reward_pb2_grpc.RewardServiceStub(channel).ScoreStream(groups(), timeout=300)
            held, samples = 0.0, 0
            while held < cap - 60_000 * 2:  # full: one more group would not fit
                held = metric(s.client, "reward_grpc_stream_bytes")
                assert held <= cap, f"the stream holds {held} bytes, over its cap of {cap}"
                samples += 1
                assert samples < 6000, "the stream never filled its byte budget"
                threading.Event().wait(0.01)
            for _ in range(20):  # the caller is paused: it has not sent everything, and the server holds no more
                assert metric(s.client, "reward_grpc_stream_bytes") <= cap
            assert len(pulled) < total, "the caller sent every group: nothing pushed back"
            print(f"paused: {len(pulled)} of {total} groups sent, {held:.0f} bytes held (cap {cap})")
            replies = list(call)
        assert sorted(int(r.group.group_id) for r in replies) == list(range(total))
        assert all(r.group.results[0].reward == 1.0 for r in replies)
        assert metric(s.client, "reward_grpc_stream_bytes") == 0.0
        assert metric(s.client, "reward_grpc_streams") == 0.0


def test_a_group_over_the_stream_cap_gets_an_error_and_the_stream_goes_on(monkeypatch, tmp_path):
    with serve_in_process(monkeypatch, tmp_path, grpc_stream_bytes=4096) as s:
        with grpc.insecure_channel(s.grpc_target) as channel:
            items = [_stream_item(["FAST " + "x" * 5000], "big"), _stream_item(["FAST"], "small")]
            replies = {
                r.group.group_id: r.group
                for r in reward_pb2_grpc.RewardServiceStub(channel).ScoreStream(iter(items), timeout=60)
            }
    assert replies["big"].status == "error" and "--grpc-stream-bytes" in replies["big"].detail
    assert replies["small"].results[0].reward == 1.0


def test_open_streams_are_capped_per_connection_and_in_all(monkeypatch, tmp_path):
    """Streams held open (each has had one reply and waits for more): a second one on the same connection,
    and a third in all, are refused with RESOURCE_EXHAUSTED and a retry pushback; once they close, a new
    stream is served."""
    with serve_in_process(monkeypatch, tmp_path, grpc_streams=2, grpc_streams_per_connection=1) as s:
        release = threading.Event()

        def held_open(name: str):
            yield _stream_item(["FAST"], name)
            release.wait(60)

        # separate channels are separate connections only when they do not share a subchannel
        channels = [
            grpc.insecure_channel(s.grpc_target, options=[("grpc.use_local_subchannel_pool", 1)]) for _ in range(3)
        ]
        try:
            stubs = [reward_pb2_grpc.RewardServiceStub(c) for c in channels]
            first = stubs[0].ScoreStream(held_open("first"), timeout=60)
            assert next(first).group.group_id == "first"
            with pytest.raises(grpc.RpcError) as err:
                list(stubs[0].ScoreStream(iter([_stream_item(["FAST"], "same")]), timeout=60))
            assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "--grpc-streams-per-connection" in err.value.details()
            assert dict(err.value.trailing_metadata())["grpc-retry-pushback-ms"] == "1000"
            second = stubs[1].ScoreStream(held_open("second"), timeout=60)
            assert next(second).group.group_id == "second"
            with pytest.raises(grpc.RpcError) as err:
                list(stubs[2].ScoreStream(iter([_stream_item(["FAST"], "third")]), timeout=60))
            assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "--grpc-streams)" in err.value.details()
            release.set()
            assert list(first) == [] and list(second) == []
            again = list(stubs[2].ScoreStream(iter([_stream_item(["FAST"], "later")]), timeout=60))
            assert [r.group.group_id for r in again] == ["later"]
        finally:
            release.set()
            for c in channels:
                c.close()


def test_a_large_score_call_is_converted_off_the_event_loop_and_answered_in_full(monkeypatch, tmp_path):
    """Over 1 MiB a Score request is decoded, validated and its answer encoded in a thread; the answer is
    the same as for the same groups sent small, and malformed large bytes are still INVALID_ARGUMENT."""
    big = {
        "groups": [
            {"group_id": str(i), "reference": {"answer": "5"}, "completions": ["FAST " + "x" * 60_000] * 4}
            for i in range(6)
        ]
    }
    with serve_in_process(monkeypatch, tmp_path) as s:
        with grpc.insecure_channel(s.grpc_target) as channel:
            stub = reward_pb2_grpc.RewardServiceStub(channel)
            request = json_format.ParseDict(big, reward_pb2.ScoreRequest())
            assert request.ByteSize() > 1 << 20
            response = stub.Score(request, timeout=120)
            small = stub.Score(
                json_format.ParseDict({"groups": big["groups"][:1]}, reward_pb2.ScoreRequest()), timeout=60
            )
            with pytest.raises(grpc.RpcError) as err:
                channel.unary_unary("/reward.v1.RewardService/Score")(b"\x0a\xff" + b"x" * (2 << 20), timeout=60)
    assert [g.group_id for g in response.groups] == [str(i) for i in range(6)]
    assert all(r.reward == 1.0 for g in response.groups for r in g.results) and response.stats.ok == 24
    assert list(response.groups[0].results) == list(small.groups[0].results)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
