"""Policy-behaviour telemetry over the wire: a batch with known hedges, format failures and gaming shapes is
scored by a real server; ``/metrics`` and the response's ``stats.rates`` must count exactly what it holds."""

from __future__ import annotations

import grpc
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.ops.behaviour import OTHER, RecentNames
from service.rewardpb import reward_pb2, reward_pb2_grpc
from tests.conftest import start_server
from tests.keystep_corpus import full, gaming_shapes

RUNS = 10
"""Run slots of the test server: enough for every named run of the tests before the flood."""
HEAD = (
    "### Image Description:\nA right triangle.\n### Rationales:\nPythagoras.\n### Let's think step by step.\n"
    "### Step 1:\nPQ = 8 and QR = 6.\n### Step 2:\nBy the Pythagorean theorem PR = 10.\n"
)
TRIANGLE = {"answer": "10", "key_steps": [["PQ = 8"], ["QR = 6"], ["PR = 10"]]}


def _answer(text: str) -> str:
    return HEAD + "### The final answer is: " + text


def _shape(prefix: str) -> tuple[dict, str]:
    name, (answer, key_steps, description, rationale, _, gaming, _, _) = next(
        item for item in gaming_shapes().items() if item[0].startswith(prefix)
    )
    return {"answer": answer, "key_steps": key_steps}, full(description, rationale, gaming, answer)


def batch() -> list[dict]:
    negated_ref, negated = _shape("negated_hypotenuse")
    _, enumerated = _shape("enumerated_hypotenuse")
    unused_ref, unused = _shape("unused_")
    hedges = ["10", "12", "maybe 10", "10 or 12", "not 10", "at least 10"]
    return [
        {
            "reference": TRIANGLE,
            "completions": [
                *map(_answer, hedges),
                HEAD.rsplit("### Step 2", 1)[0],  # no final answer: incomplete, answer not after steps
                _answer("10").replace("Step 2", "Step 3"),  # steps numbered 1, 3
                _answer("10\n### The final answer is: 12"),  # two final-answer sections that disagree
            ],
        },
        {"reference": negated_ref, "completions": [negated, enumerated, _answer("10")]},
        {"reference": unused_ref, "completions": [unused, "### Step 1:\nnothing"]},
        {"reference": TRIANGLE, "completions": [_answer("10"), _answer("10")]},  # zero variance
        {"reference": {"answer": ""}, "completions": ["x"]},  # unusable reference: not scored, not a group
    ]


EXPECTED_VERDICTS = {
    ("right", "plain"): 8,
    ("wrong", "plain"): 1,
    ("unread", "none"): 2,
    ("hedge", "uncertain"): 1,
    ("hedge", "alternative"): 1,
    ("hedge", "negated"): 1,
    ("hedge", "bounded"): 1,
    ("hedge", "sections"): 1,
}
EXPECTED_CHECKS = {
    "complete": 2,
    "answer_after_steps": 2,
    "step_numbering": 1,
    "no_repeated_sections": 1,
    "section_order": 0,
}
EXPECTED_REASONS = {"negated": 1, "enumerated": 1, "named_without_use": 1}
SCORED = 16


@pytest.fixture(scope="module")
def served():
    server = start_server("--workers", "1", "--metrics-runs", str(RUNS), grpc=True)
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield server, client
    server.stop()


def samples(client: httpx.Client, name: str) -> list:
    families = text_string_to_metric_families(client.get("/metrics").text)
    return [s for f in families for s in f.samples if s.name == name]


def counted(client, name: str, run: str, label: str) -> dict:
    return {s.labels[label]: s.value for s in samples(client, name) if s.labels["run"] == run}


def test_a_batch_is_counted_exactly_in_metrics_and_stats(served):
    _, client = served
    response = client.post("/v1/score", json={"groups": batch(), "run": "exact"})
    assert response.status_code == 200, response.text
    body = response.json()
    rates = body["stats"]["rates"]
    verdicts = {
        (s.labels["outcome"], s.labels["rule"]): s.value
        for s in samples(client, "reward_policy_verdicts_total")
        if s.labels["run"] == "exact"
    }
    assert verdicts == EXPECTED_VERDICTS
    checks = counted(client, "reward_policy_validity_failures_total", "exact", "check")
    assert checks == {k: v for k, v in EXPECTED_CHECKS.items() if v}
    assert counted(client, "reward_policy_key_steps_uncredited_total", "exact", "reason") == EXPECTED_REASONS
    assert counted(client, "reward_policy_completions_total", "exact", "status") == {"ok": SCORED, "error": 1}
    assert samples(client, "reward_policy_groups_total")[0].value == 4
    zero = [s.value for s in samples(client, "reward_policy_zero_variance_groups_total") if s.labels["run"] == "exact"]
    assert zero == [1]
    rewards = {
        s.labels["component"]: s.value
        for s in samples(client, "reward_policy_score_count")
        if s.labels["run"] == "exact"
    }
    assert rewards == {"reward": SCORED, "step_rar": SCORED, "step_rvr": SCORED, "key_step_ratio": SCORED}
    paid = sum(r["reward"] for g in body["groups"] for r in g["results"] if r["status"] == "ok")
    [total] = [s.value for s in samples(client, "reward_policy_score_sum") if s.labels["component"] == "reward"]
    assert total == pytest.approx(paid)
    [chars] = [s.value for s in samples(client, "reward_policy_completion_chars_sum") if s.labels["run"] == "exact"]
    assert chars == sum(len(c) for g in batch()[:4] for c in g["completions"])

    assert rates["scored"] == SCORED
    assert rates["hedge"] == round(5 / SCORED, 6) and rates["unread"] == round(2 / SCORED, 6)
    assert rates["right"] == round(8 / SCORED, 6) and rates["wrong"] == round(1 / SCORED, 6)
    assert rates["hedges"] == {k: round(1 / SCORED, 6) for (o, k) in EXPECTED_VERDICTS if o == "hedge"}
    assert rates["validity_failures"] == {k: round(v / SCORED, 6) for k, v in EXPECTED_CHECKS.items() if v}
    assert rates["key_steps_uncredited"] == {k: round(v / SCORED, 6) for k, v in EXPECTED_REASONS.items()}
    assert rates["zero_std_groups"] == 0.25
    assert all("summary" not in r for g in body["groups"] for r in g["results"])


def test_the_run_comes_from_grpc_metadata_and_the_openrlhf_query(served):
    server, client = served
    with grpc.insecure_channel(server.grpc_target) as channel:
        stub = reward_pb2_grpc.RewardServiceStub(channel)
        request = reward_pb2.ScoreRequest(groups=[reward_pb2.Group(completions=[_answer("maybe 10")])])
        request.groups[0].reference.answer = "10"
        reply = stub.Score(request, metadata=(("x-reward-run", "by-metadata"),), timeout=60)
    assert reply.stats.rates.hedges == {"uncertain": 1.0}
    assert counted(client, "reward_policy_verdicts_total", "by-metadata", "rule") == {"uncertain": 1}
    body = {"query": [_answer("12")], "prompts": [""], "labels": ["10"]}
    assert client.post("/v1/openrlhf?run=by-query", json=body).status_code == 200
    assert counted(client, "reward_policy_verdicts_total", "by-query", "outcome") == {"wrong": 1}
    refused = client.post("/v1/openrlhf?run=" + "r" * 201, json=body)
    assert refused.status_code == 422 and "run" in refused.text
    refused = client.post("/v1/score", json={"groups": batch()[:1], "run": "r" * 201})
    assert refused.status_code == 422 and "run" in refused.text


def test_a_stream_names_the_run_per_group_over_the_metadata(served):
    """ScoreStream's StreamRequest.run names a group's run; a group without one takes the call's metadata; one
    too long is that group's error, naming the field, and the stream goes on."""
    server, client = served

    def item(group_id: str, text: str, run: str | None = None) -> reward_pb2.StreamRequest:
        request = reward_pb2.StreamRequest(group=reward_pb2.Group(group_id=group_id, completions=[_answer(text)]))
        request.group.reference.answer = "10"
        if run is not None:
            request.run = run
        return request

    items = [item("field", "maybe 10", "by-stream-field"), item("metadata", "10 or 12"), item("long", "10", "r" * 201)]
    with grpc.insecure_channel(server.grpc_target) as channel:
        stub = reward_pb2_grpc.RewardServiceStub(channel)
        replies = stub.ScoreStream(iter(items), metadata=(("x-reward-run", "by-stream-metadata"),), timeout=60)
        groups = {reply.group.group_id: reply.group for reply in replies}
    assert [groups[g].status for g in ("field", "metadata", "long")] == ["ok", "ok", "error"]
    assert "run" in groups["long"].detail and "200" in groups["long"].detail, groups["long"].detail
    assert counted(client, "reward_policy_verdicts_total", "by-stream-field", "rule") == {"uncertain": 1}
    assert counted(client, "reward_policy_verdicts_total", "by-stream-metadata", "rule") == {"alternative": 1}


@pytest.mark.parametrize("transport", ["grpc", "http"])
def test_the_python_client_names_its_run_on_score_and_stream(served, transport):
    from service.client import RewardClient

    server, client = served
    url = "grpc://" + server.grpc_target if transport == "grpc" else server.url
    group = {"reference": {"answer": "10"}, "completions": [_answer("maybe 10")]}
    with RewardClient(url) as reward:
        reward.score([group], run=f"client-{transport}")
        assert [r.group.status for r in reward.score_stream([group], run=f"client-{transport}")] == ["ok"]
    assert counted(client, "reward_policy_verdicts_total", f"client-{transport}", "rule") == {"uncertain": 2}


def test_the_adapters_name_their_run(served):
    from stepgrpo_reward.trl import StepGRPOReward
    from stepgrpo_reward.verl import compute_score_batch

    server, client = served
    logged = {}
    reward = StepGRPOReward(server.url, run="trl-run")
    values = reward(
        ["p", "p"], [_answer("maybe 10"), _answer("10")], answer=["10", "10"], log_metric=logged.__setitem__
    )
    assert values[1] > values[0] and logged["stepgrpo/hedge_uncertain"] == 0.5 and logged["stepgrpo/hedge_rate"] == 0.5
    assert counted(client, "reward_policy_verdicts_total", "trl-run", "outcome") == {"hedge": 1, "right": 1}
    scores = compute_score_batch(["geo"], [_answer("10 or 12")], ["10"], [{"index": 0}], url=server.url, run="verl-run")
    assert scores[0]["hedge_alternative"] == 1.0 and scores[0]["hedge_rate"] == 1.0
    assert counted(client, "reward_policy_verdicts_total", "verl-run", "rule") == {"alternative": 1}


def test_a_thousand_runs_keep_the_label_set_bounded(served):
    """Last of the server's tests: after it, every run slot is held by a recent name and new runs are 'other'."""
    _, client = served
    group = [{"reference": TRIANGLE, "completions": [_answer("10")]}]
    for i in range(1000):
        assert client.post("/v1/score", json={"groups": group, "run": f"flood-{i}"}).status_code == 200
    runs = {s.labels["run"] for s in samples(client, "reward_policy_completions_total")}
    assert len(runs) <= RUNS + 1 and OTHER in runs
    flooded = sum(
        s.value for s in samples(client, "reward_policy_completions_total") if s.labels["run"].startswith("flood")
    )
    other = sum(s.value for s in samples(client, "reward_policy_completions_total") if s.labels["run"] == OTHER)
    assert flooded + other == 1000


def test_recent_names_give_an_idle_slot_to_a_new_name():
    now = [0.0]
    forgotten = []
    names = RecentNames(2, forgotten.append, idle=10, clock=lambda: now[0])
    assert [names.label(n) for n in ("a", "b", "c")] == ["a", "b", OTHER]
    now[0] = 5
    assert names.label("a") == "a"
    now[0] = 12  # b idle for 12 s, a for 7 s
    assert names.label("c") == "c" and forgotten == ["b"]
    assert names.label("b") == OTHER
    assert RecentNames(0, forgotten.append).label("x") == OTHER
