"""Bearer-token authentication against the real server on 127.0.0.1, over HTTP and gRPC."""

from __future__ import annotations

import secrets

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from service.client import RewardClient, RewardServiceError
from service.ops import auth
from service.ops.config import parse_args
from service.rewardpb import reward_pb2, reward_pb2_grpc

from .conftest import start_server

TOKEN = "tok-" + secrets.token_hex(16)
WRONG = "tok-" + secrets.token_hex(16)
GROUP = {
    "group_id": "q",
    "reference": {"answer": "5"},
    "completions": ["### The final answer is: 5", "### The final answer is: 4"],
}
SCORE = {"groups": [GROUP]}
OPENRLHF = {"query": ["Q: 2+3? ### The final answer is: 5"], "prompts": ["Q: 2+3?"], "labels": ["5"]}
PROTECTED = [
    ("POST", "/v1/score", SCORE),
    ("POST", "/score", SCORE),
    ("POST", "/v1/openrlhf", OPENRLHF),
    ("GET", "/v1/info", None),
]


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    token_file = tmp_path_factory.mktemp("auth") / "token"
    token_file.write_text(TOKEN + "\n")
    server = start_server("--workers", "1", "--auth-token-file", str(token_file), "--log-level", "debug", grpc=True)
    yield server
    server.stop()


def _call(server, method, path, body, headers=None):
    return httpx.request(method, server.url + path, json=body, headers=headers or {}, timeout=60)


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_scoring_endpoints_need_the_token(secured, method, path, body):
    missing = _call(secured, method, path, body)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == 'Bearer realm="reward"'
    wrong = _call(secured, method, path, body, {"Authorization": f"Bearer {WRONG}"})
    assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers["www-authenticate"]
    assert _call(secured, method, path, body, {"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert _call(secured, method, path, body, {"Authorization": f"Bearer {TOKEN[:-1]}"}).status_code == 401
    right = _call(secured, method, path, body, {"Authorization": f"bearer  {TOKEN}"})
    assert right.status_code == 200, right.text
    assert TOKEN not in missing.text + wrong.text + right.text


def test_probes_metrics_and_schema_stay_open(secured):
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert httpx.get(secured.url + path, timeout=30).status_code == 200, path
    schema = httpx.get(secured.url + "/openapi.json", timeout=30).json()
    assert schema["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert schema["paths"]["/v1/score"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_paths_are_denied_by_default(secured):
    assert httpx.get(secured.url + "/no-such-path", timeout=30).status_code == 401
    assert (
        httpx.get(secured.url + "/no-such-path", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).status_code
        == 404
    )


def _grpc_calls(stub, metadata):
    request = reward_pb2.ScoreRequest(
        groups=[
            reward_pb2.Group(
                group_id="q", reference=reward_pb2.Reference(answer="5"), completions=["### The final answer is: 5"]
            )
        ]
    )
    stream_item = reward_pb2.StreamRequest(group=request.groups[0])
    return {
        "Score": lambda: stub.Score(request, timeout=60, metadata=metadata),
        "ScoreStream": lambda: list(stub.ScoreStream(iter([stream_item]), timeout=60, metadata=metadata)),
        "Info": lambda: stub.Info(reward_pb2.InfoRequest(), timeout=60, metadata=metadata),
    }


def test_grpc_methods_need_the_token_health_and_reflection_do_not(secured):
    with grpc.insecure_channel(secured.grpc_target) as channel:
        stub = reward_pb2_grpc.RewardServiceStub(channel)
        for metadata in (None, (("authorization", f"Bearer {WRONG}"),), (("authorization", TOKEN),)):
            for name, call in _grpc_calls(stub, metadata).items():
                with pytest.raises(grpc.RpcError) as err:
                    call()
                assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED, name
                assert TOKEN not in err.value.details()
        good = _grpc_calls(stub, (("authorization", f"Bearer {TOKEN}"),))
        assert good["Score"]().groups[0].results[0].reward == 1.0
        assert good["ScoreStream"]()[0].group.group_id == "q"
        assert good["Info"]().default_profile == "stepgrpo"
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=30)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        replies = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=30
        )
        names = {s.name for reply in replies for s in reply.list_services_response.service}
        assert "reward.v1.RewardService" in names


@pytest.mark.parametrize("transport", ["http", "grpc"])
def test_client_sends_the_token(secured, transport, monkeypatch):
    url = secured.url if transport == "http" else "grpc://" + secured.grpc_target
    with RewardClient(url, token=TOKEN, retries=0) as client:
        assert [r.reward for r in client.score([GROUP]).groups[0].results] == [1.0, 0.0]
    monkeypatch.setenv("REWARD_AUTH_TOKEN", TOKEN)
    with RewardClient(url, retries=0) as client:
        assert client.info().default_profile == "stepgrpo"
    with RewardClient(url, token=WRONG, retries=2, backoff=0.01) as client, pytest.raises(RewardServiceError) as err:
        client.score([GROUP])
    assert err.value.status in (401, "UNAUTHENTICATED")  # rejected at once, not retried as "unavailable"
    assert WRONG not in str(err.value)


def test_tokens_never_appear_in_the_log(secured):
    for token in (WRONG, TOKEN):
        _call(secured, "POST", "/v1/score", SCORE, {"Authorization": f"Bearer {token}"})
        with grpc.insecure_channel(secured.grpc_target) as channel:
            try:
                _grpc_calls(reward_pb2_grpc.RewardServiceStub(channel), (("authorization", f"Bearer {token}"),))[
                    "Score"
                ]()
            except grpc.RpcError:
                pass
    log = secured.output()
    assert '"POST /v1/score HTTP/1.1" 401' in log and '"POST /v1/score HTTP/1.1" 200' in log  # the requests were logged
    assert TOKEN not in log and WRONG not in log


def test_metrics_auth_with_the_token_from_the_environment():
    server = start_server("--workers", "1", "--metrics-auth", env={"REWARD_AUTH_TOKEN": TOKEN})
    try:
        assert httpx.get(server.url + "/metrics", timeout=30).status_code == 401
        assert (
            httpx.get(server.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).status_code
            == 200
        )
        assert httpx.get(server.url + "/readyz", timeout=30).status_code == 200
        assert _call(server, "POST", "/v1/score", SCORE, {"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    finally:
        server.stop()
    assert TOKEN not in server.output()


def test_token_settings_are_checked_at_start(tmp_path, capsys):
    token_file, empty = tmp_path / "token", tmp_path / "empty"
    token_file.write_text(TOKEN)
    empty.write_text("\n")
    bad = [
        (["--auth-token-file", str(token_file)], {"REWARD_AUTH_TOKEN": TOKEN}),
        (["--auth-token-file", str(empty)], {}),
        (["--auth-token-file", str(tmp_path / "missing")], {}),
        ([], {"REWARD_AUTH_TOKEN": "  "}),
        ([], {"REWARD_AUTH_TOKEN": "two words"}),
        ([], {"REWARD_METRICS_AUTH": "maybe"}),
    ]
    for argv, env in bad:
        with pytest.raises(SystemExit):
            parse_args(argv, environ=env)
        assert TOKEN not in capsys.readouterr().err
    assert parse_args([], environ={"REWARD_METRICS_AUTH": "true"}).metrics_auth is True
    assert parse_args(["--metrics-auth=false"], environ={"REWARD_METRICS_AUTH": "1"}).metrics_auth is False
    assert parse_args(["--metrics-auth"], environ={}).metrics_auth is True
    with pytest.raises(SystemExit):
        parse_args(["--metrics-auth=maybe"], environ={})
    config = parse_args(["--auth-token-file", str(token_file)], environ={})
    assert auth.bearer_token(config, {}) == TOKEN and TOKEN not in repr(config)
    assert auth.bearer_token(parse_args([], environ={}), {}) is None


def test_tokens_are_compared_in_constant_time(monkeypatch):
    """The comparison is hmac.compare_digest's (timing itself is not measured: no wall-clock assertions)."""
    seen = []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: seen.append((a, b)) or real(a, b))
    assert auth.token_matches(TOKEN.encode(), f"Bearer {TOKEN}") == (True, True)
    assert auth.token_matches(TOKEN.encode(), f"Bearer {WRONG}") == (False, True)
    assert auth.token_matches(TOKEN.encode(), None) == (False, False)
    assert seen == [(TOKEN.encode(), TOKEN.encode()), (WRONG.encode(), TOKEN.encode())]


def test_trainer_adapters_send_the_token(secured, monkeypatch):
    """The TRL and verl adapters (stepgrpo_reward) take the token as an argument or from REWARD_AUTH_TOKEN."""
    from stepgrpo_reward._service import RewardServiceError
    from stepgrpo_reward.trl import StepGRPOReward
    from stepgrpo_reward.verl import compute_score

    monkeypatch.delenv("REWARD_AUTH_TOKEN", raising=False)
    columns = {"answer": ["5", "5"]}
    assert StepGRPOReward(secured.url, token=TOKEN)(["Q"] * 2, GROUP["completions"], **columns)[0] > 0
    with pytest.raises(RewardServiceError, match="401"):
        StepGRPOReward(secured.url, retries=0)(["Q"] * 2, GROUP["completions"], **columns)
    with pytest.raises(RewardServiceError, match="401"):
        compute_score("demo", GROUP["completions"][0], "5", url=secured.url)
    monkeypatch.setenv("REWARD_AUTH_TOKEN", TOKEN)
    assert compute_score("demo", GROUP["completions"][0], "5", url=secured.url)["scored"] == 1.0


def test_refused_requests_are_counted(secured):
    def refused() -> float:
        text = httpx.get(secured.url + "/metrics", timeout=30).text
        line = next(
            (
                row
                for row in text.splitlines()
                if row.startswith('reward_requests_total{code="401",endpoint="unauthenticated"}')
            ),
            None,
        )
        return float(line.split()[-1]) if line else 0.0

    before = refused()
    for _ in range(3):
        assert _call(secured, "POST", "/v1/score", SCORE).status_code == 401
    assert refused() - before == 3
