"""Attacks on the HTTP server, reproduced against the real server on 127.0.0.1 with bounded resources.

Each limit is lowered so that a few hundred connections (not tens of thousands) or a few megabytes
show it working: huge headers, slow headers (slowloris), bodies shorter than their Content-Length,
connections past the cap, a 50 MB body of a million groups, clients that hang up mid-body and a
shutdown whose grace runs out. Normal requests must keep being answered, and every refusal is
counted in ``reward_refused_connections_total``. No wall-clock limits: outcomes, counts and order.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from .conftest import ROOT, start_server
from .samples import GENUINE, POWER_TOWER, group

WAIT = 60.0
"""Upper bound on any single wait (a safety net for a hung test, not a performance limit)."""


def refusals(url: str) -> dict[str, float]:
    text = httpx.get(url + "/metrics", timeout=WAIT).text
    samples = re.finditer(r'reward_refused_connections_total\{reason="(\w+)"\} (\S+)', text)
    return {m.group(1): float(m.group(2)) for m in samples}


def metric(url: str, pattern: str) -> float:
    """The sum of the samples whose line matches ``pattern`` (a metric name and labels)."""
    text = httpx.get(url + "/metrics", timeout=WAIT).text
    return sum(float(m.group(1)) for m in re.finditer(r"(?m)^" + pattern + r" (\S+)$", text))


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=WAIT)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (a reset counts as closed)."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except (ConnectionResetError, BrokenPipeError):
        pass
    return b"".join(chunks)


def read_response(sock: socket.socket) -> bytes:
    """One response (headers and a Content-Length body), without waiting for the connection to close."""
    data = b""
    while b"\r\n\r\n" not in data and (chunk := sock.recv(65536)):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
    while len(body) < length and (chunk := sock.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def healthy(url: str) -> bool:
    return httpx.get(url + "/healthz", timeout=WAIT).status_code == 200


def scored(url: str) -> bool:
    response = httpx.post(url + "/v1/score", json={"groups": [group([GENUINE])]}, timeout=WAIT)
    return response.status_code == 200 and response.json()["groups"][0]["results"][0]["answer_correct"] is True


@pytest.fixture(scope="module")
def limited():
    s = start_server(
        "--workers",
        "1",
        "--max-header-bytes",
        "8192",
        "--header-timeout",
        "2",
        "--body-timeout",
        "2",
        "--keep-alive-timeout",
        "1",
        "--max-connections",
        "60",
        "--max-request-bytes",
        "100000",
    )
    yield s
    s.stop()


def test_the_defaults_are_documented_limits():
    from service.ops.config import Config

    c = Config()
    limits = (c.max_header_bytes, c.header_timeout, c.keep_alive_timeout, c.body_timeout, c.max_connections)
    assert limits == (32768, 10.0, 5.0, 30.0, 1024)


def test_the_connection_cap_fits_the_open_file_limit():
    """Past the open-file limit accept() fails before the cap could answer: the soft limit is raised
    to fit the cap where the hard limit allows, else the cap is lowered (run in a child process)."""
    script = (
        "import resource, sys\nfrom service.http.connections import connection_cap\n"
        "soft, hard = map(int, sys.argv[1:])\nresource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))\n"
        "print(connection_cap(1024, 100), resource.getrlimit(resource.RLIMIT_NOFILE)[0])"
    )

    def run(soft: int, hard: int) -> str:
        return subprocess.run(
            [sys.executable, "-c", script, str(soft), str(hard)],
            capture_output=True,
            text=True,
            check=True,
            timeout=WAIT,
            cwd=ROOT,
        ).stdout.split()

    assert run(300, 300) == ["200", "300"]
    assert run(300, 5000) == ["1024", "1124"]


def test_oversized_headers_get_431_before_auth_and_the_server_keeps_serving(limited):
    before = refusals(limited.url).get("header_size", 0)
    sock = connect(limited.url)
    sock.sendall(b"GET /v1/info HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    assert read_all(sock).startswith(b"HTTP/1.1 431 ")
    sock.close()

    def flood() -> None:  # 4 x 16 MB headers: each is cut after the cap, not buffered
        s = connect(limited.url)
        try:
            s.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (16 << 20))
        except OSError:
            pass
        finally:
            s.close()

    rss_before = rss_kib(limited.proc.pid)
    threads = [threading.Thread(target=flood) for _ in range(4)]
    for t in threads:
        t.start()
    assert healthy(limited.url) and scored(limited.url)
    for t in threads:
        t.join(WAIT)
    assert refusals(limited.url)["header_size"] >= before + 5
    assert rss_kib(limited.proc.pid) - rss_before < 32 * 1024  # buffering the 4 x 16 MB would take at least 64 MB


def test_slowloris_connections_are_cut_and_normal_requests_keep_being_answered(limited):
    """200 connections sending a header byte every 0.3 s against a cap of 60: new connections evict the
    oldest waiting ones, the rest are cut at the 2 s header deadline, and every normal request in between
    is answered."""
    before = refusals(limited.url)
    slow = []
    for _ in range(200):
        s = connect(limited.url)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        slow.append(s)
    answered = 0
    for _round in range(10):
        for s in slow:
            try:
                s.send(b"X")
            except OSError:
                pass
        answered += healthy(limited.url)
        time.sleep(0.3)
    assert answered == 10 and scored(limited.url)
    after = refusals(limited.url)
    assert after["evicted"] - before.get("evicted", 0) >= 100
    assert after["header_timeout"] - before.get("header_timeout", 0) >= 1
    cut = 0
    for s in slow:
        s.settimeout(WAIT)
        reply = read_all(s)
        cut += reply == b"" or reply.startswith(b"HTTP/1.1 408 ")
        s.close()
    assert cut == len(slow)


def test_bodies_shorter_than_their_length_are_cut_and_a_full_house_refuses_new_connections(limited):
    """60 requests that never finish their body fill the cap with requests in progress: a new connection
    is refused with 503 (counted); at the 2 s body deadline they get 408 and the server serves again."""
    before = refusals(limited.url)
    stalled = []
    for _ in range(60):
        s = connect(limited.url)
        s.sendall(
            b'POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"gr'
        )
        stalled.append(s)
    refused = None
    for _ in range(100):  # the server may not have accepted them all yet
        s = connect(limited.url)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = read_all(s)
        s.close()
        if reply.startswith(b"HTTP/1.1 503 "):
            refused = reply
            break
    assert refused is not None and b"retry-after: 1" in refused.lower() and b"too many open connections" in refused
    replies = [read_all(s) for s in stalled]
    for s in stalled:
        s.close()
    assert all(r.startswith(b"HTTP/1.1 408 ") for r in replies), {r[:40] for r in replies}
    after = refusals(limited.url)
    assert after["connections"] > before.get("connections", 0)
    assert after["body_timeout"] - before.get("body_timeout", 0) == 60
    assert healthy(limited.url) and scored(limited.url)
    assert "Traceback" not in limited.output()


def test_a_body_refused_by_its_length_is_drained_and_the_connection_kept(limited):
    """413 on the Content-Length, before the body is read; the rest of the body is then read and dropped
    (not taken for the next request's headers), so the client sees its 413 and can reuse the connection."""
    before = refusals(limited.url)
    with httpx.Client(base_url=limited.url, timeout=WAIT) as client:
        for _ in range(3):
            response = client.post("/v1/score", content=b"x" * 300_000, headers={"content-type": "application/json"})
            assert response.status_code == 413 and response.json()["detail"][0]["loc"] == ["body"]
        assert client.get("/healthz").status_code == 200
    assert refusals(limited.url) == before


def test_idle_keep_alive_connections_are_closed(limited):
    sock = connect(limited.url)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert read_response(sock).startswith(b"HTTP/1.1 200 ")
    assert read_all(sock) == b""  # closed by the server after the 1 s keep-alive timeout
    sock.close()


def test_a_client_that_hangs_up_mid_body_is_a_499_logged_without_traceback(limited):
    before = metric(limited.url, r'reward_requests_total\{[^}]*code="499"[^}]*\}')
    for _ in range(5):
        s = connect(limited.url)
        s.sendall(
            b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n" + b'{"groups": [' + b" " * 5000
        )
        time.sleep(0.2)
        s.close()
    for _ in range(100):
        if metric(limited.url, r'reward_requests_total\{[^}]*code="499"[^}]*\}') >= before + 5:
            break
        time.sleep(0.1)
    assert metric(limited.url, r'reward_requests_total\{[^}]*code="499"[^}]*\}') == before + 5
    assert metric(limited.url, r'reward_requests_total\{[^}]*code="500"[^}]*\}') == 0
    log = limited.output()
    assert "client closed the connection before the response (499)" in log
    assert "Traceback" not in log


def test_health_is_answered_while_a_50_megabyte_body_is_refused():
    """A million tiny groups (50 MB, under the byte limit): counted off the event loop and refused at the
    group limit without being parsed. /healthz, polled from the start of the upload to the 413, is
    answered before it, and no health check waits half as long as the whole refusal (parsing the
    body on the event loop stalled every other request for nearly all of it)."""
    server = start_server("--workers", "1")
    try:
        body = json.dumps({"groups": [{"reference": {"answer": "5"}, "completions": ["a"]}] * 1_000_000}).encode()
        assert 40 << 20 < len(body) < 64 << 20
        client = httpx.Client(base_url=server.url, timeout=WAIT)
        assert client.get("/healthz").status_code == 200  # a warm connection: a health check costs a round trip
        sock = connect(server.url)
        refusal: dict[str, object] = {}

        def big() -> None:
            sock.sendall(
                b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            refusal["reply"] = read_response(sock)
            refusal["at"] = time.perf_counter()

        health: list[tuple[float, float, int]] = []  # (asked, answered, status)
        started = time.perf_counter()
        t = threading.Thread(target=big)
        t.start()
        while t.is_alive():
            asked = time.perf_counter()
            status = client.get("/healthz").status_code
            health.append((asked, time.perf_counter(), status))
        client.close()
        t.join(WAIT)
        whole = refusal["at"] - started
        answered_before = [h for h in health if h[1] < refusal["at"]]
        assert len(answered_before) >= 3 and {h[2] for h in health} == {200}
        slowest = max(answered - asked for asked, answered, _ in health)
        assert slowest < whole / 2, (slowest, whole)
        print(f"slowest health check {slowest:.3f} s of a {whole:.3f} s refusal")
        status_line, _, rest = refusal["reply"].partition(b"\r\n")
        assert status_line.startswith(b"HTTP/1.1 413 ")
        detail = json.loads(rest.partition(b"\r\n\r\n")[2])["detail"][0]
        assert detail["loc"] == ["body", "groups"] and "4096" in detail["msg"]
        assert healthy(server.url) and scored(server.url)
    finally:
        server.stop()


def test_a_shutdown_whose_grace_runs_out_answers_503_with_retry_after_and_exits_0():
    """A trajectory that hangs sympy until a 60 s deadline is in flight at SIGTERM; the 1 s grace runs
    out: the request gets 503 + Retry-After + JSON, its worker is killed, and the process exits 0
    long before the deadline would have ended the work."""
    deadline = 60.0
    server = start_server("--workers", "1", "--deadline", str(deadline), "--drain-seconds", "0", "--grace-seconds", "1")
    try:
        box = {}
        payload = {"profile": "r1vl-reference", "groups": [group([POWER_TOWER])]}

        def post() -> None:
            box["r"] = httpx.post(server.url + "/v1/score", json=payload, timeout=WAIT)

        t = threading.Thread(target=post)
        t.start()
        for _ in range(600):
            if metric(server.url, "reward_in_flight_trajectories") >= 1:
                break
            time.sleep(0.05)
        assert metric(server.url, "reward_in_flight_trajectories") >= 1
        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        t.join(WAIT)
        response = box["r"]
        assert response.status_code == 503 and response.headers["retry-after"] == "1"
        assert "grace" in response.json()["detail"]
        assert server.proc.wait(WAIT) == 0
        assert time.monotonic() - signalled < deadline
        log = server.output()
        assert "Traceback" not in log and "Exception in ASGI application" not in log
    finally:
        server.stop()
