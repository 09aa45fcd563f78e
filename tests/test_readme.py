"""The examples of the README and the docs/ pages run against the real server and give what the pages show."""

from __future__ import annotations

import ast
import json
import re
import shlex
import subprocess
import sys
from dataclasses import fields

import httpx
import pytest

from .conftest import start_server
from .doc_pages import all_text, fenced_blocks, section
from .test_example_scripts import FACTS, openrlhf_parser

DOCS = all_text()


def test_readme_curl_example_scores_as_documented(server):
    example = re.search(r"```bash\n(curl -s localhost:8000/v1/score.*?)\n```\s*```json\n(.*?)\n```", DOCS, re.S)
    command, response = example.groups()
    out = subprocess.run(
        ["bash", "-c", command.replace("localhost:8000", server.url.removeprefix("http://"))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    body = json.loads(out)
    shown = json.loads(response.replace("…", ""))
    got, doc = body["groups"][0], shown["groups"][0]
    assert got["results"] == doc["results"]
    assert got["advantages"] == pytest.approx(doc["advantages"], abs=1e-5)
    assert (got["reward_mean"], got["zero_std"]) == (pytest.approx(doc["reward_mean"]), doc["zero_std"])
    del body["stats"]["elapsed_ms"], shown["stats"]["elapsed_ms"]
    assert body["stats"] == shown["stats"], "the batch's counts and rates as shown"


def configuration_rows() -> dict[str, tuple[str, str]]:
    """The configuration table: flag -> (environment variable, default), backticks dropped."""
    rows = re.findall(r"^\| `--([a-z-]+)` \| `(\w+)` \| ([^|]+) \|", section("Configuration"), re.M)
    return {flag: (env, default.strip().strip("`")) for flag, env, default in rows}


def documented_default(name: str, value: object) -> str:
    """How the table writes a default: the CPU count in words, an empty path as none, booleans in lower case."""
    if name == "workers":
        return "CPU count"
    if value == "":
        return "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_configuration_table_lists_every_flag_with_its_variable_and_default():
    from service.ops.config import ENV_PREFIX, Config

    rows = configuration_rows()
    for f in fields(Config):
        flag = f.name.replace("_", "-")
        assert flag in rows, f.name
        env, default = rows[flag]
        assert env == f"{ENV_PREFIX}{f.name.upper()}", f.name
        assert default == documented_default(f.name, f.default), f.name
    assert set(rows) == {f.name.replace("_", "-") for f in fields(Config)}


def client_example() -> str:
    return re.search(r"```python\n(from service.client import RewardClient\n\ngroup = .*?)\n```", DOCS, re.S).group(1)


@pytest.mark.parametrize("kind", ["grpc", "http"])
def test_readme_python_client_example_runs_with_either_url(server, capsys, kind):
    """The snippet as written with its gRPC URL, and with the HTTP URL its comment offers."""
    code = client_example()
    assert 'RewardClient("grpc://127.0.0.1:50051")' in code and '"http://127.0.0.1:8000"' in code
    url = "grpc://" + server.grpc_target if kind == "grpc" else server.url
    exec(code.replace("grpc://127.0.0.1:50051", url), {})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[2.1, 0.0]")
    assert sorted(lines[1:]) == ["q-1 [2.1, 0.0]", "q-2 [2.1, 0.0]"]


def test_every_json_example_parses():
    blocks = fenced_blocks(DOCS, "json")
    assert blocks
    for block in blocks:
        json.loads(block.replace("…", ""))


def test_every_python_example_is_valid_python():
    blocks = fenced_blocks(DOCS, "python")
    assert len(blocks) >= 3
    for block in blocks:
        ast.parse(block)


def test_authentication_example_runs_as_written(tmp_path):
    """Make a token, start the server with it as the page says, then call it with and without the token."""
    make_token, start, call = re.search(r"```bash\n(head -c 32 .*?)\n```", DOCS, re.S).group(1).splitlines()
    subprocess.run(["bash", "-c", make_token], cwd=tmp_path, check=True, timeout=30)
    argv = shlex.split(start, comments=True)
    assert argv[:3] == [".venv/bin/python", "-m", "service"], start
    flags = argv[3:]
    assert flags[:2] == ["--grpc-port", "50051"] and flags[2] == "--auth-token-file", start
    server = start_server("--workers", "1", "--auth-token-file", str(tmp_path / flags[3]), grpc=True)
    try:
        address = server.url.removeprefix("http://")
        out = subprocess.run(
            ["bash", "-c", call.replace("localhost:8000", address)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        assert "stepgrpo" in json.loads(out)["profiles"]
        assert httpx.get(server.url + "/v1/info", timeout=30).status_code == 401
    finally:
        server.stop()


def inline_code() -> list[str]:
    """Every inline code span of the pages, fenced blocks left out."""
    return re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", DOCS, flags=re.S | re.M))


def test_verl_settings_in_the_docs_are_verl_keys():
    """The verl 0.9.1 settings the pages give (``reward.*`` overrides) name keys of verl's composed config."""
    facts = json.loads((FACTS / "verl.json").read_text())
    keys, nodes = set(facts["keys"]), set(facts["nodes"])
    settings = {
        w.split("=", 1)[0] for span in inline_code() for w in span.split() if re.match(r"\+?reward\.[\w.]+=", w)
    }
    assert "+reward.custom_reward_function.reward_kwargs.url" in settings and len(settings) >= 3, settings
    for key in settings:
        if key.startswith("+"):
            parents = [key[1:].rsplit(".", n)[0] for n in range(1, key.count("."))]
            assert key[1:] not in keys and any(p in nodes for p in parents), f"{key}: Hydra appends under a node"
        else:
            assert key in keys, f"{key} is not in {facts['source']}"


def test_openrlhf_flags_in_the_docs_parse_as_openrlhf_parses():
    parser = openrlhf_parser()
    command = re.search(r"```bash\n(python -m openrlhf\.cli\.train_ppo_ray .*?)\n```", DOCS, re.S).group(1)
    words = [w for w in shlex.split(command.replace("\\\n", " "))[3:] if w != "..."]
    args = vars(parser.parse_args(words))
    assert args["reward.remote_url"].endswith("/v1/openrlhf") and args["algo.advantage.estimator"] == "group_norm"
    named = {flag for span in inline_code() for flag in re.findall(r"(--[a-z_]+\.[a-z_.]+)", span)}
    assert "--reward.remote_url" in named
    flags = set(json.loads((FACTS / "openrlhf.json").read_text())["flags"])
    assert named <= flags, f"options OpenRLHF does not have: {named - flags}"


def test_gpu_training_command_parses_with_the_trainers_flags():
    pytest.importorskip("torch")
    from trainer_client.run import parse_args

    command = re.search(r"```bash\n(\.venv/bin/python -m trainer_client\.run --reward-url .*?)\n```", DOCS, re.S)
    argv = shlex.split(command.group(1).replace("\\\n", " "))
    args = parse_args(argv[3:])
    assert (args.model, args.steps) == ("Qwen/Qwen2-VL-2B-Instruct", 13125)


def help_text(*module_and_args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", *module_and_args, "--help"], capture_output=True, text=True, timeout=120, check=True
    ).stdout


def named_flags(text: str) -> set[str]:
    """The long options a page's prose and commands name (``--flag``), values and ``--help`` left out."""
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*[a-z])", text)) - {"--help"}


def test_data_tools_page_names_only_real_options():
    commands = ("extract", "augment", "score", "convert")
    known = set().union(*(named_flags(help_text("service.data", command)) for command in commands))
    known |= named_flags(help_text("trainer_client.run"))  # the trainer's --data reads the same files
    assert {"--keep-existing", "--batch-groups", "--data"} <= known
    unknown = named_flags(section("Data tools")) - known
    assert not unknown, f"docs/data-tools.md names options no command has: {unknown}"


def test_demo_section_names_only_the_trainers_and_its_benchmarks_options():
    known = named_flags(help_text("trainer_client.run")) | named_flags(help_text("bench.demo_learning"))
    assert {"--shuffle-advantages", "--pictures"} <= known
    unknown = named_flags(section("The demo trainer")) - known
    assert not unknown, f"the README's demo section names options neither has: {unknown}"
