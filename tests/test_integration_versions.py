"""The releases each integration was checked against, said the same way in three places and true to the saved facts.

``stepgrpo_reward.checked.CHECKED_AGAINST`` is what ``/v1/info`` reports (over HTTP and gRPC); docs/integrations.md
names the same releases, and its verl table says per release what the release's own source says
(tests/data/trainer_configs/verl_releases.json and openrlhf_releases.json, written by refresh.py from the
released wheels).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import re
import tomllib

import pytest

import stepgrpo_reward.verl as adapter
from service.client import RewardClient
from stepgrpo_reward.checked import CHECKED_AGAINST

from .conftest import ROOT
from .doc_pages import section

FACTS = ROOT / "tests" / "data" / "trainer_configs"
VERL = json.loads((FACTS / "verl_releases.json").read_text())["releases"]
OPENRLHF = json.loads((FACTS / "openrlhf_releases.json").read_text())["releases"]


def listed(name: str) -> list[str]:
    return CHECKED_AGAINST[name].split(", ")


def test_info_reports_the_releases_over_http_and_grpc(server):
    for url in (server.url, "grpc://" + server.grpc_target):
        with RewardClient(url) as client:
            assert client.info().checked_against == CHECKED_AGAINST, url


def test_the_releases_are_those_of_the_saved_facts_and_the_pins():
    assert listed("verl") == sorted(VERL, key=lambda v: tuple(map(int, v.split("."))))
    assert listed("openrlhf") == sorted(OPENRLHF)
    flags_from = json.loads((FACTS / "openrlhf.json").read_text())["source"].split()[1].rstrip(":")
    assert flags_from in listed("openrlhf")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    trl = next(r for r in extras["trl"] if r.startswith("trl"))
    assert f">={'.'.join(listed('trl')[0].split('.')[:2])}," in trl, trl
    assert any(r.startswith(f"ray[serve]>={'.'.join(listed('ray')[0].split('.')[:2])}") for r in extras["ray"])
    for name in ("trl", "ray"):
        try:
            assert importlib.metadata.version(name) in listed(name), f"the tests run {name} {listed(name)}"
        except importlib.metadata.PackageNotFoundError:
            pass


def test_the_docs_name_every_release_checked():
    text = (ROOT / "docs" / "integrations.md").read_text()
    for name in CHECKED_AGAINST:
        for version in listed(name):
            assert version in text, (name, version)


def verl_rows() -> dict[str, str]:
    """docs/integrations.md's verl table: each release it names -> its row's text."""
    rows = {}
    for line in section("verl").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| 0.") and len(cells) == 3:
            for version in cells[0].split(", "):
                rows[version] = " | ".join(cells[1:])
    return rows


def test_the_verl_table_says_per_release_what_its_source_says():
    rows = verl_rows()
    assert set(rows) == set(VERL)
    for version, facts in VERL.items():
        row = rows[version]
        keys = "`reward.custom_reward_function.*`" if facts["reward_keys"] else "top-level `custom_reward_function.*`"
        assert row.startswith(keys), (version, row)
        assert ("still compose but are ignored" in row) == (
            bool(facts["reward_keys"]) and not facts["top_level_keys_migrated"]
        )
        assert ("still moved there" in row) == facts["top_level_keys_migrated"], version
        assert ("use_reward_loop" in row) == facts["use_reward_loop_switch"], version
        for manager in facts["reward_loop_managers"]:
            assert manager == "gdpo" or f"`{manager}`" in row, (version, manager)
        assert ("`remote` → `compute_score` (it refuses async functions)" in row) == facts["remote_refuses_async"]
        assert ("`batch` → `compute_score_batch`" in row) == ("batch" in facts["legacy_managers"]), version
        assert ("`prime` → `compute_score_value`" in row) == facts["prime_reads_a_float"], version


@pytest.mark.parametrize(
    ("name", "is_async"),
    [
        ("compute_score_async", True),
        ("compute_score", False),
        ("compute_score_batch", False),
        ("compute_score_value", False),
    ],
)
def test_the_functions_the_table_names_exist_as_the_managers_call_them(name, is_async):
    assert f"`{name}`" in section("verl")
    assert inspect.iscoroutinefunction(getattr(adapter, name)) == is_async


def test_the_openrlhf_text_says_how_each_release_spreads_requests_and_the_ray_split():
    text = section("OpenRLHF")
    turn = [v for v, f in OPENRLHF.items() if f["several_urls"] == "in turn"]
    first = [v for v, f in OPENRLHF.items() if f["several_urls"] == "first"]
    assert turn == ["0.11.2"] and re.search(r"0\.11\.2 sends each\s+\(one-sample\) request to the next", text)
    assert first and re.search(r"to 0\.11\.1 send every sample to the first", text)
    pins = {f["ray_pin"] for f in OPENRLHF.values()}
    assert all(f"ray[default]=={pin}" in text for pin in pins), pins
