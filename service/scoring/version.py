"""Reward versions: a string that changes whenever the scores for a request could change."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..rewards import profiles
from ..rewards.profiles import Profile

CORE_VERSION = "1.1.0"
_LIBRARIES = ("math-verify", "sympy", "rapidfuzz", "latex2sympy2_extended")


def core_sources() -> list[Path]:
    """The reward core's modules, found from the core package itself (wherever this module lives)."""
    return sorted(Path(profiles.__file__).parent.glob("*.py"))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of the reward core's source and of the libraries that judge answers."""
    h = hashlib.sha256()
    for path in core_sources():
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}=={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}==absent".encode())
    return h.hexdigest()


def reward_version(profile: Profile, scoring: dict) -> str:
    """``<profile>-<core version>+<hash of code, profile and score-affecting options>``."""
    blob = json.dumps({"code": code_digest(), "profile": profile.model_dump(), "options": scoring}, sort_keys=True)
    return f"{profile.name}-{CORE_VERSION}+{hashlib.sha256(blob.encode()).hexdigest()[:12]}"
