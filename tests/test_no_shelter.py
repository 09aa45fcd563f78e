"""No shelter, through the real server: a completion whose own scoring runs out of time is paid the lowest
reward and takes part in its group's advantages, over HTTP, gRPC (unary and stream) and OpenRLHF alike;
``options.unscored: "exclude"`` gives the earlier behaviour (reward null, left out, advantage 0).

The completion forced to time out is the power tower that hangs math-verify under ``r1vl-reference``
(which hands the whole completion to math-verify); the session server's deadline is 2 s.
"""

from __future__ import annotations

import json

import grpc
import httpx
import pytest
from google.protobuf import json_format
from hypothesis import given
from hypothesis import strategies as st

from service.rewardpb import reward_pb2, reward_pb2_grpc
from service.rewards.advantages import advantages
from service.rewards.results import counted_reward, own_error_outcome, timeout_outcome, wire_result

from .samples import GENUINE, POWER_TOWER, RIGHT_TRIANGLE_KEY_STEPS, WRONG_ANSWER, group

PROFILE = "r1vl-reference"
COMPLETIONS = [GENUINE, POWER_TOWER, WRONG_ANSWER]


@pytest.fixture(scope="module")
def scored(server) -> dict:
    """One request per option, over HTTP (each costs one deadline)."""
    out = {}
    for option in ("lowest", "exclude"):
        body = {"profile": PROFILE, "groups": [group(COMPLETIONS, group_id="g")], "options": {"unscored": option}}
        r = httpx.post(server.url + "/v1/score", json=body, timeout=120)
        assert r.status_code == 200, r.text
        out[option] = r.json()
    default = {"profile": PROFILE, "groups": [group(COMPLETIONS, group_id="g")]}
    out["default"] = httpx.post(server.url + "/v1/score", json=default, timeout=120).json()
    return out


def _without_timing(body: dict) -> dict:
    return {**body, "stats": {k: v for k, v in body["stats"].items() if k != "elapsed_ms"}}


def test_a_timed_out_completion_gets_the_lowest_reward_and_a_negative_advantage(scored):
    g = scored["lowest"]["groups"][0]
    right, hung, wrong = g["results"]
    assert [r["status"] for r in g["results"]] == ["ok", "timeout", "ok"]
    assert "deadline" in hung["detail"]
    assert (hung["reward"], hung["step_rar"], hung["step_rvr"], hung["answer_correct"]) == (0.0, 0.0, 0.0, False)
    assert hung["key_step_ratio"] is None and hung["explanation"] is None
    assert right["reward"] > wrong["reward"] > 0
    assert g["advantages"][1] < 0 and g["advantages"][1] < g["advantages"][2] < g["advantages"][0]
    (expected,) = advantages([[right["reward"], 0.0, wrong["reward"]]])
    assert g["advantages"] == pytest.approx(expected.values)
    assert g["reward_mean"] == pytest.approx((right["reward"] + wrong["reward"]) / 3)
    assert scored["lowest"]["stats"]["timeout"] == 1 and scored["lowest"]["stats"]["ok"] == 2


def test_lowest_is_the_default(scored):
    assert _without_timing(scored["default"]) == _without_timing(scored["lowest"])


def test_the_exclusion_option_leaves_it_out_as_before(scored):
    g = scored["exclude"]["groups"][0]
    right, hung, wrong = g["results"]
    assert hung["status"] == "timeout" and "deadline" in hung["detail"]
    assert all(hung[k] is None for k in ("reward", "step_rar", "step_rvr", "answer_correct", "key_step_ratio"))
    assert g["advantages"][1] == 0.0
    (expected,) = advantages([[right["reward"], None, wrong["reward"]]])
    assert g["advantages"] == pytest.approx(expected.values)
    assert right["reward"] == scored["lowest"]["groups"][0]["results"][0]["reward"]


def test_the_option_enters_the_version(scored):
    assert scored["lowest"]["version"] != scored["exclude"]["version"]
    assert scored["lowest"]["version"].startswith(PROFILE + "-")


def test_grpc_unary_and_stream_agree_with_http(server, scored):
    request = {"profile": PROFILE, "groups": [group(COMPLETIONS, group_id="g")]}
    item = {"profile": PROFILE, "group": group(COMPLETIONS, group_id="g")}
    with grpc.insecure_channel(server.grpc_target) as channel:
        stub = reward_pb2_grpc.RewardServiceStub(channel)
        unary = stub.Score(json_format.ParseDict(request, reward_pb2.ScoreRequest()), timeout=120)
        (streamed,) = stub.ScoreStream(iter([json_format.ParseDict(item, reward_pb2.StreamRequest())]), timeout=120)
    as_dict = json_format.MessageToDict(unary, preserving_proto_field_name=True)
    g = as_dict["groups"][0]
    want = scored["lowest"]["groups"][0]
    assert [r["status"] for r in g["results"]] == ["ok", "timeout", "ok"]
    assert g["results"][1]["reward"] == 0.0 and g["advantages"] == pytest.approx(want["advantages"])
    assert as_dict["version"] == scored["lowest"]["version"]
    assert [r.reward for r in streamed.group.results] == [r["reward"] for r in want["results"]]
    assert list(streamed.group.advantages) == pytest.approx(want["advantages"])
    assert streamed.version == scored["lowest"]["version"]


def test_openrlhf_pays_the_same_rewards(server, scored):
    prompt = "<|im_start|>user\nHow long is AC?<|im_end|>\n<|im_start|>assistant\n"
    label = json.dumps({"answer": "5", "key_steps": RIGHT_TRIANGLE_KEY_STEPS})
    body = {"query": [prompt + c for c in COMPLETIONS], "prompts": [prompt] * 3, "labels": [label] * 3}
    r = httpx.post(server.url + f"/v1/openrlhf?profile={PROFILE}", json=body, timeout=120)
    assert r.status_code == 200, r.text
    got = r.json()
    want = [x["reward"] for x in scored["lowest"]["groups"][0]["results"]]
    assert got["rewards"] == got["scores"] == pytest.approx(want) and got["rewards"][1] == 0.0
    assert got["extra_logs"]["scored"] == [1.0, 0.0, 1.0]


def test_a_completion_that_cannot_be_read_is_paid_the_lowest_but_a_bad_reference_is_not(client):
    """A lone surrogate (only lenient JSON lets one in) is the completion's own: reward 0; an unusable
    reference is not the completions' fault: their rewards stay null."""
    raw = json.dumps(
        {"groups": [group([GENUINE, "### Step 1:\nAB = 3 \ud800\n### The final answer is: 5"]), group([GENUINE], "")]}
    ).encode()
    r = client.post("/v1/score", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    own, reference = r.json()["groups"]
    assert [x["status"] for x in own["results"]] == ["ok", "error"] and own["results"][1]["reward"] == 0.0
    assert own["advantages"][1] < 0 < own["advantages"][0]
    assert reference["status"] == "error" and reference["results"][0]["reward"] is None
    assert reference["advantages"] == [0.0]


def _scored(reward: float) -> dict:
    return {
        "status": "ok",
        "reward": reward,
        "step_rar": reward,
        "step_rvr": 0.0,
        "answer_correct": False,
        "key_step_ratio": None,
        "explanation": None,
    }


@given(
    rewards=st.lists(st.floats(0.0, 2.1, allow_nan=False), min_size=1, max_size=8),
    failures=st.lists(st.sampled_from(["timeout", "error"]), min_size=1, max_size=4),
    mode=st.sampled_from(["group", "batch", "none"]),
)
def test_failing_never_beats_the_lowest_score(rewards, failures, mode):
    """The one rule, for any group: a completion whose own scoring failed gets exactly the advantage of a
    completion scored 0 beside the same group, so no failure is worth more than the worst real answer."""
    failed = [timeout_outcome("deadline") if f == "timeout" else own_error_outcome("raised") for f in failures]
    outcomes = [_scored(r) for r in rewards] + failed
    (paid,) = advantages([[counted_reward(o, "lowest") for o in outcomes]], mode)
    (zero,) = advantages([list(rewards) + [0.0] * len(failed)], mode)
    assert paid.values == zero.values
    assert all(paid.values[len(rewards)] <= a for a in paid.values[: len(rewards)])
    assert all(wire_result(o)["reward"] == 0.0 and wire_result(o, "exclude")["reward"] is None for o in failed)
