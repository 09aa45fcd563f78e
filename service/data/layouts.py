"""The data layouts the tools read and write, and one :class:`Record` in between.

- ``project``: one scoring group per line, the service's own contract —
  ``{"id", "image_path", "question", "reference": {"answer", "solution", "key_steps", "choices"}, "completions"}``;
- ``r1vl``: the R1-VL GRPO data — ``{"id", "image_path", "problem", "solution", "answer", "key_steps": {"Steps": [...]}, "choices"}``
  (``key_steps`` also as its JSON string or the extractor's string; ``image``/``images`` and ``question`` accepted);
- ``mulberry``: Mulberry's LLaMA-Factory (sharegpt) SFT data — ``{"messages": [{"role": "user", "content": "<image>question"},
  {"role": "assistant", "content": solution}], "images": [path]}`` (``conversations`` with ``from``/``value`` accepted);
  key steps, which Mulberry has none of, are written as ``key_steps: {"Steps": [...]}`` beside them.

Reading detects the layout per row; fields a layout does not know are kept and written back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from service.rewards.keysteps import key_step_groups
from service.rewards.sections import answer_text, parse_completion

LAYOUTS = ("project", "r1vl", "mulberry")
_IMAGE_TAG = "<image>"


@dataclass
class Record:
    id: str
    question: str | None = None
    image_path: str | None = None
    answer: str | None = None
    solution: str | None = None
    key_steps: Any = None
    choices: dict | None = None
    completions: list | None = None
    extra: dict = field(default_factory=dict)

    def key_step_groups(self) -> list[list[str]]:
        """Key steps as groups of alternatives (``ValueError`` when unreadable), empty ones dropped."""
        return [kept for g in key_step_groups(self.key_steps) if (kept := [a.strip() for a in g if a.strip()])]

    def reference_answer(self) -> str | None:
        """The answer field, else the solution's final-answer line (as the scorer reads completions)."""
        if self.answer is not None and str(self.answer).strip():
            return str(self.answer).strip()
        if self.solution:
            return answer_text(parse_completion(self.solution))
        return None


def detect(row: dict) -> str:
    if "reference" in row:
        return "project"
    if "messages" in row or "conversations" in row:
        return "mulberry"
    return "r1vl"


def _string(row: dict, *keys: str) -> str | None:
    for key in keys:
        value = row.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(f"{key!r} must be a string, not {type(value).__name__}")
        return str(value)
    return None


def _image(row: dict) -> str | None:
    for key in ("image_path", "images", "image"):
        value = row.get(key)
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if value is not None:
            if not isinstance(value, str):
                raise ValueError(f"{key!r} must be a path (one image per item)")
            return value
    return None


def _choices(value: Any) -> dict | None:
    """Letter -> text, from an object, a list (A, B, ... in order) or the JSON string of either."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("'choices' is a string but not JSON") from None
    if isinstance(value, list):
        value = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", value))
    if not isinstance(value, dict):
        raise ValueError(f"'choices' must be an object of letter -> text, not {type(value).__name__}")
    return {str(k): str(v) for k, v in value.items()}


def _completions(value: Any) -> list | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ValueError("'completions' must be a list of strings")
    return value


def _turns(row: dict) -> tuple[str | None, str | None]:
    """The first user turn and the first assistant turn of a sharegpt conversation."""
    turns = row.get("messages", row.get("conversations"))
    if not isinstance(turns, list):
        raise ValueError("'messages' must be a list of turns")
    question = solution = None
    for turn in turns:
        if not isinstance(turn, dict):
            raise ValueError("each turn must be an object with role/content (or from/value)")
        role = turn.get("role", turn.get("from"))
        text = turn.get("content", turn.get("value"))
        if not isinstance(text, str):
            raise ValueError("a turn's content must be a string")
        if role in ("user", "human") and question is None:
            question = text.replace(_IMAGE_TAG, "").strip()
        elif role in ("assistant", "gpt") and solution is None:
            solution = text
    return question, solution


_KNOWN = {
    "project": {"id", "group_id", "image_path", "question", "reference", "completions"},
    "r1vl": {"id", "item_id", "image_path", "image", "images", "problem", "question", "solution", "answer", "key_steps", "choices", "completions"},
    "mulberry": {"id", "messages", "conversations", "images", "image", "answer", "key_steps", "choices", "completions"},
}


def to_record(row: Any, layout: str, default_id: str) -> Record:
    """The row as a :class:`Record`; ``ValueError`` naming the field when it cannot be read."""
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    extra = {k: v for k, v in row.items() if k not in _KNOWN[layout]}
    item_id = _string(row, "id", "group_id", "item_id") or default_id
    if layout == "project":
        ref = row["reference"]
        if not isinstance(ref, dict):
            raise ValueError("'reference' must be an object")
        return Record(item_id, _string(row, "question"), _image(row), _string(ref, "answer"), _string(ref, "solution"),
                      ref.get("key_steps"), _choices(ref.get("choices")), _completions(row.get("completions")), extra)
    if layout == "mulberry":
        question, solution = _turns(row)
    else:
        question, solution = _string(row, "problem", "question"), _string(row, "solution")
    return Record(item_id, question, _image(row), _string(row, "answer"), solution, row.get("key_steps"),
                  _choices(row.get("choices")), _completions(row.get("completions")), extra)


def from_record(record: Record, layout: str) -> dict:
    """The record written in ``layout``; absent fields are left out."""
    groups = None if record.key_steps is None else record.key_step_groups()
    if layout == "project":
        reference = {"answer": record.reference_answer(), "solution": record.solution, "key_steps": groups, "choices": record.choices}
        row = {"id": record.id, "image_path": record.image_path, "question": record.question,
               "reference": {k: v for k, v in reference.items() if v is not None}, "completions": record.completions}
    elif layout == "r1vl":
        row = {"id": record.id, "image_path": record.image_path, "problem": record.question, "solution": record.solution,
               "answer": record.reference_answer(), "key_steps": None if groups is None else {"Steps": groups},
               "choices": record.choices, "completions": record.completions}
    elif layout == "mulberry":
        user = _IMAGE_TAG + (record.question or "") if record.image_path else record.question or ""
        row = {"id": record.id, "messages": [{"role": "user", "content": user}, {"role": "assistant", "content": record.solution or ""}],
               "images": [record.image_path] if record.image_path else None, "answer": record.answer,
               "key_steps": None if groups is None else {"Steps": groups}, "choices": record.choices, "completions": record.completions}
    else:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    return {**{k: v for k, v in row.items() if v is not None}, **record.extra}
