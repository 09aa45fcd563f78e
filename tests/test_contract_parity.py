"""One contract: the pydantic models and the proto messages must not drift apart."""

from __future__ import annotations

import types
import typing

import pytest
from pydantic import BaseModel

from service.rewardpb import reward_pb2
from service.scoring import contract

ROOTS = [
    contract.ScoreRequest,
    contract.ScoreResponse,
    contract.StreamRequest,
    contract.StreamResult,
    contract.InfoResponse,
]


def _models(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def all_models() -> dict[str, type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    todo = list(ROOTS)
    while todo:
        model = todo.pop()
        if model.__name__ in seen:
            continue
        seen[model.__name__] = model
        for field in model.model_fields.values():
            todo.extend(_models(field.annotation))
    return seen


def _is_list(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation) if a is not type(None))
    return origin is list


def _nullable(annotation) -> bool:
    return type(None) in typing.get_args(annotation)


@pytest.mark.parametrize("name", sorted(all_models()))
def test_every_model_has_a_message_with_the_same_fields(name):
    model = all_models()[name]
    message = reward_pb2.DESCRIPTOR.message_types_by_name.get(name)
    assert message is not None, f"proto has no message {name}"
    assert set(model.model_fields) == set(message.fields_by_name), f"{name}: fields differ"
    for field_name, field in model.model_fields.items():
        proto = message.fields_by_name[field_name]
        if proto.message_type and proto.message_type.full_name == "google.protobuf.Value":
            continue
        is_map = proto.message_type is not None and proto.message_type.GetOptions().map_entry
        assert _is_list(field.annotation) == (proto.is_repeated and not is_map), (
            f"{name}.{field_name}: list-ness differs"
        )
        if _nullable(field.annotation) and not is_map and not proto.is_repeated:
            assert proto.has_presence, (
                f"{name}.{field_name} is nullable but the proto field has no presence (make it optional)"
            )


def test_every_message_has_a_model():
    names = set(reward_pb2.DESCRIPTOR.message_types_by_name) - {"InfoRequest"}
    assert names == set(all_models())


def test_profile_names_match_the_reward_core():
    from service.rewards import PROFILES

    assert set(typing.get_args(contract.ProfileName)) == set(PROFILES)
