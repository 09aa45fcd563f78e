"""The gRPC front end against the real server over 127.0.0.1: parity with HTTP, streaming,
health and reflection."""

from __future__ import annotations

import signal
import threading
import time

import grpc
import pytest
from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from service.client import RewardClient, RewardServiceError
from service.rewardpb import reward_pb2, reward_pb2_grpc

from .conftest import free_port, start_server
from .samples import GENUINE, NO_STEPS, POWER_TOWER, STUFFED, WRONG_ANSWER, group

SERVICE = "reward.v1.RewardService"


@pytest.fixture(scope="module")
def stub(server):
    with grpc.insecure_channel(server.grpc_target) as channel:
        yield reward_pb2_grpc.RewardServiceStub(channel)


def without_timing(response) -> dict:
    data = response.model_dump()
    data["stats"].pop("elapsed_ms")
    return data


@pytest.mark.parametrize("profile", ["stepgrpo", "r1vl-reference"])
def test_http_and_grpc_give_identical_results(server, profile):
    groups = [
        group([GENUINE, WRONG_ANSWER, STUFFED, NO_STEPS], group_id="q1"),
        group([GENUINE, POWER_TOWER], group_id="trap"),
        group([GENUINE], key_steps="{broken", group_id="bad-reference"),
        group(["(B) 5", "A", "5"], answer="B", key_steps=None, choices={"A": "3", "B": "5"}),
    ]
    options = {"explain": True, "advantage": "group", "epsilon": 1e-6}
    with RewardClient(server.url) as http, RewardClient("grpc://" + server.grpc_target) as rpc:
        over_http = http.score(groups, profile=profile, options=options)
        over_grpc = rpc.score(groups, profile=profile, options=options)
    assert without_timing(over_http) == without_timing(over_grpc)
    trap = over_grpc.groups[1].results
    if profile == "r1vl-reference":
        assert [r.status for r in trap] == ["ok", "timeout"]
    else:
        assert [r.status for r in trap] == ["ok", "ok"] and trap[1].explanation.answer.method == "guard"
    assert over_grpc.groups[2].status == "error"
    assert over_grpc.groups[0].results[0].explanation is not None


def test_invalid_argument_names_the_field(stub):
    bad = json_format.ParseDict(
        {"profile": "nope", "groups": [{"reference": {"answer": "5"}, "completions": ["x"]}]}, reward_pb2.ScoreRequest()
    )
    with pytest.raises(grpc.RpcError) as err:
        stub.Score(bad, timeout=30)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and err.value.details().startswith("profile:")
    bad = json_format.ParseDict(
        {"groups": [{"reference": {"answer": "5"}, "completions": ["x"]}], "options": {"advantage": "rank"}},
        reward_pb2.ScoreRequest(),
    )
    with pytest.raises(grpc.RpcError) as err:
        stub.Score(bad, timeout=30)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "options.advantage" in err.value.details()
    with pytest.raises(grpc.RpcError) as err:
        stub.Score(reward_pb2.ScoreRequest(), timeout=30)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "groups" in err.value.details()


def test_limits_are_resource_exhausted(stub):
    request = json_format.ParseDict({"groups": [group(["x"])] * 9}, reward_pb2.ScoreRequest())
    with pytest.raises(grpc.RpcError) as err:
        stub.Score(request, timeout=30)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "groups" in err.value.details()


def test_reference_size_limit_is_resource_exhausted(stub):
    request = json_format.ParseDict({"groups": [group([GENUINE], answer="5" * 70000)]}, reward_pb2.ScoreRequest())
    with pytest.raises(grpc.RpcError) as err:
        stub.Score(request, timeout=30)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "groups[0].reference" in err.value.details()
    replies = {
        r.group.group_id: r.group
        for r in stub.ScoreStream(
            iter([_stream_item(group([GENUINE], answer="5" * 70000, group_id="big"))]), timeout=30
        )
    }
    assert replies["big"].status == "error" and "65536" in replies["big"].detail


def test_deeply_nested_key_steps_fail_their_group_and_the_stream_ends(stub):
    deep = group([GENUINE], key_steps="[" * 1000 + "]" * 1000, group_id="deep")
    response = stub.Score(
        json_format.ParseDict({"groups": [deep, group([GENUINE], group_id="good")]}, reward_pb2.ScoreRequest()),
        timeout=30,
    )
    assert [g.status for g in response.groups] == ["error", "ok"]
    replies = {
        r.group.group_id: r.group
        for r in stub.ScoreStream(
            iter([_stream_item(deep), _stream_item(group([GENUINE], group_id="good"))]), timeout=30
        )
    }
    assert replies["deep"].status == "error" and replies["deep"].results[0].status == "error"
    assert replies["good"].results[0].status == "ok"


def _stream_item(g: dict, profile: str | None = None) -> reward_pb2.StreamRequest:
    return json_format.ParseDict({"group": g, **({"profile": profile} if profile else {})}, reward_pb2.StreamRequest())


def test_stream_returns_each_group_while_the_stream_is_open(stub):
    """The second group is only sent once the first one's result has come back."""
    first_back = threading.Event()
    sent_second = []

    def requests():
        yield _stream_item(group([GENUINE, WRONG_ANSWER], group_id="first"))
        sent_second.append(first_back.wait(30))
        yield _stream_item(group([STUFFED, GENUINE], group_id="second"))

    seen = []
    for reply in stub.ScoreStream(requests(), timeout=60):
        seen.append(reply.group.group_id)
        first_back.set()
    assert seen == ["first", "second"] and sent_second == [True]


def test_stream_results_come_back_in_completion_order(stub):
    items = [
        _stream_item(group([POWER_TOWER], group_id="slow"), profile="r1vl-reference"),
        _stream_item(group([GENUINE, WRONG_ANSWER], group_id="fast")),
    ]
    replies = list(stub.ScoreStream(iter(items), timeout=60))
    assert [r.group.group_id for r in replies] == ["fast", "slow"]
    assert replies[1].group.results[0].status == "timeout"


def test_stream_reports_a_malformed_group_and_goes_on(stub):
    items = [
        _stream_item(group([GENUINE, WRONG_ANSWER], group_id="good")),
        json_format.ParseDict(
            {"profile": "nope", "group": group([GENUINE], group_id="bad")}, reward_pb2.StreamRequest()
        ),
        _stream_item(group([GENUINE], group_id="also-good"), profile="r1vl-reference"),
    ]
    replies = {r.group.group_id: r for r in stub.ScoreStream(iter(items), timeout=60)}
    assert set(replies) == {"good", "bad", "also-good"}
    assert replies["bad"].group.status == "error" and replies["bad"].group.detail.startswith("profile:")
    assert [r.status for r in replies["bad"].group.results] == ["error"]
    assert replies["also-good"].profile == "r1vl-reference" and replies["good"].group.results[
        0
    ].reward == pytest.approx(2.1)


def test_client_stream_matches_unary_scores(server):
    groups = [group([GENUINE, WRONG_ANSWER], group_id=str(i)) for i in range(5)]
    with RewardClient("grpc://" + server.grpc_target) as rpc:
        streamed = {r.group.group_id: r.group for r in rpc.score_stream(groups)}
        unary = {g.group_id: g for g in rpc.score(groups).groups}
    assert streamed == unary


def test_client_stream_over_http_gives_what_grpc_streams(server):
    """Over HTTP, which has no stream, score_stream scores one group a request: the same results as gRPC's."""
    groups = [group([GENUINE, WRONG_ANSWER], group_id=str(i)) for i in range(3)]
    with RewardClient(server.url) as http, RewardClient("grpc://" + server.grpc_target) as rpc:
        over_http = list(http.score_stream(iter(groups), options={"alpha": 0.2}))
        over_grpc = {r.group.group_id: r for r in rpc.score_stream(groups, options={"alpha": 0.2})}
    assert [r.group.group_id for r in over_http] == ["0", "1", "2"]
    assert {r.group.group_id: r for r in over_http} == over_grpc


def test_info_over_grpc_equals_http(server):
    with RewardClient(server.url) as http, RewardClient("grpc://" + server.grpc_target) as rpc:
        assert http.info() == rpc.info()


def test_health_and_reflection(server):
    with grpc.insecure_channel(server.grpc_target) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for name in ("", SERVICE):
            assert (
                health.Check(health_pb2.HealthCheckRequest(service=name), timeout=10).status
                == health_pb2.HealthCheckResponse.SERVING
            )
        services = ProtoReflectionDescriptorDatabase(channel).get_services()
        assert SERVICE in services and "grpc.health.v1.Health" in services


def test_health_serves_only_with_workers_up_and_not_while_draining():
    """NOT_SERVING until the worker is up, SERVING, then NOT_SERVING once SIGTERM starts the drain. The watch
    may only open after the worker came up (a fast start): then its first reply is already SERVING."""
    server = start_server("--workers", "1", grpc=True, wait_ready=False)
    NOT, YES = health_pb2.HealthCheckResponse.NOT_SERVING, health_pb2.HealthCheckResponse.SERVING
    try:
        statuses = []
        with grpc.insecure_channel(server.grpc_target) as channel:
            grpc.channel_ready_future(channel).result(timeout=120)
            watch = health_pb2_grpc.HealthStub(channel).Watch(
                health_pb2.HealthCheckRequest(service=SERVICE), timeout=120
            )
            for reply in watch:
                statuses.append(reply.status)
                if reply.status == YES and statuses.count(YES) == 1:
                    server.proc.send_signal(signal.SIGTERM)
                if statuses[-2:] == [YES, NOT]:
                    break
        assert statuses in ([NOT, YES, NOT], [YES, NOT]), statuses
    finally:
        server.stop()


@pytest.mark.parametrize("scheme", ["http://", "grpc://"])
def test_client_fails_clearly_when_the_service_is_gone(scheme):
    started = time.monotonic()
    with RewardClient(f"{scheme}127.0.0.1:{free_port()}", retries=2, backoff=0.05, timeout=5) as client:
        with pytest.raises(RewardServiceError, match="unavailable after 3 attempts"):
            client.score([group([GENUINE])])
    assert time.monotonic() - started < 60


def test_client_does_not_retry_bad_requests(server):
    with RewardClient(server.url, retries=5, backoff=5) as client:
        with pytest.raises(RewardServiceError) as err:
            client.score([group(["x"])] * 9)
    assert err.value.status == 413
