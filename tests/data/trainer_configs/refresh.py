"""Rewrite the trainer configuration facts that tests/test_example_scripts.py checks the example scripts against.

    python tests/data/trainer_configs/refresh.py verl        # in an environment with verl (and hydra-core)
    python tests/data/trainer_configs/refresh.py openrlhf PATH/TO/openrlhf/cli/train_ppo_ray.py VERSION
    python tests/data/trainer_configs/refresh.py releases verl VERSION PATH [VERSION PATH ...]
    python tests/data/trainer_configs/refresh.py releases openrlhf VERSION PATH [VERSION PATH ...]

verl: every key of the composed ``ppo_trainer`` config and the mandatory (``???``) ones. OpenRLHF: every flag of
``train_ppo_ray``'s argument parser (built by running the parser's own construction code with argparse alone, so
neither torch nor ray is needed) with whether it takes a value, its nargs, type name, choices and default.
``releases``: what the integration tables of docs/integrations.md say per release, read from each release's
unpacked wheel (``pip download --no-deps verl==V`` and unzip into PATH), into ``verl_releases.json`` /
``openrlhf_releases.json``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import re
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def verl_facts() -> dict:
    from hydra import compose, initialize_config_dir
    from omegaconf import DictConfig, OmegaConf

    config_dir = Path(importlib.util.find_spec("verl").origin).parent / "trainer" / "config"
    with initialize_config_dir(config_dir=str(config_dir), version_base=None):
        cfg = compose("ppo_trainer")
    nodes, leaves = [], []

    def walk(node, prefix: str) -> None:
        for key in node.keys():
            path = f"{prefix}{key}"
            child = node._get_node(key)
            if isinstance(child, DictConfig) and len(child):
                nodes.append(path)
                walk(child, path + ".")
            else:
                leaves.append(path)

    walk(cfg, "")
    version = importlib.metadata.version("verl")
    return {
        "source": f"verl {version} (PyPI): verl/trainer/config/ppo_trainer.yaml composed by Hydra",
        "nodes": sorted(nodes),
        "keys": sorted(leaves),
        "mandatory": sorted(OmegaConf.missing_keys(cfg)),
    }


def openrlhf_parser(source: str) -> argparse.ArgumentParser:
    text = Path(source).read_text()
    start = text.rindex("\n", 0, text.index("parser = argparse.ArgumentParser()")) + 1
    end = text.index("args = parser.parse_args()")
    body = "\n".join(line[4:] for line in text[start:end].splitlines())
    scope = {"argparse": argparse, "datetime": datetime, "os": os}
    exec(body, scope)
    return scope["parser"]


def openrlhf_facts(source: str, version: str) -> dict:
    flags = {}
    for action in openrlhf_parser(source)._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                flags[flag] = {
                    "takes_value": action.nargs != 0,
                    "nargs": action.nargs,
                    "type": getattr(action.type, "__name__", None),
                    "choices": action.choices,
                    "default": action.default,
                }
    return {"source": f"OpenRLHF {version}: openrlhf/cli/train_ppo_ray.py", "flags": flags}


def _registered(folder: Path) -> list[str]:
    """The names a folder of reward managers registers (``@register("name")``)."""
    return sorted({n for f in folder.glob("*.py") for n in re.findall(r'@register\("(\w+)"\)', f.read_text())})


def verl_release(root: Path) -> dict:
    """Where a verl release reads the custom reward function from and which reward managers can call it how."""
    verl = root / "verl"
    config = verl / "trainer" / "config"
    main_ppo = (verl / "trainer" / "main_ppo.py").read_text()
    loop = verl / "experimental" / "reward_loop" / "reward_manager"
    reward_py = (verl / "trainer" / "ppo" / "reward.py").read_text()
    legacy_reachable = "from verl.workers.reward_manager import get_reward_manager_cls" in reward_py
    legacy = verl / "workers" / "reward_manager"
    return {
        "reward_keys": "reward." if (config / "reward").is_dir() else "",
        "top_level_keys_migrated": "migrate_legacy_reward_impl(config)" in main_ppo,
        "use_reward_loop_switch": any("use_reward_loop" in f.read_text() for f in config.rglob("*.yaml")),
        "reward_loop_managers": _registered(loop),
        "remote_refuses_async": "Async reward score is not supported" in (loop / "remote.py").read_text(),
        "legacy_managers": _registered(legacy) if legacy_reachable else [],
        "prime_reads_a_float": legacy_reachable and "float(result" in (legacy / "prime.py").read_text(),
    }


def openrlhf_release(root: Path) -> dict:
    """How a release spreads its one-sample reward requests over several ``--remote_rm_url`` URLs, and its ray pin."""
    agent = next(root.rglob("openrlhf/utils/agent.py")).read_text()  # the wheel keeps it under *.data/purelib
    meta = next(root.rglob("openrlhf-*.dist-info/METADATA"))
    ray = re.search(r"^Requires-Dist: ray\[default\]==([\d.]+)", meta.read_text(), re.M)
    return {
        "several_urls": "in turn" if "next(self._reward_endpoint_cycle)" in agent else "first",
        "ray_pin": ray.group(1) if ray else None,
    }


def releases(which: str, pairs: list[str]) -> dict:
    read = verl_release if which == "verl" else openrlhf_release
    versions = {version: read(Path(path)) for version, path in zip(pairs[::2], pairs[1::2], strict=True)}
    return {
        "source": f"{which} releases from PyPI, unpacked: tests/data/trainer_configs/refresh.py",
        "releases": versions,
    }


if __name__ == "__main__":
    if sys.argv[1] == "releases":
        facts = releases(sys.argv[2], sys.argv[3:])
        (HERE / f"{sys.argv[2]}_releases.json").write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
        sys.exit(0)
    which = sys.argv[1]
    facts = verl_facts() if which == "verl" else openrlhf_facts(sys.argv[2], sys.argv[3])
    (HERE / f"{which}.json").write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
