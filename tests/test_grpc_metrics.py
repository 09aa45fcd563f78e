"""gRPC calls are counted as HTTP requests are: by method and status code, with their latency, read over
the wire from /metrics of a real server (gRPC and HTTP on 127.0.0.1)."""

from __future__ import annotations

import json
import threading
import time

import grpc
import httpx
import pytest
from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client.parser import text_string_to_metric_families

from service.rewardpb import reward_pb2, reward_pb2_grpc

from .conftest import ROOT, start_server
from .samples import GENUINE, POWER_TOWER, WRONG_ANSWER, group

TOKEN = "grpc-metrics-token"
AUTH = (("authorization", f"Bearer {TOKEN}"),)


@pytest.fixture(scope="module")
def server():
    s = start_server("--workers", "1", "--max-groups", "2", env={"REWARD_AUTH_TOKEN": TOKEN}, grpc=True)
    yield s
    s.stop()


def samples(url: str, family: str) -> dict[tuple, float]:
    """``{(sample name, method, code): value}`` of one metric family in /metrics."""
    text = httpx.get(url + "/metrics", timeout=30).text
    found = {}
    for metric in text_string_to_metric_families(text):
        if metric.name == family:
            for s in metric.samples:
                found[(s.name, s.labels.get("method"), s.labels.get("code"))] = s.value
    return found


def score_request(groups: list[dict], **fields) -> reward_pb2.ScoreRequest:
    return json_format.ParseDict({"groups": groups, **fields}, reward_pb2.ScoreRequest())


def stream_request(g: dict, **fields) -> reward_pb2.StreamRequest:
    return json_format.ParseDict({"group": g, **fields}, reward_pb2.StreamRequest())


def code_of(call) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value.code()


def test_grpc_calls_are_counted_by_method_and_code(server):
    with grpc.insecure_channel(server.grpc_target) as channel:
        stub = reward_pb2_grpc.RewardServiceStub(channel)
        one = score_request([group([GENUINE, WRONG_ANSWER])])
        assert len(stub.Score(one, metadata=AUTH, timeout=60).groups) == 1
        too_many = score_request([group([GENUINE])] * 3)
        assert code_of(lambda: stub.Score(too_many, metadata=AUTH, timeout=60)) == grpc.StatusCode.RESOURCE_EXHAUSTED
        bad = score_request([group([GENUINE])], profile="nope")
        assert code_of(lambda: stub.Score(bad, metadata=AUTH, timeout=60)) == grpc.StatusCode.INVALID_ARGUMENT
        assert code_of(lambda: stub.Score(one, timeout=60)) == grpc.StatusCode.UNAUTHENTICATED
        streamed = [stream_request(group([GENUINE])), stream_request(group([WRONG_ANSWER]))]
        assert len(list(stub.ScoreStream(iter(streamed), metadata=AUTH, timeout=60))) == 2
        assert stub.Info(reward_pb2.InfoRequest(), metadata=AUTH, timeout=30).workers == 1
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=30)
        assert health.status in (health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING)
    counted = samples(server.url, "reward_grpc_requests")
    assert counted == {
        ("reward_grpc_requests_total", "Score", "OK"): 1,
        ("reward_grpc_requests_total", "Score", "RESOURCE_EXHAUSTED"): 1,
        ("reward_grpc_requests_total", "Score", "INVALID_ARGUMENT"): 1,
        ("reward_grpc_requests_total", "Score", "UNAUTHENTICATED"): 1,
        ("reward_grpc_requests_total", "ScoreStream", "OK"): 1,
        ("reward_grpc_requests_total", "Info", "OK"): 1,
    }
    latency = samples(server.url, "reward_grpc_request_seconds")
    timed = {(method, code) for name, method, code in latency if name.endswith("_count")}
    assert timed == {(method, code) for _, method, code in counted}
    assert latency[("reward_grpc_request_seconds_count", "Score", "OK")] == 1
    assert latency[("reward_grpc_request_seconds_sum", "Score", "OK")] > 0
    assert samples(server.url, "reward_in_flight_requests")[("reward_in_flight_requests", None, None)] == 0


def test_http_requests_keep_their_own_metric(server):
    before = samples(server.url, "reward_grpc_requests")
    body = {"groups": [group([GENUINE])]}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.post(server.url + "/v1/score", json=body, headers=headers, timeout=60).status_code == 200
    http = samples(server.url, "reward_requests")
    assert http[("reward_requests_total", None, "200")] >= 1
    assert samples(server.url, "reward_grpc_requests") == before


def eventually(read, expected, seconds: float = 30):
    """``read()`` once it equals ``expected``, or its last value after ``seconds``."""
    end = time.monotonic() + seconds
    while (value := read()) != expected and time.monotonic() < end:
        time.sleep(0.1)
    return value


def test_a_stream_cancelled_while_a_group_is_scored_is_counted_cancelled(server):
    """The cancel reaches the method while it waits for a group (a power tower runs to the deadline under
    r1vl-reference); a stream cancelled just as its method ends is counted by how the method ended."""
    done = threading.Event()

    def requests():
        yield stream_request(group([POWER_TOWER]), profile="r1vl-reference")
        done.wait(30)

    def in_flight(name: str) -> float:
        return samples(server.url, name)[(name, None, None)]

    with grpc.insecure_channel(server.grpc_target) as channel:
        replies = reward_pb2_grpc.RewardServiceStub(channel).ScoreStream(requests(), metadata=AUTH, timeout=60)
        assert eventually(lambda: in_flight("reward_in_flight_trajectories"), 1) == 1
        replies.cancel()
        done.set()
    key = ("reward_grpc_requests_total", "ScoreStream", "CANCELLED")
    assert eventually(lambda: samples(server.url, "reward_grpc_requests").get(key), 1) == 1
    assert eventually(lambda: in_flight("reward_in_flight_requests"), 0) == 0


def test_dashboard_shows_grpc_calls_by_code_and_answered_latency():
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "reward.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert any("reward_grpc_requests_total" in e and "by (method, code)" in e for e in exprs), exprs
    latency = [e for e in exprs if "reward_grpc_request_seconds_bucket" in e]
    assert latency and all('code="OK"' in e for e in latency), latency
