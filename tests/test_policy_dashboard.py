"""The policy-behaviour dashboard and alert rules read metrics the server exports, per run, and the rules parse."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from tests.test_behaviour_metrics import batch

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "policy.json"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
PROMTOOL = os.environ.get("PROMTOOL") or shutil.which("promtool")


def _exprs() -> dict[str, list[str]]:
    dashboard = json.loads(DASHBOARD.read_text())
    panels = {p["title"]: [t["expr"] for t in p["targets"]] for p in dashboard["panels"]}
    rules = yaml.safe_load(ALERTS.read_text())["groups"][0]["rules"]
    return {**panels, **{r["alert"]: [r["expr"]] for r in rules}}


def _exported(server) -> dict[str, set[str]]:
    """Metric family -> its label names, from a scored request's /metrics (so the labelled series exist)."""
    response = httpx.post(server.url + "/v1/score", json={"groups": batch()[:4], "run": "dash"}, timeout=120)
    assert response.status_code == 200, response.text
    text = httpx.get(server.url + "/metrics").text
    labels: dict[str, set[str]] = {}
    for name, body in re.findall(r"^(reward_[a-z_]+)\{([^}]*)\}", text, re.M):
        family = re.sub(r"_(bucket|count|sum|total)$", "", name)
        labels.setdefault(family, set()).update(re.findall(r'(\w+)="', body))
    return labels


def test_every_panel_and_rule_queries_metrics_and_labels_that_exist(server):
    exported = _exported(server)
    for title, exprs in _exprs().items():
        for expr in exprs:
            names = re.findall(r"\b(reward_[a-z_]+)", expr)
            assert names, (title, expr)
            for name in names:
                family = re.sub(r"_(bucket|count|sum|total)$", "", name)
                assert family in exported, (title, name)
                used = set(re.findall(r'(\w+)\s*(?:=~|!=|=)\s*"', expr))
                used |= {w.strip() for by in re.findall(r"\bby \(([^)]*)\)", expr) for w in by.split(",")}
                used |= {w.strip() for on in re.findall(r"\bon \(([^)]*)\)", expr) for w in on.split(",")}
                assert used - {"le"} <= set().union(*exported.values()), (title, used)


def test_the_dashboard_shows_each_behaviour_per_run():
    dashboard = json.loads(DASHBOARD.read_text())
    assert {v["name"] for v in dashboard["templating"]["list"]} == {"run", "profile"}
    exprs = _exprs()
    panel_exprs = [e for p in dashboard["panels"] for e in (t["expr"] for t in p["targets"])]
    assert all('run=~"$run"' in e for e in panel_exprs)
    joined = " ".join(panel_exprs)
    for metric in (
        "reward_policy_score_sum",
        'outcome="hedge"',
        "reward_policy_validity_failures_total",
        "reward_policy_key_steps_uncredited_total",
        "reward_policy_zero_variance_groups_total",
    ):
        assert metric in joined, metric
    assert {"RewardHedgeRateRising", "RewardValidityCollapsing", "RewardZeroVarianceGroupsHigh"} <= set(exprs)
    assert "RewardUnscoredCompletions" in exprs
    assert (
        DASHBOARD.name != "reward.json"
        and json.loads((DASHBOARD.parent / "reward.json").read_text())["uid"] != (dashboard["uid"])
    )


def test_the_alert_rules_follow_the_rule_schema():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == [ALERTS.name]
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"} and {"alert", "expr"} <= set(rule)
            assert re.fullmatch(r"\d+[smh]", rule["for"]) and rule["expr"].count("(") == rule["expr"].count(")")


@pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed (Debian: the prometheus package; or PROMTOOL)")
def test_promtool_checks_the_rules_and_the_config_and_each_alert_fires():
    checks = (
        ["check", "rules", str(ALERTS)],
        ["check", "config", str(DEPLOY / "prometheus" / "prometheus.yml")],
        ["test", "rules", str(DEPLOY / "prometheus" / "alerts_test.yml")],  # each alert fires on its shape
    )
    for args in checks:
        done = subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
