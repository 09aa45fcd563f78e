"""The Ray Serve app on a real local Ray (127.0.0.1, 2 CPUs), against the standalone server.

One Ray instance and one Serve app for the whole module (starting Ray costs ~10 s and ~1 GB): the app is
deploy/ray/serve.yaml's, with the replica's CPUs scaled down to fit and the test server's limits.
Deselect with ``-m "not ray"``.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client import CollectorRegistry, Counter

from .conftest import LIMIT_FLAGS, ROOT, free_port
from .samples import GENUINE, NO_STEPS, POWER_TOWER, STUFFED, WRONG_ANSWER, group

ray = pytest.importorskip("ray", reason="needs the [ray] extra: pip install -e '.[ray]'")
serve = pytest.importorskip("ray.serve")
from ray.serve.schema import ServeDeploySchema  # noqa: E402

from service.ops.config import Config  # noqa: E402
from service.ray_serve import (  # noqa: E402
    SETTINGS,
    RayMetricsMirror,
    RequestError,
    RewardService,
    build,
    replica_config,
)

pytestmark = pytest.mark.ray

CONFIG = yaml.safe_load((ROOT / "deploy" / "ray" / "serve.yaml").read_text())
STANDALONE = {"workers": 2, "deadline": 2.0} | {
    flag[2:].replace("-", "_"): int(value) for flag, value in zip(LIMIT_FLAGS[::2], LIMIT_FLAGS[1::2], strict=True)
}
"""The ``server`` fixture's settings; the Ray replica gets the same, but for its workers."""

BATCH = {
    "groups": [
        group([GENUINE, WRONG_ANSWER, NO_STEPS, STUFFED, ""], group_id="triangle"),
        group([GENUINE, POWER_TOWER], answer=""),  # an unusable reference fails this group alone
        {
            "reference": {"answer": "B", "choices": {"A": "3", "B": "5"}},
            "completions": ["### The final answer is: B", "### The final answer is: (A)"],
        },
    ],
    "options": {"explain": True},
}


def _without_timing(response: dict) -> dict:
    response = copy.deepcopy(response)
    response["stats"].pop("elapsed_ms")
    return response


@pytest.fixture(scope="module")
def ray_app():
    """The serve.yaml app on a local Ray: its HTTP URL through Serve's proxy, its deployment handle,
    and the node's Ray metrics export."""
    app_config = CONFIG["applications"][0]
    options = copy.deepcopy(app_config["deployments"][0])
    options.pop("name")
    options["ray_actor_options"]["num_cpus"] = 1
    # Two replicas at most on the 2 CPUs. Scaling up takes 5 s of load over the target: the scale-up test keeps
    # it that long, while the earlier tests' short bursts (slow on a loaded machine) must not start a second
    # replica before it (CI saw 2 replicas at its start).
    options["autoscaling_config"].update(max_replicas=2, upscale_delay_s=5)
    port, metrics_port = free_port(), free_port()
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        _metrics_export_port=metrics_port,
        log_to_driver=False,
    )
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        args = {**app_config["args"], **{k: v for k, v in STANDALONE.items() if k != "workers"}}
        handle = serve.run(
            RewardService.options(**options).bind(**args),
            name=app_config["name"],
            route_prefix=app_config["route_prefix"],
        )
        yield f"http://127.0.0.1:{port}", handle, f"http://127.0.0.1:{metrics_port}/metrics"
    finally:
        serve.shutdown()
        ray.shutdown()


def test_config_file_is_a_valid_serve_config_for_this_app():
    schema = ServeDeploySchema.model_validate(CONFIG)
    (app,) = schema.applications
    module, attr = app.import_path.split(":")
    assert getattr(importlib.import_module(module), attr) is build
    assert set(app.args) <= set(SETTINGS)
    assert [d.name for d in app.deployments] == [RewardService.name]
    autoscaling = app.deployments[0].autoscaling_config
    assert autoscaling["min_replicas"] <= autoscaling["max_replicas"] and autoscaling["target_ongoing_requests"] > 0


def test_app_args_are_settings_converted_from_the_command_line():
    assert replica_config({"workers": "3", "deadline": "2.5", "max_groups": 8}) == Config(
        workers=3, deadline=2.5, max_groups=8
    )
    with pytest.raises(ValueError, match="port"):
        replica_config({"workers": 1, "port": 9000})
    with pytest.raises(ValueError, match="--deadline must be positive"):
        replica_config({"workers": 1, "deadline": 0})
    with pytest.raises(ValueError, match="--max-groups.*invalid int"):
        replica_config({"workers": 1, "max_groups": "many"})


def test_http_through_serve_proxy_answers_as_the_standalone_server(server, ray_app):
    url, _, _ = ray_app
    with httpx.Client(timeout=60) as client:
        for path, body in [
            ("/v1/score", BATCH),
            ("/score", BATCH),
            (
                "/v1/openrlhf",
                {
                    "query": ["Q: 3+2? ### The final answer is: 5", "Q: 3+2? 6"],
                    "prompts": ["Q: 3+2? ", "Q: 3+2? "],
                    "labels": ["5", "5"],
                },
            ),
            ("/v1/score", {"groups": [{"reference": {"answer": "5"}, "completions": [5]}]}),  # 422
            ("/v1/score", {"groups": [group(["x"] * 17)]}),
        ]:  # 413: over --max-completions-per-group
            standalone, ray_served = client.post(server.url + path, json=body), client.post(url + path, json=body)
            assert ray_served.status_code == standalone.status_code, path
            if standalone.status_code == 200 and "stats" in standalone.json():
                assert _without_timing(ray_served.json()) == _without_timing(standalone.json())
            else:
                assert ray_served.json() == standalone.json()
        statuses = [
            r["status"] for g in client.post(url + "/v1/score", json=BATCH).json()["groups"] for r in g["results"]
        ]
        assert statuses == ["ok"] * 5 + ["error"] * 2 + ["ok"] * 2


def test_handle_scores_as_the_standalone_server(server, ray_app):
    _, handle, _ = ray_app
    standalone = httpx.post(server.url + "/v1/score", json=BATCH, timeout=60).json()
    assert _without_timing(handle.score.remote(BATCH).result()) == _without_timing(standalone)
    openrlhf = {"query": ["### The final answer is: 5", "### The final answer is: 4"], "labels": ["5", "5"]}
    assert (
        handle.openrlhf.remote(openrlhf).result()
        == httpx.post(server.url + "/v1/openrlhf", json=openrlhf, timeout=60).json()
    )
    with pytest.raises(RequestError, match=r"422: groups\.0\.completions\.0"):
        handle.score.remote({"groups": [{"reference": {"answer": "5"}, "completions": [5]}]}).result()
    with pytest.raises(RequestError, match=r"413: groups\[0\]\.completions"):
        handle.score.remote({"groups": [group(["x"] * 17)]}).result()


def test_worked_example_scores_from_a_ray_task(server, ray_app):
    spec = importlib.util.spec_from_file_location("ray_handle_example", Path(ROOT, "examples", "ray_handle.py"))
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    groups = BATCH["groups"][:2]
    got = ray.get(example.rewards_and_advantages.remote(groups))
    standalone = httpx.post(server.url + "/v1/score", json={"groups": groups}, timeout=60).json()
    assert [g["advantages"] for g in got] == [g["advantages"] for g in standalone["groups"]]
    assert got[0]["rewards"] == [r["reward"] for r in standalone["groups"][0]["results"]]
    assert got[1]["rewards"] == [None, None]


def test_replica_health_metrics_and_pool_size(ray_app):
    url, handle, ray_metrics = ray_app
    handle.score.remote(BATCH).result()
    with httpx.Client(base_url=url, timeout=60) as client:
        assert client.get("/readyz").json() == {"status": "ready", "workers": 1}  # the replica's num_cpus
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/info").json()["workers"] == 1
        metrics = client.get("/metrics").text
    assert 'reward_requests_total{code="200",endpoint="score_handle"}' in metrics
    assert "reward_workers_ready 1.0" in metrics
    deployment = serve.status().applications[CONFIG["applications"][0]["name"]].deployments[RewardService.name]
    assert deployment.status == "HEALTHY" and deployment.replica_states.get("RUNNING", 0) >= 1
    mirrored = _ray_exported(ray_metrics, "ray_reward_requests_total", 'endpoint="score_handle"')
    assert mirrored and all('replica="' in line and float(line.rsplit(" ", 1)[1]) >= 1 for line in mirrored)


def test_a_run_gone_from_the_registry_leaves_rays_export(ray_app):
    """A run evicted from the policy-behaviour series (service.ops.behaviour.RecentNames removes its series from the
    registry) stops being mirrored, and Ray drops a gauge nobody sets (about two export intervals), so the node's
    export keeps no stale series of it while the runs still counted stay."""
    _, _, ray_metrics = ray_app

    class MirroredRuns:
        """A registry with a series per run, mirrored into Ray's metrics as a replica's is."""

        def __init__(self):
            self.registry = CollectorRegistry()
            self.counter = Counter("reward_mirror_probe", "mirrored runs", ["run"], registry=self.registry)
            self.mirror = RayMetricsMirror(self.registry, "probe")

        def count(self, run: str) -> None:
            self.counter.labels(run=run).inc()

        def forget(self, run: str) -> None:
            self.counter.remove(run)

        def export(self) -> None:
            self.mirror.export()

    runs = ray.remote(num_cpus=0)(MirroredRuns).remote()
    ray.get([runs.count.remote("kept"), runs.count.remote("evicted")])

    def exported_runs_once(want) -> set[str]:
        """The runs the node exports, once ``want`` holds of them (mirroring every second meanwhile), within 90 s."""
        end = time.monotonic() + 90
        while True:
            ray.get(runs.export.remote())
            try:
                text = httpx.get(ray_metrics, timeout=10).text
            except httpx.HTTPError:
                text = ""
            found = set(re.findall(r'^ray_reward_mirror_probe_total\{[^}]*run="([^"]+)"', text, re.M))
            if want(found) or time.monotonic() > end:
                return found
            time.sleep(1)

    assert exported_runs_once(lambda found: found == {"kept", "evicted"}) == {"kept", "evicted"}
    ray.get(runs.forget.remote("evicted"))
    assert exported_runs_once(lambda found: "evicted" not in found) == {"kept"}


def _ray_exported(url: str, name: str, label: str) -> list[str]:
    """The node's exported samples of ``name`` with ``label``, once Ray has exported them (within a minute)."""
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            lines = [
                line
                for line in httpx.get(url, timeout=10).text.splitlines()
                if line.startswith(name + "{") and label in line
            ]
        except httpx.HTTPError:
            lines = []
        if lines:
            return lines
        time.sleep(1)
    return []


def _running_replicas() -> int:
    deployment = serve.status().applications[CONFIG["applications"][0]["name"]].deployments[RewardService.name]
    return deployment.replica_states.get("RUNNING", 0)


def test_replicas_scale_up_under_load(ray_app):
    """Last in the module: it leaves two replicas running. Six callers keep about six requests in
    flight, over the target of two per replica, until the autoscaler starts the second replica."""
    url, _, _ = ray_app
    assert _running_replicas() == 1
    body = {"groups": [group([GENUINE, WRONG_ANSWER, NO_STEPS, STUFFED] * 4) for _ in range(2)]}
    stop = threading.Event()

    def keep_calling() -> set[int]:
        codes = set()
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                codes.add(client.post(url + "/v1/score", json=body).status_code)
        return codes

    with ThreadPoolExecutor(6) as callers:
        calls = [callers.submit(keep_calling) for _ in range(6)]
        try:
            end = time.monotonic() + 120
            while _running_replicas() < 2 and time.monotonic() < end:
                time.sleep(0.5)
        finally:
            stop.set()
        codes = set().union(*(c.result() for c in calls))
    assert _running_replicas() == 2
    assert codes == {200}
    with httpx.Client(base_url=url, timeout=60) as client:
        answers = [client.post("/v1/score", json=BATCH).json() for _ in range(6)]
    assert all(_without_timing(a) == _without_timing(answers[0]) for a in answers)


def test_every_documented_serve_run_names_the_app_that_the_handle_example_asks_for():
    """`serve run MODULE:app` names the app `default` unless told: examples/ray_handle.py, which looks up
    `reward`, failed after the documented command. The config file names it too."""
    import re

    from .doc_pages import all_text

    spec = importlib.util.spec_from_file_location("ray_handle", ROOT / "examples" / "ray_handle.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    assert CONFIG["applications"][0]["name"] == example.APP_NAME
    texts = all_text() + (ROOT / "service" / "ray_serve.py").read_text()
    runs = re.findall(r"serve run (\S+:\S+)([^\n#]*)", texts)
    assert runs
    for target, flags in runs:
        assert f"--name {example.APP_NAME}" in flags, f"serve run {target}{flags}"
