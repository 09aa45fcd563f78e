"""Every install path the README and docs/ give, replayed in a fresh venv with exactly that install, then the
command it is for: ``make serve`` and, beside it, ``make demo`` (two steps) in a fresh copy of the checkout;
``pip install '.[client]'`` and the Python client snippet over both transports; ``'.[trl]'`` (after
``torch==2.13.0``, as the README says) and TRL's trainer with the adapter scoring; ``'.[data]'`` and the data
tools' commands as docs/data-tools.md runs them; ``'.[ray]'`` and docs/deployment.md's ``serve run
service.ray_serve:app --name reward``, called over HTTP and through examples/ray_handle.py's handle. ``make test``
installs every extra at once, so a dependency an extra forgets (httpx in ``[trainer]``) shows only here.

The wheels (the project's and its extras' dependencies) are built once for the module and every venv, the
one make creates included, installs from them alone. ``pip install .`` alone (the image's path) is
tests/test_image_install.py's.
"""

from __future__ import annotations

import json
import re
import shutil

import httpx
import pytest

from .conftest import ROOT, free_port
from .doc_pages import all_text
from .fresh_install import (
    RAY_LOOPBACK,
    SERVE_HTTP_PORT,
    TORCH,
    clean_environment,
    copy_checkout,
    documented_serve_run,
    fresh_venv,
    handle_example_group,
    pip_environment,
    port_is_free,
    run,
    serve_running,
    serving,
    wheelhouse,
)
from .samples import GENUINE, RIGHT_TRIANGLE_KEY_STEPS, WRONG_ANSWER, group
from .test_readme import client_example

DEMO_STEPS = 2


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    return wheelhouse(tmp_path_factory.mktemp("wheels"), "client,data,trl,trainer,ray")


def where_it_imports(python, cwd) -> dict:
    """Where ``service`` comes from and whether torch is there, as the venv's python sees it."""
    code = (
        "import importlib.util as u, json, service; print(json.dumps([service.__file__, bool(u.find_spec('torch'))]))"
    )
    path, torch = json.loads(run([str(python), "-c", code], cwd, clean_environment()))
    return {"service": path, "torch": torch}


def rewards(server_url: str, completions: list[str]) -> list[float]:
    body = httpx.post(server_url + "/v1/score", json={"groups": [group(completions)]}, timeout=60).json()
    return [r["reward"] for r in body["groups"][0]["results"]]


@pytest.mark.timeout(1800)
def test_make_serve_installs_the_server_alone_and_make_demo_beside_it_trains(wheels, tmp_path):
    """The README's quick start in a fresh copy: `make serve` creates .venv with the server's dependencies only
    (no torch) and serves HTTP and gRPC; `.venv/bin/python -m service` then works on its own; and with
    `make serve` running, `make demo` adds the trainer's extra to the same .venv and trains (two steps here)."""
    checkout = copy_checkout(tmp_path / "checkout")
    env = pip_environment(wheels.folder)
    # the install step first (what `make serve` does before serving), so the ports picked below are not
    # left for minutes for another process to take
    run(["make", ".venv/.server"], checkout, env)
    python = checkout / ".venv" / "bin" / "python"
    assert not where_it_imports(python, checkout)["torch"], "make serve installs the server alone"
    port, grpc_port = free_port(), free_port()
    argv = [str(python), "-m", "service", "--host", "127.0.0.1", "--port", str(port), "--grpc-port", str(grpc_port)]
    with serving(argv, checkout, env, port, grpc_port, 120):
        pass

    port, grpc_port = free_port(), free_port()
    with serving(["make", "serve", f"PORT={port}", f"GRPC_PORT={grpc_port}"], checkout, env, port, grpc_port, 300):
        demo = ["make", "demo", f"PORT={port}", f"DEMO_ARGS=--steps {DEMO_STEPS} --warmup-steps 2"]
        out = run(demo, checkout, env, timeout=1500)
    assert "done: metrics in runs/demo/metrics.jsonl" in out, out[-3000:]
    assert f"steps 1-{DEMO_STEPS}: reward " in out and "step=" not in out, "a summary, not every step's metrics"
    lines = (checkout / "runs" / "demo" / "metrics.jsonl").read_text().splitlines()
    metrics = [json.loads(line) for line in lines]
    assert [m["step"] for m in metrics] == list(range(1, DEMO_STEPS + 1))
    assert all(m["unscored"] == 0 and 0 <= m["reward"] <= 2.1 for m in metrics), metrics


@pytest.mark.timeout(900)
def test_client_extra_runs_the_python_client_snippet_with_either_url(wheels, server, tmp_path):
    python = fresh_venv(tmp_path / "venv", wheels.folder, f"{wheels.project}[client]")
    imported = where_it_imports(python, tmp_path)
    assert imported["service"].startswith(str(tmp_path / "venv")) and not imported["torch"], imported
    code = client_example()
    for url in ("grpc://" + server.grpc_target, server.url):
        out = run([str(python), "-c", code.replace("grpc://127.0.0.1:50051", url)], tmp_path, clean_environment())
        lines = out.splitlines()
        assert lines[0].startswith(str([2.1, 0.0])), (url, out)
        assert sorted(lines[1:]) == [f"q-1 {[2.1, 0.0]}", f"q-2 {[2.1, 0.0]}"], (url, out)


@pytest.mark.timeout(1200)
def test_trl_extra_after_cpu_torch_imports_trls_trainer_and_the_adapter_scores(wheels, server, tmp_path):
    python = fresh_venv(tmp_path / "venv", wheels.folder, TORCH, f"{wheels.project}[trl]")
    script = (
        "import json, sys, torch\n"
        "from trl import GRPOConfig, GRPOTrainer\n"
        "from stepgrpo_reward.trl import AsyncStepGRPOReward, StepGRPOReward\n"
        "completions, key_steps = json.loads(sys.argv[2]), json.loads(sys.argv[3])\n"
        "reward = StepGRPOReward(sys.argv[1])\n"
        "n = len(completions)\n"
        "got = reward(prompts=['q'] * n, completions=completions, answer=['5'] * n, key_steps=[key_steps] * n)\n"
        "print(json.dumps({'torch': torch.__version__, 'rewards': got}))\n"
    )
    completions = [GENUINE, WRONG_ANSWER]
    argv = [str(python), "-c", script, server.url, json.dumps(completions), json.dumps(RIGHT_TRIANGLE_KEY_STEPS)]
    out = json.loads(run(argv, tmp_path, clean_environment()).splitlines()[-1])
    assert out["torch"] == TORCH.split("==")[1] + "+cpu", "the extra keeps the CPU torch installed first"
    assert out["rewards"] == rewards(server.url, completions)


@pytest.mark.timeout(900)
def test_data_extra_runs_the_data_tools_as_documented(wheels, tmp_path):
    python = fresh_venv(tmp_path / "venv", wheels.folder, f"{wheels.project}[data]")
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples" / "data", work / "examples" / "data")
    block = re.search(r"```bash\n(\.venv/bin/python -m service\.data extract .*?)\n```", all_text(), re.S).group(1)
    out = ""
    for line in block.splitlines():
        out += run(["bash", "-c", line.replace(".venv/bin/python", str(python))], work, clean_environment())
    assert re.search(r"^mean reward +\d", out, re.M) and (work / "runs" / "data" / "rewards.png").stat().st_size
    assert (work / "runs" / "data" / "train.jsonl").read_text().count("\n") >= 1


@pytest.mark.ray
@pytest.mark.timeout(1200)
def test_ray_extra_serves_the_documented_app_over_http_and_the_handle(wheels, server, tmp_path):
    """``pip install '.[ray]'`` alone, then ``serve run service.ray_serve:app --name reward`` (one replica, on a
    Ray it starts on 127.0.0.1) from a folder without the checkout: Serve's proxy on :8000 answers as the
    standalone server does, and examples/ray_handle.py finds the app by name from another process."""
    if not port_is_free(SERVE_HTTP_PORT):
        pytest.skip(f"port {SERVE_HTTP_PORT}, which `serve run` binds, is taken")
    python = fresh_venv(tmp_path / "venv", wheels.folder, f"{wheels.project}[ray]")
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work / "examples", ignore=shutil.ignore_patterns("data"))
    imported = where_it_imports(python, work)
    assert imported["service"].startswith(str(tmp_path / "venv")) and not imported["torch"], imported
    env = clean_environment() | RAY_LOOPBACK
    body = {"groups": [group([GENUINE, WRONG_ANSWER])], "options": {"explain": True}}
    with serve_running(python.parent / "serve", documented_serve_run(), work, env, tmp_path / "serve.log"):
        served = httpx.post(f"http://127.0.0.1:{SERVE_HTTP_PORT}/v1/score", json=body, timeout=60)
        example = run([str(python), "examples/ray_handle.py", "--address", "auto"], work, env, timeout=300)
    assert served.status_code == 200, served.text
    standalone = httpx.post(server.url + "/v1/score", json=body, timeout=60).json()
    assert served.json()["groups"] == standalone["groups"], "the same scores and explanations as the server"
    handle_example_group(example)
