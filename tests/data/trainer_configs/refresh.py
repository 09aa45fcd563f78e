"""Rewrite the trainer configuration facts that tests/test_example_scripts.py checks the example scripts against.

    python tests/data/trainer_configs/refresh.py verl        # in an environment with verl (and hydra-core)
    python tests/data/trainer_configs/refresh.py openrlhf PATH/TO/openrlhf/cli/train_ppo_ray.py VERSION

verl: every key of the composed ``ppo_trainer`` config and the mandatory (``???``) ones. OpenRLHF: every flag of
``train_ppo_ray``'s argument parser (built by running the parser's own construction code with argparse alone, so
neither torch nor ray is needed) with whether it takes a value, its nargs, type name, choices and default.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
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


if __name__ == "__main__":
    which = sys.argv[1]
    facts = verl_facts() if which == "verl" else openrlhf_facts(sys.argv[2], sys.argv[3])
    (HERE / f"{which}.json").write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
