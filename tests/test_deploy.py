"""Deployment files, validated offline (no Docker engine here): compose, Dockerfile, Kubernetes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT
from .samples import GENUINE, group

BIN = Path(sys.executable).parent
DEPLOY = ROOT / "deploy"


def tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN))
    assert path, f"{name} is installed into .venv by the test extra"
    return path


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("profiles", [[], ["demo"], ["monitoring"], ["demo", "monitoring"]])
def test_compose_file_is_valid(profiles):
    flags = [f for p in profiles for f in ("--profile", p)]
    result = run(tool("docker-compose"), "-f", "docker-compose.yml", *flags, "config", "--quiet")
    assert result.returncode == 0, result.stderr


def test_compose_trainer_waits_for_readiness_itself_as_podman_compose_has_no_health_gate():
    """podman-compose on podman 4 cannot wait on `condition: service_healthy`: the trainer runs
    deploy/wait_for_ready.py on the service's /readyz first, the same on both engines."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "profiles" not in services["reward"] and "/readyz" in " ".join(services["reward"]["healthcheck"]["test"])
    assert "service_healthy" not in (ROOT / "docker-compose.yml").read_text()
    command = services["trainer"]["command"]
    assert services["trainer"]["profiles"] == ["demo"] and services["trainer"]["depends_on"] == ["reward"]
    assert command[:5] == ["python", "/usr/local/bin/wait_for_ready.py", "http://reward:8000/readyz", "--", "python"]
    assert "http://reward:8000" in command[5:]
    trainer = (DEPLOY / "Dockerfile").read_text().split("AS trainer", 1)[1]
    assert "COPY deploy/wait_for_ready.py /usr/local/bin/wait_for_ready.py" in trainer
    assert services["prometheus"]["profiles"] == services["grafana"]["profiles"] == ["monitoring"]


def test_dockerfile_is_hadolint_clean():
    result = run(tool("hadolint"), "deploy/Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_server_image_runs_unprivileged_with_a_healthcheck_and_no_torch():
    text = (DEPLOY / "Dockerfile").read_text()
    server = text.split("AS server", 1)[1].split("FROM ", 1)[0]
    assert "USER 10001" in server and "HEALTHCHECK" in server and "/healthz" in server
    assert "EXPOSE 8000 50051" in server and "torch" not in server and "[trainer]" not in server


def test_kubernetes_manifests_match_their_schemas():
    result = run(tool("kubernetes-validate"), "--strict", *sorted(str(p) for p in (DEPLOY / "k8s").glob("*.yaml")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_kubernetes_probes_and_ports_point_at_the_service():
    manifests = {p.stem: yaml.safe_load(p.read_text()) for p in (DEPLOY / "k8s").glob("*.yaml")}
    assert set(manifests) == {"deployment", "service", "hpa", "pdb"}
    container = manifests["deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert (
        container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        and container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    )
    assert {p["containerPort"] for p in container["ports"]} == {8000, 50051}
    assert {p["port"] for p in manifests["service"]["spec"]["ports"]} == {8000, 50051}
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["REWARD_WORKERS"] == str(container["resources"]["requests"]["cpu"])
    assert manifests["hpa"]["spec"]["scaleTargetRef"]["name"] == manifests["deployment"]["metadata"]["name"]


def test_every_environment_variable_the_deployments_set_is_a_real_setting():
    from dataclasses import fields

    from service.ops.auth import TOKEN_ENV
    from service.ops.config import ENV_PREFIX, Config

    known = {ENV_PREFIX + f.name.upper() for f in fields(Config)} | {TOKEN_ENV}
    text = (
        (ROOT / "docker-compose.yml").read_text()
        + (DEPLOY / "Dockerfile").read_text()
        + (DEPLOY / "k8s" / "deployment.yaml").read_text()
    )
    used = set(re.findall(r"\bREWARD_[A-Z_]+", text))
    assert used and used <= known, used - known


def test_dashboard_and_scrape_config_use_metrics_the_server_exports(server):
    import httpx

    families = set(re.findall(r"^# TYPE (\S+)", httpx.get(server.url + "/metrics").text, re.M))
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "reward.json").read_text())
    names = {
        n for panel in dashboard["panels"] for t in panel["targets"] for n in re.findall(r"\breward_[a-z_]+", t["expr"])
    }
    assert names and {re.sub(r"_(bucket|count|sum)$", "", n) for n in names} <= families, names
    scrape = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())["scrape_configs"][0]
    assert scrape["metrics_path"] == "/metrics" and scrape["static_configs"][0]["targets"] == ["reward:8000"]


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    """A checkout that ran `make install` has .venv and generated stubs: neither may reach the image."""
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert {".venv", "service/rewardpb", ".git", "runs", "**/__pycache__"} <= ignored, ignored
    copied = re.findall(r"^COPY (?!--from)(.+?) \S+$", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert not {w for line in copied for w in line.split()} & ignored, "the Dockerfile copies an ignored path"


def pip_installs(target: str) -> list[str]:
    """The pip install commands `make <target>` runs on a fresh checkout (a dry run: nothing executes)."""
    printed = run("make", "--dry-run", "--always-make", target).stdout.splitlines()
    return [line for line in printed if "pip install" in line]


CPU_TORCH = "--index-url 'https://download.pytorch.org/whl/cpu' 'torch==2.13.0'"


def test_make_serve_installs_the_server_alone():
    installs = pip_installs("serve")
    assert len(installs) == 1 and installs[0].endswith(" -e ."), installs


def test_make_test_and_demo_take_torch_from_the_cpu_index_before_the_extras():
    for target, extras in (("test", {"test", "trainer", "trl", "ray", "data"}), ("demo", {"trainer"})):
        installs = pip_installs(target)
        assert installs[0].endswith(CPU_TORCH), installs
        named = re.search(r"-e '\.\[([a-z,]+)\]'$", installs[1]).group(1).split(",")
        assert len(installs) == 2 and set(named) >= extras, installs
    assert "test" not in pip_installs("demo")[1]


def test_trainer_image_takes_torch_from_a_build_arg_defaulting_to_the_cpu_index():
    trainer = (DEPLOY / "Dockerfile").read_text().split("AS trainer", 1)[1]
    assert "ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu" in trainer
    assert 'pip install --no-cache-dir --index-url "$TORCH_INDEX" torch==2.13.0' in trainer
    build = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["trainer"]["build"]
    assert build["args"]["TORCH_INDEX"] == "${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"^(make test)\s+#", readme, re.M).group(1)
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci and ci[-1] == command, ci[-3:]


def container_env(container: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["env"]}


def deployment_container() -> dict:
    deployment = yaml.safe_load((DEPLOY / "k8s" / "deployment.yaml").read_text())
    return deployment["spec"]["template"]["spec"]["containers"][0]


def mebibytes(quantity: str) -> int:
    units = {"Mi": 1, "Gi": 1024}
    return int(quantity[:-2]) * units[quantity[-2:]]


def test_kubernetes_probes_tolerate_a_slow_answer_under_load():
    container = deployment_container()
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["failureThreshold"] >= 3 and container[probe]["timeoutSeconds"] >= 5, probe


def test_kubernetes_workers_memory_caps_fit_in_the_pods_limit_with_room_for_the_server():
    """Each worker's cap times the workers, plus 512 MiB for the server process, forkserver and resource
    tracker (about 170 MiB resident here), within the pod's limit: the worker's own limit acts first."""
    container = deployment_container()
    env = container_env(container)
    workers, cap = int(env["REWARD_WORKERS"]), int(env["REWARD_WORKER_MEMORY_MB"])
    assert cap > 0 and workers * cap + 512 <= mebibytes(container["resources"]["limits"]["memory"])


def test_compose_publishes_on_loopback_unless_told_and_grafana_requires_a_login():
    compose = ROOT / "docker-compose.yml"
    for env, host in (({}, "127.0.0.1"), ({"STEPGRPO_BIND": "0.0.0.0"}, "0.0.0.0")):
        argv = [
            tool("docker-compose"),
            "-f",
            str(compose),
            "--profile",
            "demo",
            "--profile",
            "monitoring",
            "config",
            "--format",
            "json",
        ]
        environ = {k: v for k, v in os.environ.items() if k != "STEPGRPO_BIND"} | env
        result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, env=environ)
        assert result.returncode == 0, result.stderr
        services = json.loads(result.stdout)["services"]
        published = [p for s in services.values() for p in s.get("ports", [])]
        assert len(published) == 4 and {p["host_ip"] for p in published} == {host}, published
    grafana = services["grafana"]["environment"]
    assert grafana["GF_AUTH_ANONYMOUS_ENABLED"] == "false" and "GF_AUTH_ANONYMOUS_ORG_ROLE" not in grafana


def test_metrics_split_latency_by_status_and_time_trajectories_from_50_microseconds(server):
    import httpx

    httpx.post(server.url + "/v1/score", json={"groups": "not a list"}, timeout=30)
    httpx.post(server.url + "/v1/score", json={"groups": [group([GENUINE])]}, timeout=30)
    text = httpx.get(server.url + "/metrics", timeout=30).text
    codes = set(re.findall(r'^reward_request_seconds_count\{code="(\d+)",endpoint="score"\}', text, re.M))
    assert {"200", "422"} <= codes, codes
    buckets = re.findall(r'^reward_trajectory_seconds_bucket\{le="([^"]+)"\}', text, re.M)
    assert float(buckets[0]) == 5e-05, buckets[:3]


def test_dashboard_shows_requests_by_status_code_and_answered_latency():
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "reward.json").read_text())
    exprs = {panel["title"]: [t["expr"] for t in panel["targets"]] for panel in dashboard["panels"]}
    by_code = [title for title, e in exprs.items() if any("reward_requests_total" in x and "by (code)" in x for x in e)]
    assert by_code, exprs
    latency = [x for e in exprs.values() for x in e if "reward_request_seconds_bucket" in x]
    assert latency and all('code="200"' in x for x in latency), latency
