"""The data layouts the tools read and write, and one :class:`Record` in between.

- ``project``: one scoring group per line, the service's own contract —
  ``{"id", "image_path", "question", "reference": {"answer", "solution", "key_steps", "choices"}, "completions"}``;
- ``r1vl``: the rows R1-VL's ``grpo.py`` reads — ``{"id", "image_path", "problem", "solution", "answer",
  "key_steps": {"Steps": [...]}, "choices"}`` (``key_steps`` also as its JSON string or the extraction reply;
  ``image``/``images`` and ``question`` accepted). A row with ``problem`` or ``solution`` is read this way
  even when it also carries ``messages``, as R1-VL's code reads it;
- ``mulberry``: Mulberry's LLaMA-Factory (sharegpt) SFT rows — ``{"messages": [{"role": "user", "content":
  "<image>question"}, {"role": "assistant", "content": solution}], "images": [path]}`` — and its CoMCTS rows
  (``conversations`` with ``from``/``value``, ``image``, and a ``question`` field without the prompt, which is
  preferred); key steps, which Mulberry has none of, are written as ``key_steps: {"Steps": [...]}`` beside them.

References are read by :mod:`stepgrpo_references` (the reader the trainer, the adapters and the server
share): the answer from the solution (``### The final answer is:``, ``Answer:C``, ``76.06.``), choices from
the question's ``Choices:`` block, ``B: 45`` as option B. A row written back in its own layout is the row
as read, unknown fields and key names kept, with only the key steps a tool changed replaced (inside a
key-step object, only its ``Steps``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stepgrpo_references import (
    answer_and_choices,
    choices_from,
    choices_in_question,
    clean_groups,
    key_step_groups,
    reference_answer,
)

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
    row: dict | None = None
    """The row as read, written back as it is (but for changed key steps) in its own layout."""
    layout: str | None = None

    def key_step_groups(self) -> list[list[str]]:
        """Key steps as groups of alternatives, as the server scores them (``ValueError`` when unreadable):
        what the trainer sends and a converted row carries, so the row scores the same on every path."""
        return key_step_groups(self.key_steps)

    def clean_key_step_groups(self) -> list[list[str]]:
        """:meth:`key_step_groups` with blank alternatives, and groups left empty, dropped: what a tool
        that writes new key steps starts from."""
        return clean_groups(self.key_steps)

    def reference(self) -> tuple[str | None, dict | None]:
        """The answer (the answer field, else the solution's) and the choices, a ``B: 45`` answer read as option B."""
        return answer_and_choices(reference_answer(self.answer, self.solution), self.choices)

    def reference_answer(self) -> str | None:
        return self.reference()[0]

    def key_steps_changed(self) -> bool:
        """Whether a tool replaced the key steps read from the row."""
        return self.row is None or self.key_steps is not _own_key_steps(self.row, self.layout)


def detect(row: dict) -> str:
    if "reference" in row:
        return "project"
    if ("messages" in row or "conversations" in row) and "problem" not in row and "solution" not in row:
        return "mulberry"
    return "r1vl"


def _own_key_steps(row: dict, layout: str | None) -> Any:
    if layout == "project":
        return row["reference"].get("key_steps") if isinstance(row.get("reference"), dict) else None
    return row.get("key_steps")


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
    "r1vl": {
        "id",
        "item_id",
        "image_path",
        "image",
        "images",
        "problem",
        "question",
        "solution",
        "answer",
        "key_steps",
        "choices",
        "completions",
    },
    "mulberry": {
        "id",
        "messages",
        "conversations",
        "images",
        "image",
        "question",
        "answer",
        "key_steps",
        "choices",
        "completions",
    },
}


def _with_choices(record: Record) -> Record:
    """Choices given in the row, else those of a ``Choices:`` block in the question."""
    if record.choices is None:
        record.choices = choices_in_question(record.question)
    return record


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
        return _with_choices(
            Record(
                item_id,
                _string(row, "question"),
                _image(row),
                _string(ref, "answer"),
                _string(ref, "solution"),
                ref.get("key_steps"),
                choices_from(ref.get("choices")),
                _completions(row.get("completions")),
                extra,
                row,
                layout,
            )
        )
    if layout == "mulberry":
        question, solution = _turns(row)
        question = _string(row, "question") or question
    else:
        question, solution = _string(row, "problem", "question"), _string(row, "solution")
    return _with_choices(
        Record(
            item_id,
            question,
            _image(row),
            _string(row, "answer"),
            solution,
            row.get("key_steps"),
            choices_from(row.get("choices")),
            _completions(row.get("completions")),
            extra,
            row,
            layout,
        )
    )


def _written_key_steps(original: Any, groups: list[list[str]], default: str) -> Any:
    """New groups in the shape the row had: inside its key-step object (other keys kept), as a list,
    else as ``{"Steps": ...}`` (``default`` "dict") or a list."""
    if isinstance(original, dict):
        steps_key = next((k for k in original if str(k).strip().lower() == "steps"), None)
        if steps_key is not None:
            return {**original, steps_key: groups}
        kept = {k: v for k, v in original.items() if not str(k).strip().lower().startswith("step")}
        return {**kept, "Steps": groups}
    if isinstance(original, list) or default == "list":
        return groups
    return {"Steps": groups}


def _in_own_layout(record: Record, read: dict) -> dict:
    """The row as read, its key steps replaced when a tool changed them."""
    row = dict(read)
    if record.key_steps is None or not record.key_steps_changed():
        return row
    groups = record.key_step_groups()
    if record.layout == "project":
        reference = row["reference"]
        row["reference"] = {**reference, "key_steps": _written_key_steps(reference.get("key_steps"), groups, "list")}
    else:
        row["key_steps"] = _written_key_steps(row.get("key_steps"), groups, "dict")
    return row


def from_record(record: Record, layout: str | None = None) -> dict:
    """The record written back in its own layout (``layout`` None: the row as read, but for changed
    key steps), or rewritten in ``layout`` (that layout's fields, unknown fields kept, absent ones left out)."""
    if layout is None:
        if record.row is not None:
            return _in_own_layout(record, record.row)
        layout = record.layout or "r1vl"
    groups = None if record.key_steps is None else record.key_step_groups()
    answer, choices = record.reference()
    if layout == "project":
        if answer is None:  # the contract requires one: say so rather than write a row the server refuses
            raise ValueError("reference.answer: no 'answer', and the solution states none")
        reference = {"answer": answer, "solution": record.solution, "key_steps": groups, "choices": choices}
        row = {
            "id": record.id,
            "image_path": record.image_path,
            "question": record.question,
            "reference": {k: v for k, v in reference.items() if v is not None},
            "completions": record.completions,
        }
    elif layout == "r1vl":
        row = {
            "id": record.id,
            "image_path": record.image_path,
            "problem": record.question,
            "solution": record.solution,
            "answer": answer,
            "key_steps": None if groups is None else {"Steps": groups},
            "choices": choices,
            "completions": record.completions,
        }
    elif layout == "mulberry":
        user = _IMAGE_TAG + (record.question or "") if record.image_path else record.question or ""
        turns = [{"role": "user", "content": user}, {"role": "assistant", "content": record.solution or ""}]
        row = {
            "id": record.id,
            "messages": turns,
            "images": [record.image_path] if record.image_path else None,
            "answer": answer,
            "key_steps": None if groups is None else {"Steps": groups},
            "choices": choices,
            "completions": record.completions,
        }
    else:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    return {**{k: v for k, v in row.items() if v is not None}, **record.extra}
