"""TLS on both protocols (with a certificate generated here), together with the bearer token."""

from __future__ import annotations

import secrets
import ssl
import time

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from service.client import RewardClient, RewardServiceError

from .certs import self_signed
from .conftest import STARTUP_SECONDS, start_server

TOKEN = "tok-" + secrets.token_hex(16)
GROUP = {
    "group_id": "q",
    "reference": {"answer": "5", "key_steps": [["AB = 3"]]},
    "completions": ["### Step 1:\nFrom the figure, AB = 3.\n### The final answer is: 5", "### The final answer is: 4"],
}


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    server = start_server(
        "--workers",
        "1",
        "--tls-cert",
        str(cert),
        "--tls-key",
        str(key),
        env={"REWARD_AUTH_TOKEN": TOKEN},
        grpc=True,
        wait_ready=False,
    )
    server.url = server.url.replace("http://", "https://")
    context = ssl.create_default_context(cafile=str(cert))
    end = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < end and server.proc.poll() is None:
        try:
            if httpx.get(server.url + "/readyz", verify=context, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        server.stop()
        pytest.fail(f"TLS server not ready:\n{server.output()}")
    server.cert, server.context = cert, context
    yield server
    server.stop()


def test_https_with_the_certificate_plaintext_and_unknown_certificates_refused(tls_server):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = httpx.post(
        tls_server.url + "/v1/score", json={"groups": [GROUP]}, headers=headers, verify=tls_server.context, timeout=60
    )
    assert response.status_code == 200 and response.json()["groups"][0]["results"][0]["reward"] == pytest.approx(
        2.1 - 1.0
    )
    assert (
        httpx.get(
            tls_server.url.replace("127.0.0.1", "localhost") + "/healthz", verify=tls_server.context, timeout=30
        ).status_code
        == 200
    )
    with pytest.raises(httpx.HTTPError):
        httpx.get(tls_server.url.replace("https://", "http://") + "/healthz", timeout=10)
    with pytest.raises(httpx.ConnectError):  # the system roots do not know a self-signed certificate
        httpx.get(tls_server.url + "/healthz", timeout=10)
    assert (
        httpx.post(
            tls_server.url + "/v1/score", json={"groups": [GROUP]}, verify=tls_server.context, timeout=60
        ).status_code
        == 401
    )


def test_grpc_over_tls_only(tls_server):
    credentials = grpc.ssl_channel_credentials(root_certificates=tls_server.cert.read_bytes())
    with grpc.secure_channel(tls_server.grpc_target, credentials) as channel:
        # gRPC health follows the pool a fraction of a second after /readyz (it is polled every 0.2 s)
        for _ in range(100):
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=30)
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                break
            time.sleep(0.1)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    with grpc.insecure_channel(tls_server.grpc_target) as channel, pytest.raises(grpc.RpcError) as err:
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_client_over_https_and_grpcs_with_token(tls_server):
    grpcs = "grpcs://" + tls_server.grpc_target
    rewards = []
    for url in (tls_server.url, grpcs):
        with RewardClient(url, token=TOKEN, ca_cert=tls_server.cert, retries=0) as client:
            rewards.append([r.reward for r in client.score([GROUP]).groups[0].results])
            assert client.info().default_profile == "stepgrpo"
    with RewardClient(grpcs, token=TOKEN, ca_cert=tls_server.cert, retries=0) as client:
        assert [r.group.group_id for r in client.score_stream([GROUP])] == ["q"]
    assert rewards[0] == rewards[1] and rewards[0][0] > rewards[0][1]
    for url in (tls_server.url, grpcs):  # without the CA the handshake fails; the client says so
        with RewardClient(url, token=TOKEN, retries=0) as client, pytest.raises(RewardServiceError):
            client.score([GROUP])


def test_tls_flags_go_together(tmp_path):
    from service.ops.config import parse_args

    cert, _ = self_signed(tmp_path)
    with pytest.raises(SystemExit):
        parse_args(["--tls-cert", str(cert)], environ={})
    with pytest.raises(SystemExit):
        parse_args(["--tls-cert", str(cert), "--tls-key", str(tmp_path / "missing.pem")], environ={})
