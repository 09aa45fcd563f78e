"""Reading and writing data files row by row, where one bad row never stops a run.

Input is JSONL (one object per line, blank lines skipped) or one JSON array (Mulberry ships its data
that way). A row that cannot be used is written to the output as ``{"line", "id", "error", ...the
row}`` and counted; a row that already carries an ``error`` (from an earlier tool) passes through
unchanged and is counted again, so a pipeline ends with every bad row still accounted for.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .layouts import Record, detect, from_record, to_record


@dataclass
class Row:
    line: int
    value: Any
    """The parsed JSON value, or None when ``error`` says why the line could not be parsed."""
    error: str | None = None


def read_rows(path: str | Path) -> list[Row]:
    """Every row of a JSONL file or a JSON array, with the line (or array index + 1) it came from."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        try:
            values = json.loads(text)
        except json.JSONDecodeError as exc:
            return [Row(exc.lineno, None, f"invalid JSON array: {exc.msg} (line {exc.lineno}, column {exc.colno})")]
        return [Row(i, v) for i, v in enumerate(values, 1)]
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(Row(number, json.loads(line)))
        except json.JSONDecodeError as exc:
            rows.append(Row(number, None, f"invalid JSON: {exc.msg} (column {exc.colno})"))
        except RecursionError:
            rows.append(Row(number, None, "invalid JSON: nested too deeply"))
    return rows


def _json(value) -> str:
    """UTF-8 JSON; a lone surrogate (valid in JSON, not in UTF-8) is written escaped instead."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def write_rows(path: str | Path, rows: list[dict]) -> None:
    """JSONL, or a JSON array when ``path`` ends in ``.json``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        if path.suffix == ".json":
            out.write("[\n" + ",\n".join(_json(row) for row in rows) + "\n]\n")
        else:
            for row in rows:
                out.write(_json(row) + "\n")


def error_row(row: Row, message: str) -> dict:
    base = row.value if isinstance(row.value, dict) else ({} if row.value is None else {"value": row.value})
    return {"line": row.line, "id": base.get("id"), "error": message[:1000], **{k: v for k, v in base.items() if k not in ("line", "id", "error")}}


def is_error(out: dict) -> bool:
    return "error" in out


def read_record(row: Row, stem: str) -> tuple[Record, str]:
    """The row's record and its layout; ``ValueError`` when the row cannot be read."""
    if row.error is not None:
        raise ValueError(row.error)
    if not isinstance(row.value, dict):
        raise ValueError(f"expected a JSON object, got {type(row.value).__name__}")
    if "error" in row.value:
        raise _Carried(str(row.value["error"]))
    layout = detect(row.value)
    return to_record(row.value, layout, f"{stem}-{row.line}"), layout


class _Carried(ValueError):
    """A row that an earlier tool already marked bad."""


def record_step(transform: Callable[[Record], Record], stem: str, layout: str | None, row: Row) -> dict:
    """Apply ``transform`` to one row's record and write it in ``layout`` (None: the row's own); a
    per-row error (any exception: one row must not stop the run) becomes the output row."""
    try:
        record, own = read_record(row, stem)
        return from_record(transform(record), layout or own)
    except _Carried:
        return row.value
    except Exception as exc:
        return error_row(row, str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}")


def progress(iterable, total: int, desc: str, enabled: bool = True):
    """A tqdm progress bar on stderr when tqdm is installed (the ``[data]`` extra) and wanted."""
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=desc, unit="row", file=sys.stderr, dynamic_ncols=True)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, desc: str, enabled: bool = True):
    """A manual progress bar (``update``/``close``); a silent one without tqdm or when not wanted."""
    if enabled:
        try:
            from tqdm import tqdm

            return tqdm(total=total, desc=desc, unit="row", file=sys.stderr, dynamic_ncols=True)
        except ImportError:
            pass
    return _NoBar()


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def map_rows(fn: Callable[[Row], dict], rows: list[Row], workers: int, desc: str, show_progress: bool = True, threads: bool = False) -> Iterator[dict]:
    """``fn`` over ``rows`` in order: in this process for one worker, else on a pool of processes
    (CPU-bound rules) or threads (``threads``: network-bound calls)."""
    if workers <= 1 or len(rows) <= 1:
        yield from progress(map(fn, rows), len(rows), desc, show_progress)
        return
    pool = ThreadPoolExecutor(workers) if threads else ProcessPoolExecutor(workers)
    with pool:
        chunk = 1 if threads else max(1, min(64, len(rows) // (4 * workers)))
        yield from progress(pool.map(fn, rows, chunksize=chunk), len(rows), desc, show_progress)


def transform_file(src: str | Path, dest: str | Path, transform: Callable[[Record], Record], workers: int, desc: str,
                   show_progress: bool = True, threads: bool = False, layout: str | None = None) -> tuple[int, int]:
    """Read ``src``, transform every row's record, write ``dest`` (in ``layout``, else each row's
    own); returns (rows, bad rows)."""
    rows = read_rows(src)
    out = list(map_rows(partial(record_step, transform, Path(src).stem, layout), rows, workers, desc, show_progress, threads))
    write_rows(dest, out)
    return len(out), sum(map(is_error, out))
