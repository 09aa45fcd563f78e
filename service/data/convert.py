"""``convert``: rows rewritten in another layout (see :mod:`.layouts` for each layout's fields).

Going to ``r1vl`` gives what ``python -m trainer_client.run --data`` reads; going to ``project``
gives rows that ``score`` reads once they have ``completions``. A Mulberry row's answer is its
solution's ``### The final answer is:`` line.
"""

from __future__ import annotations

from .layouts import Record


def same_record(record: Record) -> Record:
    """Conversion changes only the layout a record is written in."""
    return record
