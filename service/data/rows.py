"""Reading and writing data files row by row, where one bad row never stops a run.

Input is JSONL (one object per line, blank lines skipped) or one JSON array (Mulberry ships its data
that way). A row that cannot be used is written to the output as ``{"line", "id", "error", ...the
row}`` and counted; a row that already carries an ``error`` (from an earlier tool) passes through
unchanged and is counted again, so a pipeline ends with every bad row still accounted for.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
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
    offset: int | None = None
    """Where the row starts in the file, in bytes (:func:`read_row_at` reads it again from there)."""


_CHUNK = 1 << 20
_ROW_CHUNK = 1 << 14
"""Read size when one row is read again (more is read while it is cut off)."""
_NON_SPACE = re.compile(r"\S")


def read_rows(path: str | Path) -> Iterator[Row]:
    """Every row of a JSONL file or a JSON array, with the line (or array index + 1) it came from,
    one at a time: memory holds one row (and a chunk of the file), however large the file."""
    with Path(path).open("rb") as raw:
        start = _array_start(raw)
        if start is not None:
            raw.seek(start + 1)
            yield from _array_rows(_Buffer(raw))
            return
        raw.seek(0)
        offset = 0
        for number, line in enumerate(raw, 1):
            if line.strip():
                yield _parsed(number, line, offset)
            offset += len(line)


def is_array_file(path: str | Path) -> bool:
    """Whether the file holds one JSON array (else JSONL)."""
    with Path(path).open("rb") as raw:
        return _array_start(raw) is not None


def read_row_at(path: str | Path, offset: int, line: int, array: bool | None = None) -> Row:
    """The row that :func:`read_rows` gave with this ``offset`` (and ``line``), read again;
    ``array``: :func:`is_array_file` of the file, when the caller knows it."""
    if array is None:
        array = is_array_file(path)
    with Path(path).open("rb") as raw:
        raw.seek(offset)
        if not array:
            return _parsed(line, raw.readline(), offset)
        try:
            value, error = _decoded(json.JSONDecoder(), _Buffer(raw, _ROW_CHUNK))
        except UnicodeDecodeError as exc:
            value, error = None, f"not UTF-8: {exc.reason}"
        return Row(line, value, error, offset)


def _array_start(raw) -> int | None:
    """Where the file's ``[`` is when its first non-space byte is one (a JSON array), else None."""
    offset = 0
    while chunk := raw.read(_ROW_CHUNK):
        stripped = chunk.lstrip(b" \t\r\n")
        if stripped:
            return offset + len(chunk) - len(stripped) if stripped[:1] == b"[" else None
        offset += len(chunk)
    return None


def _parsed(number: int, line: bytes, offset: int) -> Row:
    try:
        return Row(number, json.loads(line.decode("utf-8")), offset=offset)
    except UnicodeDecodeError as exc:
        return Row(number, None, f"not UTF-8: {exc.reason} at byte {exc.start}", offset)
    except json.JSONDecodeError as exc:
        return Row(number, None, f"invalid JSON: {exc.msg} (column {exc.colno})", offset)
    except RecursionError:
        return Row(number, None, "invalid JSON: nested too deeply", offset)


class _Buffer:
    """A UTF-8 file read in chunks, with a position in the part not consumed yet and the byte offset
    of that position (counted incrementally: each character is encoded once)."""

    def __init__(self, raw, chunk: int = _CHUNK):
        self.raw, self.chunk = raw, chunk
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text, self.pos, self.eof = "", 0, False
        self.base = raw.tell()
        """Byte offset of ``text[mark]``."""
        self.mark = 0

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.raw.read(self.chunk)
        self.eof = not chunk
        self.offset()  # move the mark to pos before the consumed text is dropped
        self.text = self.text[self.pos :] + self.decoder.decode(chunk, final=self.eof)
        self.pos = self.mark = 0
        return bool(chunk)

    def offset(self) -> int:
        """The byte offset of the current position."""
        self.base += len(self.text[self.mark : self.pos].encode("utf-8", "surrogatepass"))
        self.mark = self.pos
        return self.base

    def next_char(self) -> str | None:
        """The next non-space character (not consumed), None at the end of the file."""
        while (m := _NON_SPACE.search(self.text, self.pos)) is None:
            self.pos = len(self.text)
            if not self.more():
                return None
        self.pos = m.start()
        return m.group()


def _array_rows(buffer: _Buffer) -> Iterator[Row]:
    """The elements of a JSON array (its ``[`` consumed), decoded one at a time."""
    decoder = json.JSONDecoder()
    try:
        yield from _elements(buffer, decoder)
    except UnicodeDecodeError as exc:
        yield Row(0, None, f"not UTF-8: {exc.reason} (the rest of the array is unread)")


def _elements(buffer: _Buffer, decoder: json.JSONDecoder) -> Iterator[Row]:
    index = 0
    while True:
        ch = buffer.next_char()
        if ch == "]":
            return
        if index and ch == ",":
            buffer.pos += 1
            ch = buffer.next_char()
        elif index:
            ch = None
        if ch is None:
            yield Row(
                index + 1,
                None,
                f"invalid JSON array: no ',' or ']' after element {index}"
                if index
                else "invalid JSON array: the file ends before its closing ']'",
            )
            return
        offset = buffer.offset()
        value, error = _decoded(decoder, buffer)
        index += 1
        if error is not None:
            yield Row(index, None, error, offset)
            return
        yield Row(index, value, None, offset)


def _decoded(decoder: json.JSONDecoder, buffer: _Buffer) -> tuple[Any, str | None]:
    """The JSON value at the buffer's position (consumed), reading more of the file while it is cut
    off, or (None, why not)."""
    while True:
        try:
            value, end = decoder.raw_decode(buffer.text, buffer.pos)
        except json.JSONDecodeError as exc:
            if buffer.more():
                continue
            return None, f"invalid JSON array: {exc.msg}"
        except RecursionError:
            return None, "invalid JSON: nested too deeply"
        if end == len(buffer.text) and buffer.more():  # a number may go on in the next chunk
            continue
        buffer.pos = end
        return value, None


def _json(value) -> str:
    """UTF-8 JSON; a lone surrogate (valid in JSON, not in UTF-8) is written escaped instead."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


class RowWriter:
    """Rows written one at a time: JSONL, or a JSON array when the path ends in ``.json``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.array = self.path.suffix == ".json"
        self.written = 0

    def __enter__(self) -> RowWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("w", encoding="utf-8")
        if self.array:
            self.file.write("[\n")
        return self

    def write(self, row: dict) -> None:
        if self.array and self.written:
            self.file.write(",\n")
        self.file.write(_json(row) + ("" if self.array else "\n"))
        self.written += 1

    def __exit__(self, *exc) -> None:
        if self.array:
            self.file.write("\n]\n")
        self.file.close()


def write_rows(path: str | Path, rows: Iterable[dict]) -> None:
    with RowWriter(path) as writer:
        for row in rows:
            writer.write(row)


def error_row(row: Row, message: str) -> dict:
    base = row.value if isinstance(row.value, dict) else ({} if row.value is None else {"value": row.value})
    return {
        "line": row.line,
        "id": base.get("id"),
        "error": message[:1000],
        **{k: v for k, v in base.items() if k not in ("line", "id", "error")},
    }


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
        record, _ = read_record(row, stem)
        return from_record(transform(record), layout)
    except _Carried:
        return row.value
    except Exception as exc:
        return error_row(row, str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}")


def progress(iterable, desc: str, enabled: bool = True):
    """A tqdm progress bar (rows done, rate) on stderr when tqdm is installed (the ``[data]`` extra) and wanted."""
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, desc=desc, unit="row", file=sys.stderr, dynamic_ncols=True)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(desc: str, enabled: bool = True):
    """A manual progress bar (``update``/``close``); a silent one without tqdm or when not wanted."""
    if enabled:
        try:
            from tqdm import tqdm

            return tqdm(desc=desc, unit="row", file=sys.stderr, dynamic_ncols=True)
        except ImportError:
            pass
    return _NoBar()


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


CHUNK_ROWS = 64
"""Rows per task sent to a worker process."""
WINDOW_PER_WORKER = 4
"""Tasks in flight per worker: enough to keep the workers busy, few enough that memory stays bounded."""


def _apply(fn: Callable[[Row], dict], chunk: list[Row]) -> list[dict]:
    return [fn(row) for row in chunk]


def chunked(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """``rows`` in lists of ``size`` (the last one shorter), read as they are needed."""
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def map_rows(
    fn: Callable[[Row], dict],
    rows: Iterable[Row],
    workers: int,
    desc: str,
    show_progress: bool = True,
    threads: bool = False,
) -> Iterator[dict]:
    """``fn`` over ``rows`` in order, as they are read: in this process for one worker, else on a pool
    of processes (CPU-bound rules) or threads (``threads``: network-bound calls), with a bounded
    number of rows in flight, so memory does not grow with the file."""
    if workers <= 1:
        yield from progress(map(fn, rows), desc, show_progress)
        return
    size = 1 if threads else CHUNK_ROWS
    pool = ThreadPoolExecutor(workers) if threads else ProcessPoolExecutor(workers)
    with pool:
        yield from progress(
            _windowed(pool, partial(_apply, fn), chunked(rows, size), workers * WINDOW_PER_WORKER), desc, show_progress
        )


def _windowed(pool, task: Callable, chunks: Iterator[list[Row]], window: int) -> Iterator[dict]:
    pending: deque = deque()
    for chunk in chunks:
        pending.append(pool.submit(task, chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def transform_file(
    src: str | Path,
    dest: str | Path,
    transform: Callable[[Record], Record],
    workers: int,
    desc: str,
    show_progress: bool = True,
    threads: bool = False,
    layout: str | None = None,
) -> tuple[int, int]:
    """Read ``src``, transform every row's record, write ``dest`` (in ``layout``, else each row's
    own), streaming; returns (rows, bad rows)."""
    counts = [0, 0]

    def counted(out: Iterator[dict]) -> Iterator[dict]:
        for row in out:
            counts[0] += 1
            counts[1] += is_error(row)
            yield row

    step = partial(record_step, transform, Path(src).stem, layout)
    write_rows(dest, counted(map_rows(step, read_rows(src), workers, desc, show_progress, threads)))
    return counts[0], counts[1]
