"""Protobuf messages to and from the contract's JSON dicts (protobuf's JSON mapping, proto field names).

Shared by the gRPC front end and the gRPC client; it imports nothing else of the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format


def message_to_dict(message) -> dict:
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def dict_to_message(data: Mapping[str, Any], message_type) -> Any:
    return json_format.ParseDict(data, message_type())
