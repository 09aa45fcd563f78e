"""examples/verl_grpo.sh and examples/openrlhf_grpo.sh against the trainers' real configuration surfaces.

Neither trainer installs here (both need GPUs, vLLM and ray), so the facts they are checked against were taken
from the released packages by tests/data/trainer_configs/refresh.py and kept as test data: every key of verl's
composed Hydra config (and which are mandatory), every flag of OpenRLHF's ``train_ppo_ray`` parser. OpenRLHF's
flags are rebuilt into an argparse parser, so the script's command line is parsed as OpenRLHF parses it.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import shlex

import pytest

from .conftest import ROOT

FACTS = ROOT / "tests" / "data" / "trainer_configs"
EXAMPLES = ROOT / "examples"
# The scripts' variables at their defaults (GPUS as a user with one 8-GPU node sets it).
VARIABLES = {"$MODEL": "Qwen/Qwen2.5-1.5B-Instruct", "$REWARD_URL": "http://127.0.0.1:8000", "$GPUS": "8"}


def trainer_command(script: str, module: str) -> list[str]:
    """The arguments after ``python -m <module>``, continuation lines joined and variables at their defaults."""
    text = (EXAMPLES / script).read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith(f"python -m {module} "))
    for name, value in VARIABLES.items():
        line = line.replace(name, value)
    assert "$" not in line, f"an unexpanded variable in {script}: {line}"
    return shlex.split(line)[3:]


def header(script: str) -> str:
    return "\n".join(line for line in (EXAMPLES / script).read_text().splitlines() if line.startswith("#"))


def verl_overrides() -> dict[str, str]:
    words = trainer_command("verl_grpo.sh", "verl.trainer.main_ppo")
    assert all("=" in w for w in words), words
    return dict(w.split("=", 1) for w in words)


def openrlhf_parser() -> argparse.ArgumentParser:
    """OpenRLHF's train_ppo_ray flags as an argparse parser that errors (SystemExit) on what OpenRLHF would."""
    types = {"int": int, "float": float, "str": str, None: None}
    parser = argparse.ArgumentParser(prog="train_ppo_ray", exit_on_error=False)
    for flag, spec in json.loads((FACTS / "openrlhf.json").read_text())["flags"].items():
        if not spec["takes_value"]:
            parser.add_argument(flag, action="store_true", default=spec["default"])
        else:
            parser.add_argument(
                flag, type=types[spec["type"]], nargs=spec["nargs"], choices=spec["choices"], default=spec["default"]
            )
    return parser


def test_verl_overrides_name_existing_keys_and_add_only_new_ones():
    facts = json.loads((FACTS / "verl.json").read_text())
    keys, nodes = set(facts["keys"]), set(facts["nodes"])
    for key in verl_overrides():
        if key.startswith("+"):
            parent = key[1:].rsplit(".", 2)[0]
            assert key[1:] not in keys and parent in nodes, f"{key}: Hydra appends only new keys under existing ones"
        else:
            assert key in keys, f"{key} is not in {facts['source']}"


def test_verl_sets_every_mandatory_key_of_the_parts_it_uses():
    facts = json.loads((FACTS / "verl.json").read_text())
    overrides = verl_overrides()
    reward_model_on = overrides.get("reward.reward_model.enable", "False").lower() == "true"
    needed = [k for k in facts["mandatory"] if reward_model_on or not k.startswith("reward.reward_model.")]
    assert "actor_rollout_ref.rollout.name" in needed
    assert not [k for k in needed if k not in overrides], f"MissingMandatoryValue in {facts['source']}"
    assert overrides["actor_rollout_ref.rollout.name"] in {"vllm", "sglang"}


def test_verl_example_runs_grpo_with_the_services_async_reward_function():
    import stepgrpo_reward.verl as adapter

    o = verl_overrides()
    assert o["algorithm.adv_estimator"] == "grpo" and int(o["actor_rollout_ref.rollout.n"]) > 1
    assert o["reward.custom_reward_function.path"] == "pkg://stepgrpo_reward.verl"
    assert inspect.iscoroutinefunction(getattr(adapter, o["reward.custom_reward_function.name"]))
    assert o["+reward.custom_reward_function.reward_kwargs.url"] == VARIABLES["$REWARD_URL"]
    gpus = int(o["trainer.nnodes"]) * int(o["trainer.n_gpus_per_node"])
    samples = int(o["data.train_batch_size"]) * int(o["actor_rollout_ref.rollout.n"])
    assert samples % gpus == 0, "verl's validate_config: train_batch_size * n divisible by the GPUs"


def test_openrlhf_command_parses_with_engines_and_placement():
    args = openrlhf_parser().parse_args(trainer_command("openrlhf_grpo.sh", "openrlhf.cli.train_ppo_ray"))
    a = vars(args)
    assert a["vllm.num_engines"] and a["vllm.num_engines"] > 0, "without vLLM engines OpenRLHF generates nothing"
    assert a["train.colocate_all"], "the script's placement: everything on one node's GPUs"
    actor_gpus = a["actor.num_nodes"] * a["actor.num_gpus_per_node"]
    assert actor_gpus == a["vllm.num_engines"] * a["vllm.tensor_parallel_size"], "colocate_all's placement rule"
    assert (a["ref.num_nodes"], a["ref.num_gpus_per_node"]) == (a["actor.num_nodes"], a["actor.num_gpus_per_node"])
    assert a["algo.kl.init_coef"] > 0 and a["algo.kl.use_loss"] and a["algo.kl.estimator"] == "k3"
    assert a["algo.advantage.estimator"] == "group_norm" and a["rollout.n_samples_per_prompt"] > 1
    assert a["reward.remote_url"] == VARIABLES["$REWARD_URL"] + "/v1/openrlhf"
    assert (a["data.input_key"], a["data.label_key"], a["data.apply_chat_template"]) == ("input", "label", True)
    samples = a["rollout.n_samples_per_prompt"] * a["rollout.batch_size"] // a["rollout.micro_batch_size"]
    assert samples >= actor_gpus, "OpenRLHF's check: sample batches >= actor processes"


@pytest.mark.parametrize("script", ["verl_grpo.sh", "openrlhf_grpo.sh"])
def test_headers_name_only_current_options(script):
    flags = set(json.loads((FACTS / "openrlhf.json").read_text())["flags"])
    named = set(re.findall(r"(--[a-z][a-z_.]+)", header(script)))
    assert named <= flags, f"{script}'s header names options OpenRLHF no longer has: {named - flags}"


def test_an_unknown_or_missing_flag_is_caught():
    """The checks themselves fail on the mistakes the issue found (the test data is not vacuous)."""
    parser = openrlhf_parser()
    with pytest.raises((SystemExit, argparse.ArgumentError)):
        parser.parse_args(["--generate_max_len", "1024"])
    assert parser.parse_args([]).__dict__["vllm.num_engines"] is None
    facts = json.loads((FACTS / "verl.json").read_text())
    assert "custom_reward_function.reward_kwargs.url" not in facts["keys"]
    assert "actor_rollout_ref.rollout.name" in facts["mandatory"]
