"""The reward version changes whenever the scores could: its digest reads every module of the reward core. When
version.py moved into service/scoring/ it looked for a ``rewards`` folder beside itself, found none, and the
version stopped following the core's code."""

from __future__ import annotations

from pathlib import Path

import service.rewards
from service.scoring import version


def test_the_digest_reads_every_module_of_the_reward_core():
    core = Path(service.rewards.__file__).parent
    assert version.core_sources() == sorted(core.glob("*.py"))
    assert {"score.py", "profiles.py", "answers.py", "keysteps.py"} <= {p.name for p in version.core_sources()}


def test_the_digest_follows_a_change_to_the_cores_source(monkeypatch, tmp_path):
    copied = []
    for path in version.core_sources():
        (tmp_path / path.name).write_bytes(path.read_bytes())
        copied.append(tmp_path / path.name)
    monkeypatch.setattr(version, "core_sources", lambda: sorted(copied))
    version.code_digest.cache_clear()
    before = version.code_digest()
    (tmp_path / "score.py").write_text((tmp_path / "score.py").read_text() + "\n# changed\n")
    version.code_digest.cache_clear()
    try:
        assert version.code_digest() != before
    finally:
        monkeypatch.undo()
        version.code_digest.cache_clear()
