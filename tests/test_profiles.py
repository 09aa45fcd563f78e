"""A profile is one of the scorer's two rule sets, named part by part (service/rewards/profiles.py): every
combination of its rule fields either makes a profile that scores, or is refused when made, naming the fields.
A mixed one (structured validity with substring key steps) was made and then raised AttributeError on the
first completion scored."""

from __future__ import annotations

import itertools
import typing

import pytest
from pydantic import ValidationError

from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings
from service.rewards.profiles import REFERENCE_RULES, STEPGRPO, STRUCTURED_RULES, Profile

from .samples import GENUINE, RIGHT_TRIANGLE_KEY_STEPS, STUFFED

RULE_FIELDS = ("validity_rule", "answer_rule", "key_step_rule")
EVERY_RULES = list(itertools.product(*(typing.get_args(Profile.model_fields[f].annotation) for f in RULE_FIELDS)))
EVERY_PROFILE = [
    {**dict(zip(RULE_FIELDS, rules, strict=True)), "stuffing_guard": guard, "fuzzy_threshold": fuzzy}
    for rules in EVERY_RULES
    for guard in (False, True)
    for fuzzy in (None, 85.0)
]
REFERENCE = CoreReference("5", RIGHT_TRIANGLE_KEY_STEPS)


def made(fields: dict) -> Profile | ValidationError:
    try:
        return Profile(**{**STEPGRPO.model_dump(), "name": "custom", **fields})
    except ValidationError as exc:
        return exc


@pytest.mark.parametrize("fields", EVERY_PROFILE, ids=lambda f: "-".join(map(str, f.values())))
def test_every_profile_that_can_be_made_scores_and_every_other_is_refused_by_name(fields):
    profile = made(fields)
    if isinstance(profile, ValidationError):
        message = str(profile)
        assert "rule set" in message or "stuffing_guard, fuzzy_threshold" in message, message
        return
    group = PreparedGroup(REFERENCE, profile, Settings())
    for completion in (GENUINE, STUFFED, "no sections at all"):
        scored = group.score(completion, explain=True)
        assert scored["status"] == "ok" and scored["explanation"]["key_steps"], (profile, completion)


def test_only_the_two_rule_sets_can_be_made():
    makeable = {
        tuple(fields[f] for f in (*RULE_FIELDS, "stuffing_guard", "fuzzy_threshold"))
        for fields in EVERY_PROFILE
        if isinstance(made(fields), Profile)
    }
    assert len(EVERY_RULES) == 8
    assert makeable == {
        *((*STRUCTURED_RULES, guard, fuzzy) for guard in (False, True) for fuzzy in (None, 85.0)),
        (*REFERENCE_RULES, False, None),
    }
    assert all(isinstance(made(p.model_dump()), Profile) for p in PROFILES.values())
    assert {(p.validity_rule, p.answer_rule, p.key_step_rule) for p in PROFILES.values()} == {
        STRUCTURED_RULES,
        REFERENCE_RULES,
    }
