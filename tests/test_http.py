"""The v1 HTTP contract against the real server over 127.0.0.1."""

from __future__ import annotations

import json

import httpx
import pytest

from service.scoring.contract import OpenRLHFResponse, ScoreResponse

from .samples import GENUINE, NO_STEPS, POWER_TOWER, STUFFED, WRONG_ANSWER, group


def score(client, groups, status=200, path="/v1/score", **body):
    r = client.post(path, json={"groups": groups, **body})
    assert r.status_code == status, r.text
    if status == 200:
        ScoreResponse.model_validate(r.json())
    return r.json()


def test_every_completion_gets_one_result_in_order(client):
    body = score(
        client, [group([GENUINE, WRONG_ANSWER, NO_STEPS, STUFFED], group_id="q-1"), group([WRONG_ANSWER, GENUINE])]
    )
    assert [g["group_id"] for g in body["groups"]] == ["q-1", "1"]
    first, second = body["groups"]
    assert [r["status"] for r in first["results"]] == ["ok"] * 4
    rewards = [r["reward"] for r in first["results"]]
    assert rewards[0] == pytest.approx(2.1)
    assert rewards[1] < rewards[0] and rewards[2] < rewards[0] and rewards[3] < rewards[0]
    assert [r["reward"] for r in second["results"]] == [rewards[1], rewards[0]]
    assert body["stats"] == {**body["stats"], "trajectories": 6, "ok": 6, "timeout": 0, "error": 0}
    assert body["profile"] == "stepgrpo" and body["version"].startswith("stepgrpo-1.1.0+")


def test_components_add_up(client):
    body = score(client, [group([GENUINE, WRONG_ANSWER, NO_STEPS])])
    for r in body["groups"][0]["results"]:
        assert r["reward"] == pytest.approx(r["step_rar"] + r["step_rvr"])
    genuine, wrong, no_steps = body["groups"][0]["results"]
    assert (genuine["answer_correct"], genuine["step_rvr"], genuine["key_step_ratio"]) == (True, 1.0, 1.0)
    assert wrong["answer_correct"] is False and wrong["step_rar"] == pytest.approx(0.1 * wrong["key_step_ratio"])
    assert no_steps["step_rvr"] == 0.0 and no_steps["key_step_ratio"] == 0.0


def test_score_alias_gives_the_same_scores(client):
    groups = [group([GENUINE, WRONG_ANSWER])]
    a, b = score(client, groups), score(client, groups, path="/score")
    assert a["groups"] == b["groups"] and a["version"] == b["version"]


def test_same_request_same_bytes(client):
    payload = {"groups": [group([GENUINE, WRONG_ANSWER, STUFFED, NO_STEPS])], "options": {"explain": True}}
    first = client.post("/v1/score", json=payload).json()
    second = client.post("/v1/score", json=payload).json()
    assert json.dumps(first["groups"]) == json.dumps(second["groups"])


def test_advantages_are_group_normalised(client):
    body = score(client, [group([GENUINE, WRONG_ANSWER, GENUINE, NO_STEPS])])
    g = body["groups"][0]
    rewards = [r["reward"] for r in g["results"]]
    mean = sum(rewards) / 4
    std = (sum((r - mean) ** 2 for r in rewards) / 3) ** 0.5
    assert g["advantages"] == pytest.approx([(r - mean) / (std + 1e-4) for r in rewards])
    biased = score(
        client, [group([GENUINE, WRONG_ANSWER, GENUINE, NO_STEPS])], options={"unbiased_std": False, "epsilon": 1e-6}
    )
    std_b = (sum((r - mean) ** 2 for r in rewards) / 4) ** 0.5
    assert biased["groups"][0]["advantages"] == pytest.approx([(r - mean) / (std_b + 1e-6) for r in rewards])
    none = score(client, [group([GENUINE, WRONG_ANSWER])], options={"advantage": "none"})
    assert none["groups"][0]["advantages"] == pytest.approx(
        [(rewards[0] - rewards[1]) / 2, (rewards[1] - rewards[0]) / 2]
    )


def test_single_completion_group_gets_zero_and_says_so(client):
    g = score(client, [group([GENUINE])])["groups"][0]
    assert g["advantages"] == [0.0] and g["zero_std"] is True and "fewer than two" in g["detail"]


def test_explanation_names_matches_checks_and_answer(client):
    body = score(client, [group([GENUINE, NO_STEPS])], options={"explain": True})
    genuine, no_steps = [r["explanation"] for r in body["groups"][0]["results"]]
    assert genuine["answer"] == {**genuine["answer"], "stated": "5", "correct": True}
    assert all(k["matched"] and k["credited"] for k in genuine["key_steps"])
    hows = {k["alternative"]: k["how"] for k in genuine["key_steps"]}
    assert hows["AC = 5"] == "equation_chain" and hows["AB = 3"] == "exact"
    assert [s["kind"] for s in genuine["sections"]] == ["description", "rationales", "think", "step", "step", "answer"]
    failed = {c["check"]: c["detail"] for c in no_steps["validity"] if not c["passed"]}
    assert "steps" in failed["complete"]


def test_explanation_off_by_default(client):
    assert score(client, [group([GENUINE])])["groups"][0]["results"][0]["explanation"] is None


def test_stuffing_scores_below_genuine_in_stepgrpo_but_not_in_reference(client):
    soft = score(client, [group([GENUINE, STUFFED])])["groups"][0]["results"]
    assert soft[1]["reward"] < soft[0]["reward"]
    ref = score(client, [group([GENUINE, STUFFED])], profile="r1vl-reference")["groups"][0]["results"]
    assert ref[1]["reward"] >= ref[0]["reward"]


def test_power_tower_times_out_and_neighbours_are_scored(client):
    """The reference rules hand the whole completion to math-verify, where the power tower hangs sympy."""
    body = score(
        client, [group([GENUINE, POWER_TOWER, WRONG_ANSWER]), group([GENUINE, GENUINE])], profile="r1vl-reference"
    )
    first = body["groups"][0]["results"]
    assert [r["status"] for r in first] == ["ok", "timeout", "ok"]
    assert first[1]["reward"] == 0.0 and "deadline" in first[1]["detail"]
    assert first[0]["reward"] > first[2]["reward"]
    assert body["groups"][0]["advantages"][1] < 0  # no shelter: tests/test_no_shelter.py
    assert body["stats"]["timeout"] == 1 and body["stats"]["ok"] == 4
    assert score(client, [group([GENUINE, WRONG_ANSWER])])["stats"]["ok"] == 2
    metrics = client.get("/metrics").text
    assert (
        "reward_timeouts_total 1.0" in metrics
        or "reward_timeouts_total" in metrics
        and 'reward_worker_restarts_total{reason="timeout"}' in metrics
    )
    assert 'reward_trajectories_total{profile="r1vl-reference",status="timeout"}' in metrics


@pytest.mark.parametrize("answer", ["5^(5^(5^5))", "10^{10^{10}}", "99999999999!", "(1+x)^{1000000}", "9" * 5000])
def test_answers_too_large_to_evaluate_are_wrong_at_once_in_stepgrpo(client, answer):
    """No escape into a timeout (advantage 0) for the policy: the guard judges them wrong without sympy."""
    text = GENUINE.replace("answer is: 5", "answer is: " + answer)
    result = score(client, [group([text])], options={"explain": True})["groups"][0]["results"][0]
    assert result["status"] == "ok" and result["answer_correct"] is False
    assert result["explanation"]["answer"]["method"] == "guard"


def test_unusable_reference_fails_its_group_only(client):
    body = score(
        client, [group([GENUINE], key_steps="{not json"), group([GENUINE, WRONG_ANSWER]), group([GENUINE], answer="  ")]
    )
    bad, good, empty = body["groups"]
    assert bad["status"] == "error" and "key_steps" in bad["detail"]
    assert [r["status"] for r in bad["results"]] == ["error"]
    assert empty["status"] == "error" and "answer" in empty["detail"]
    assert good["status"] == "ok" and [r["status"] for r in good["results"]] == ["ok", "ok"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, ["groups"]),
        ({"groups": []}, ["groups"]),
        ({"groups": "x"}, ["groups"]),
        ({"groups": [{"reference": {"answer": "5"}, "completions": [1]}]}, ["groups", 0, "completions", 0]),
        ({"groups": [{"completions": ["x"]}]}, ["groups", 0, "reference"]),
        ({"groups": [{"reference": {"answer": "5"}, "completions": ["x"]}], "profile": "nope"}, ["profile"]),
        (
            {"groups": [{"reference": {"answer": "5"}, "completions": ["x"]}], "options": {"alpha": -1}},
            ["options", "alpha"],
        ),
        (
            {"groups": [{"reference": {"answer": "5"}, "completions": ["x"]}], "options": {"advantage": "rank"}},
            ["options", "advantage"],
        ),
        ({"groups": [{"reference": {"answer": "5"}, "completions": ["x"]}], "surprise": 1}, ["surprise"]),
        (
            {"groups": [{"reference": {"answer": "5", "key_steps": 7}, "completions": ["x"]}]},
            ["groups", 0, "reference", "key_steps"],
        ),
    ],
)
def test_malformed_requests_are_422_naming_the_field(client, body, loc):
    r = client.post("/v1/score", json=body)
    assert r.status_code == 422, r.text
    locs = [e["loc"] for e in r.json()["detail"]]
    assert any(found[: len(loc)] == loc for found in locs), locs


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"[" * 100000,
        b'{"groups": [{"reference": {"answer": "\xff"}, "completions": []}]}',
        b"\x00\x01",
    ],
    ids=["syntax", "empty", "deep-nesting", "invalid-utf8", "binary"],
)
def test_unparseable_bodies_are_422(client, raw):
    r = client.post("/v1/score", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["type"] == "json_invalid"


def test_non_finite_numbers_are_422(client):
    raw = b'{"groups": [{"reference": {"answer": "5"}, "completions": ["x"]}], "options": {"alpha": NaN}}'
    r = client.post("/v1/score", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["options", "alpha"]


def test_limits_are_413_naming_the_field(client):
    r = client.post("/v1/score", json={"groups": [group(["x"])] * 9})
    assert r.status_code == 413 and r.json()["detail"][0]["loc"] == ["body", "groups"]
    r = client.post("/v1/score", json={"groups": [group(["x"] * 17)]})
    assert r.status_code == 413 and r.json()["detail"][0]["loc"] == ["body", "groups", "0", "completions"]
    r = client.post("/v1/score", json={"groups": [group(["x"] * 10)] * 5})
    assert r.status_code == 413 and "40" in r.json()["detail"][0]["msg"]
    r = client.post("/v1/score", json={"groups": [group(["ok", "é" * 10001])]})
    assert r.status_code == 413 and r.json()["detail"][0]["loc"] == ["body", "groups", "0", "completions", "1"]
    r = client.post("/v1/score", content=b"x" * 300001, headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_reference_size_limit_is_413_naming_the_reference(client):
    """A reference is limited to --max-reference-bytes (default 65536) UTF-8 bytes as JSON."""
    r = client.post("/v1/score", json={"groups": [group([GENUINE]), group([GENUINE], answer="é" * 33000)]})
    assert r.status_code == 413, r.text
    assert (
        r.json()["detail"][0]["loc"] == ["body", "groups", "1", "reference"] and "65536" in r.json()["detail"][0]["msg"]
    )
    r = client.post("/v1/score", json={"groups": [group([GENUINE], key_steps=[["AB = 3"]] * 6000)]})
    assert r.status_code == 413 and r.json()["detail"][0]["loc"] == ["body", "groups", "0", "reference"]
    assert (
        score(client, [group([GENUINE], answer="5", solution="x" * 60000)])["groups"][0]["results"][0]["status"] == "ok"
    )
    assert client.get("/v1/info").json()["limits"]["max_reference_bytes"] == 65536


def test_deeply_nested_key_steps_fail_their_group_not_the_request(client):
    deep = "[" * 1000 + "]" * 1000
    before = client.get("/metrics").text.count('code="500"')
    body = score(client, [group([GENUINE], key_steps=deep), group([GENUINE, WRONG_ANSWER])])
    bad, good = body["groups"]
    assert (
        bad["status"] == "error"
        and bad["detail"].startswith("reference unusable")
        and bad["results"][0]["status"] == "error"
    )
    assert [r["status"] for r in good["results"]] == ["ok", "ok"]
    label = '{"answer": "5", "key_steps": ' + deep + "}"
    r = client.post("/v1/openrlhf", json={"query": ["a"], "labels": [label]})
    assert r.status_code == 422 and "nested" in r.text
    assert client.get("/metrics").text.count('code="500"') == before == 0


def test_version_follows_score_affecting_options_only(client):
    base = score(client, [group(["x"])])["version"]
    assert score(client, [group(["x"])], options={"explain": True})["version"] == base
    assert score(client, [group(["x"])], options={"alpha": 0.2})["version"] != base
    assert score(client, [group(["x"])], options={"stuffing_guard": False})["version"] != base
    assert score(client, [group(["x"])], profile="r1vl-reference")["version"].startswith("r1vl-reference-")
    info = client.get("/v1/info").json()
    assert info["profiles"]["stepgrpo"]["version"] == base


def test_info_lists_profiles_defaults_and_limits(client):
    info = client.get("/v1/info").json()
    assert set(info["profiles"]) == {"stepgrpo", "r1vl-reference"}
    assert info["default_profile"] == "stepgrpo"
    assert info["default_options"] == {
        "alpha": 0.1,
        "advantage": "group",
        "epsilon": 1e-4,
        "unbiased_std": True,
        "stuffing_guard": None,
        "explain": False,
        "unscored": "lowest",
    }
    assert (
        info["limits"]["max_groups"] == 8
        and info["limits"]["max_reference_bytes"] == 65536
        and info["deadline_seconds"] == 2.0
    )


def test_health_readiness_and_metrics(client):
    assert client.get("/healthz").json() == {"status": "alive"}
    assert client.get("/readyz").json() == {"status": "ready", "workers": 2}
    score(client, [group([GENUINE])])
    text = client.get("/metrics").text
    for name in (
        "reward_requests_total",
        "reward_request_seconds_bucket",
        "reward_trajectory_seconds_bucket",
        "reward_trajectories_total",
        "reward_timeouts_total",
        "reward_worker_restarts_total",
        "reward_in_flight_requests",
        "reward_workers_ready 2.0",
    ):
        assert name in text, name


def test_openrlhf_protocol(client):
    prompt = "<|im_start|>user\nHow long is AC?<|im_end|>\n<|im_start|>assistant\n"
    label = json.dumps({"answer": "5", "key_steps": [["AB = 3"], ["BC = 4"], ["pythagorean theorem"], ["AC = 5"]]})
    body = {
        "query": [prompt + GENUINE, prompt + WRONG_ANSWER, "other prompt" + GENUINE],
        "prompts": [prompt, prompt, "other prompt"],
        "labels": [label, label, "7"],
    }
    r = client.post("/v1/openrlhf", json=body)
    assert r.status_code == 200, r.text
    out = OpenRLHFResponse.model_validate(r.json())
    direct = score(
        client,
        [
            group([GENUINE, WRONG_ANSWER], key_steps=[["AB = 3"], ["BC = 4"], ["pythagorean theorem"], ["AC = 5"]]),
            group([GENUINE], answer="7", key_steps=None),
        ],
    )
    assert out.rewards == [r["reward"] for g in direct["groups"] for r in g["results"]]
    assert out.scores == out.rewards and out.extra_logs["scored"] == [1.0, 1.0, 1.0]
    assert client.post("/v1/openrlhf", json={"query": ["a"], "prompts": ["a", "b"]}).status_code == 422
    assert client.post("/v1/openrlhf?profile=nope", json={"query": ["a"]}).status_code == 422
    assert client.post("/v1/openrlhf", json={"query": []}).json() == {"rewards": [], "scores": [], "extra_logs": {}}


def test_many_concurrent_requests_all_answered(server):
    import concurrent.futures

    payload = {"groups": [group([GENUINE, WRONG_ANSWER, STUFFED, NO_STEPS]) for _ in range(4)]}

    def call(_):
        return httpx.post(server.url + "/v1/score", json=payload, timeout=120).json()["stats"]

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        stats = list(ex.map(call, range(16)))
    assert all(s["trajectories"] == 16 and s["ok"] == 16 for s in stats)


def test_pathological_text_is_scored_not_timed_out(client):
    """Inputs built to make regular expressions backtrack end in ``ok`` well inside the deadline."""
    hostile = [
        " " * 15000 + "x",
        "###" + " \t" * 7000 + "x",
        "### Step 1: 1*10^" + " " * 15000 + "x",
        "### Step 1: 5^" + " " * 15000 + "{x",
        "**" + " " * 15000 + "Step",
        "### Step 1: " + "\\frac{" * 3000,
        "\r\n" * 8000,
    ]
    body = score(client, [group(hostile)])
    assert [r["status"] for r in body["groups"][0]["results"]] == ["ok"] * len(hostile)


def test_group_order_does_not_change_any_group(client):
    groups = [
        group([GENUINE, WRONG_ANSWER], group_id="a"),
        group([STUFFED, NO_STEPS, GENUINE], group_id="b"),
        group([WRONG_ANSWER, WRONG_ANSWER], group_id="c"),
    ]
    forward = {g["group_id"]: g for g in score(client, groups)["groups"]}
    backward = {g["group_id"]: g for g in score(client, groups[::-1])["groups"]}
    assert forward == backward


def test_a_lone_surrogate_fails_only_its_completion_or_group(client):
    """JSON may escape a lone surrogate (``"\\ud800"``), which is not Unicode: that completion (or the
    group whose reference holds one) gets an error naming it, the rest of the batch is scored."""
    raw = json.dumps(
        {
            "groups": [
                group([GENUINE, "### Step 1:\nAB = 3 \ud800\n### The final answer is: 5", WRONG_ANSWER]),
                group([GENUINE], answer="5\udfff"),
            ]
        }
    ).encode()
    assert b"\\ud800" in raw
    r = client.post("/v1/score", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    first, second = r.json()["groups"]
    assert [x["status"] for x in first["results"]] == ["ok", "error", "ok"]
    assert first["results"][1]["detail"] == "completion is not valid Unicode: a lone surrogate (U+D800) at character 19"
    assert first["results"][0]["reward"] > first["results"][2]["reward"]
    assert second["status"] == "error" and "lone surrogate (U+DFFF)" in second["detail"]
    r = client.post(
        "/v1/score",
        content=raw.replace(b'"completions"', b'"completion"', 1),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:2] == ["groups", 0]


def test_key_steps_object_without_a_steps_key_fails_its_group_naming_the_field(client):
    body = score(client, [group([GENUINE], key_steps={"foo": "bar"}), group([GENUINE])])
    bad, fine = body["groups"]
    assert bad["status"] == "error" and "reference.key_steps" in bad["detail"] and "'foo'" in bad["detail"]
    assert [r["status"] for r in bad["results"]] == ["error"] and fine["status"] == "ok"


def test_openrlhf_list_label_is_refused_naming_the_field(client):
    r = client.post("/v1/openrlhf", json={"query": ["a", "b"], "labels": ["5", ["5"]]})
    assert r.status_code == 422 and "labels[1]" in r.text and "list" in r.text


def test_openrlhf_errors_are_placed_by_their_field(client):
    """The location comes from the error's field (service.scoring.contract.FieldError), not from its text."""
    cases = [
        ({"query": ["a", "b"], "labels": ["5", ["5"]]}, ["body", "labels[1]"]),
        ({"query": ["a"], "labels": ["5", "6"]}, ["body", "labels"]),
        ({"query": ["a", "b"], "prompts": ["p"]}, ["body", "prompts"]),
        ({"query": ["a"], "labels": ['{"answer": "5", "choices": 7}']}, ["body", "labels[0]"]),
    ]
    for body, loc in cases:
        r = client.post("/v1/openrlhf", json=body)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == loc, r.text


def test_published_reference_forms_are_read_under_stepgrpo(client):
    """``B: 45`` is option B (a completion answering B or 45 is right); an empty answer is the solution's."""
    answering = [GENUINE.replace("answer is: 5", f"answer is: {a}") for a in ("B", "45", "A")]
    body = score(
        client,
        [
            group(answering, answer="B: 45", key_steps=None),
            group([GENUINE], answer="", key_steps=None, solution="Because AC = 5.\nAnswer: 5"),
        ],
    )
    first, second = body["groups"]
    assert [r["answer_correct"] for r in first["results"]] == [True, True, False]
    assert second["status"] == "ok" and second["results"][0]["answer_correct"] is True
