"""Training items for StepGRPO: a bundled synthetic demo set and the R1-VL JSONL layout.

An :class:`Item` is one prompt (image + question) with what the reward service needs to score its
completions (:meth:`Item.reference`): the answer, key-step groups and, for multiple choice, the
options. ``solution`` is a worked completion in the R1-VL format, usable for SFT warm-up.

:func:`demo_dataset` draws small figures with PIL (no files, no network), deterministic per seed:
right triangles (hypotenuse), bar charts (tallest bar as multiple choice, or a difference), rectangles
(area) and coloured shapes (counting). :func:`load_jsonl` / :func:`save_jsonl` read and write the
R1-VL data layout (``image_path``, ``problem``, ``solution``, ``key_steps``, optional ``choices``).
"""

from __future__ import annotations

import json
import os
import random
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from service.data.layouts import detect, to_record
from service.data.rows import is_array_file, read_row_at, read_rows
from stepgrpo_references import ANSWER_HEADER

__all__ = [
    "DEMO_KINDS",
    "Item",
    "ItemFile",
    "demo_dataset",
    "iter_items",
    "load_jsonl",
    "save_jsonl",
]


@dataclass(frozen=True)
class Item:
    image: Image.Image
    question: str
    answer: str
    key_steps: list[list[str]]
    solution: str
    choices: dict[str, str] | None = None
    item_id: str = ""

    def reference(self) -> dict:
        """The reward service's ``reference`` object for this item."""
        ref: dict[str, Any] = {"answer": self.answer, "key_steps": [list(g) for g in self.key_steps]}
        if self.choices is not None:
            ref["choices"] = dict(self.choices)
        ref["solution"] = self.solution
        return ref


# --------------------------------------------------------------------------------------------------
# Demo data set
# --------------------------------------------------------------------------------------------------

DEMO_KINDS = ("triangle", "bars", "rectangle", "count")
"""The kinds of demo item, in the order they cycle; each item's ``item_id`` starts with its kind."""

_TRIPLES = (
    (3, 4, 5),
    (6, 8, 10),
    (5, 12, 13),
    (9, 12, 15),
    (8, 15, 17),
    (12, 16, 20),
    (15, 20, 25),
    (7, 24, 25),
    (20, 21, 29),
    (10, 24, 26),
)
_TRIANGLE_NAMES = ("ABC", "PQR", "XYZ", "DEF", "KLM")
_RECT_NAMES = ("ABCD", "PQRS", "EFGH", "KLMN")
_BAR_NAMES = (
    "Ann",
    "Ben",
    "Cal",
    "Dot",
    "Eli",
    "Fay",
    "Gus",
    "Ivy",
    "Jon",
    "Kim",
    "Liz",
    "Ned",
    "Pam",
    "Ray",
    "Sue",
    "Tom",
)
_BAR_COLOURS = ((66, 133, 244), (234, 67, 53), (251, 188, 5), (52, 168, 83), (171, 71, 188), (255, 112, 67))
_SHAPE_COLOURS = {"red": (220, 40, 40), "blue": (40, 80, 220), "green": (30, 160, 60)}
_BLACK = (0, 0, 0)
_WHITE = (255, 255, 255)


@lru_cache(maxsize=32)
def _font(px: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=px)
    except (TypeError, ImportError, OSError):  # old Pillow or no FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _solution(description: str, rationale: str, steps: list[str], answer: str) -> str:
    parts = ["### Image Description:", description, "### Rationales:", rationale, "### Let's think step by step."]
    for number, step in enumerate(steps, 1):
        parts += [f"### Step {number}:", step]
    parts.append(f"{ANSWER_HEADER} {answer}")
    return "\n".join(parts)


def _canvas(size: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (size, size), _WHITE)
    return image, ImageDraw.Draw(image)


def _triangle(rng: random.Random, size: int) -> tuple[Image.Image, str, str, list[list[str]], str, None]:
    a, b, c = rng.choice(_TRIPLES)
    if rng.random() < 0.5:
        a, b = b, a
    p, q, r = list(rng.choice(_TRIANGLE_NAMES))  # right angle at q; legs pq (vertical) = a, qr (horizontal) = b
    k = size / 112
    left, right, top, bottom = 30 * k, 16 * k, 10 * k, 26 * k
    avail_w, avail_h = size - left - right, size - top - bottom
    ratio = min(max(a / b, 0.5), 2.0)  # drawn roughly to scale, never a sliver
    scale = min(avail_w, avail_h / ratio)
    width, height = scale, scale * ratio
    qx, qy = left, size - bottom
    px, py = qx, qy - height
    rx, ry = qx + width, qy
    image, draw = _canvas(size)
    line = max(1, round(2 * k))
    draw.polygon([(px, py), (qx, qy), (rx, ry)], fill=(232, 240, 255), outline=_BLACK, width=line)
    mark = 8 * k
    draw.line([(qx, qy - mark), (qx + mark, qy - mark), (qx + mark, qy)], fill=_BLACK, width=max(1, line // 2))
    letters, numbers = _font(round(14 * k)), _font(round(15 * k))
    draw.text((px - 5 * k, py), p, font=letters, fill=_BLACK, anchor="rm")
    draw.text((qx - 5 * k, qy + 3 * k), q, font=letters, fill=_BLACK, anchor="rt")
    draw.text((rx + 2 * k, ry + 3 * k), r, font=letters, fill=_BLACK, anchor="lt")
    draw.text((qx - 5 * k, (py + qy) / 2 + 4 * k), str(a), font=numbers, fill=(200, 0, 0), anchor="rm")
    draw.text(((qx + rx) / 2, qy + 4 * k), str(b), font=numbers, fill=(200, 0, 0), anchor="mt")
    draw.text(((px + rx) / 2 + 5 * k, (py + ry) / 2 - 5 * k), "?", font=numbers, fill=(200, 0, 0), anchor="lb")

    leg1, leg2, hyp = p + q, q + r, p + r
    question = (
        f"In the right triangle {p}{q}{r}, the right angle is at {q}. What is the length of the hypotenuse {hyp}?"
    )
    description = (
        f"A right triangle {p}{q}{r} with the right angle at {q}; the legs {leg1} and {leg2} are labelled {a} and {b}."
    )
    rationale = f"The hypotenuse {hyp} of a right triangle follows from its two legs by the Pythagorean theorem."
    steps = [
        f"From the figure, the legs are {leg1} = {a} and {leg2} = {b}, with the right angle at {q}.",
        f"By the Pythagorean theorem, {hyp}^2 = {leg1}^2 + {leg2}^2 = {a}^2 + {b}^2 = {a * a} + {b * b} = {c * c}.",
        f"So {hyp} = \\sqrt{{{c * c}}} = {c}.",
    ]
    key_steps = [
        [f"{leg1} = {a}", f"{leg1}={a}"],
        [f"{leg2} = {b}", f"{leg2}={b}"],
        ["pythagorean theorem", "pythagoras theorem"],
        [f"{a * a} + {b * b} = {c * c}", f"{a}^2 + {b}^2 = {c * c}"],
        [f"{hyp} = {c}", f"{hyp}={c}", f"{hyp} = \\sqrt{{{c * c}}} = {c}"],
    ]
    return image, question, str(c), key_steps, _solution(description, rationale, steps, str(c)), None


def _bar_chart(names: list[str], values: list[int], colours: list[tuple[int, int, int]], size: int) -> Image.Image:
    """Labelled bars, each value written above its bar."""
    n = len(names)
    k = size / 112
    left, right, top, bottom = 2 * k, 2 * k, 18 * k, 18 * k
    base = size - bottom
    slot = (size - left - right) / n
    tallest = max(values)
    image, draw = _canvas(size)
    font, label_font = _font(round(12 * k)), _font(round((12 if n == 3 else 11) * k))
    for i, (name, value, colour) in enumerate(zip(names, values, colours, strict=True)):
        cx = left + slot * (i + 0.5)
        half = slot * 0.3
        y = base - value / tallest * (base - top)
        draw.rectangle([cx - half, y, cx + half, base], fill=colour, outline=_BLACK)
        draw.text((cx, y - 2 * k), str(value), font=font, fill=_BLACK, anchor="mb")
        draw.text((cx, base + 3 * k), name, font=label_font, fill=_BLACK, anchor="mt")
    draw.line([(left / 2, base), (size - right / 2, base)], fill=_BLACK, width=max(1, round(k)))
    return image


def _bars(rng: random.Random, size: int) -> tuple[Image.Image, str, str, list[list[str]], str, dict[str, str] | None]:
    n = rng.choice((3, 4))
    names = rng.sample(_BAR_NAMES, n)
    values = rng.sample(range(2, 21), n)
    colours = rng.sample(_BAR_COLOURS, n)
    tallest = max(values)
    image = _bar_chart(names, values, colours, size)
    listed = (
        ", ".join(f"{name} = {value}" for name, value in zip(names[:-1], values[:-1], strict=True))
        + f" and {names[-1]} = {values[-1]}"
    )
    description = (
        f"A bar chart with {n} bars labelled {', '.join(names[:-1])} and {names[-1]}, "
        "with each value written above its bar."
    )
    value_groups = [
        [f"{name} = {value}", f"{name}={value}", f"{name} has {value}"]
        for name, value in zip(names, values, strict=True)
    ]
    if rng.random() < 0.5:
        letters = "ABCD"[:n]
        choices = dict(zip(letters, names, strict=True))
        best = values.index(tallest)
        answer = letters[best]
        question = "Which bar in the chart is the tallest?\nChoices:\n" + "\n".join(
            f"({letter}) {name}" for letter, name in choices.items()
        )
        rationale = "The tallest bar is the one with the largest value, so I read every value and compare them."
        steps = [
            f"The values written above the bars are {listed}.",
            f"The largest value is {tallest}, so the tallest bar is {names[best]}, which is option {answer}.",
        ]
        key_steps = [*value_groups, [f"tallest bar is {names[best]}", f"{names[best]} is the tallest"]]
        return image, question, answer, key_steps, _solution(description, rationale, steps, answer), choices
    i, j = rng.sample(range(n), 2)
    if values[i] < values[j]:
        i, j = j, i
    big, small, diff = values[i], values[j], values[i] - values[j]
    question = f"In the bar chart, how much larger is the value of {names[i]} than the value of {names[j]}?"
    rationale = (
        f"I read the values of {names[i]} and {names[j]} from the labels above the bars "
        "and subtract the smaller from the larger."
    )
    steps = [
        f"The values written above the two bars are {names[i]} = {big} and {names[j]} = {small}.",
        f"The difference is {big} - {small} = {diff}, so {names[i]} is {diff} more than {names[j]}.",
    ]
    key_steps = [
        value_groups[i],
        value_groups[j],
        [f"{big} - {small} = {diff}", f"{big}-{small}={diff}"],
        [f"{names[i]} is {diff} more than {names[j]}", f"{diff} more than {names[j]}"],
    ]
    return image, question, str(diff), key_steps, _solution(description, rationale, steps, str(diff)), None


def _rectangle(rng: random.Random, size: int) -> tuple[Image.Image, str, str, list[list[str]], str, None]:
    width, height = rng.randint(3, 15), rng.randint(2, 12)
    while height == width:
        height = rng.randint(2, 12)
    a, b, c, d = list(rng.choice(_RECT_NAMES))  # a bottom-left, b bottom-right, c top-right, d top-left
    k = size / 112
    left, right, top, bottom = 18 * k, 30 * k, 14 * k, 28 * k
    avail_w, avail_h = size - left - right, size - top - bottom
    ratio = min(max(height / width, 0.4), 2.0)
    scale = min(avail_w, avail_h / ratio)
    x0, y1 = left, size - bottom
    x1, y0 = x0 + scale, y1 - scale * ratio
    image, draw = _canvas(size)
    draw.rectangle([x0, y0, x1, y1], fill=(255, 243, 205), outline=_BLACK, width=max(1, round(2 * k)))
    letters, numbers = _font(round(14 * k)), _font(round(15 * k))
    draw.text((x0 - 3 * k, y1 + 2 * k), a, font=letters, fill=_BLACK, anchor="rt")
    draw.text((x1 + 3 * k, y1 + 2 * k), b, font=letters, fill=_BLACK, anchor="lt")
    draw.text((x1 + 3 * k, y0 - 2 * k), c, font=letters, fill=_BLACK, anchor="lb")
    draw.text((x0 - 3 * k, y0 - 2 * k), d, font=letters, fill=_BLACK, anchor="rb")
    draw.text(((x0 + x1) / 2, y1 + 4 * k), str(width), font=numbers, fill=(200, 0, 0), anchor="mt")
    draw.text((x1 + 5 * k, (y0 + y1) / 2), str(height), font=numbers, fill=(200, 0, 0), anchor="lm")

    name, ab, bc, area = a + b + c + d, a + b, b + c, width * height
    question = f"What is the area of rectangle {name}?"
    description = f"A rectangle {name} with the side {ab} labelled {width} and the side {bc} labelled {height}."
    rationale = f"The area of a rectangle is the product of its two side lengths, so I need {ab} and {bc}."
    steps = [
        f"From the figure, the sides of rectangle {name} are {ab} = {width} and {bc} = {height}.",
        f"The area of a rectangle is length times width, so we multiply {width} × {height} = {area}.",
        f"Therefore the area of rectangle {name} is {area}.",
    ]
    key_steps = [
        [f"{ab} = {width}", f"{ab}={width}"],
        [f"{bc} = {height}", f"{bc}={height}"],
        ["length times width", "length × width"],
        [f"{width} × {height} = {area}", f"{width} * {height} = {area}", f"{width} \\times {height} = {area}"],
        [f"area of rectangle {name} is {area}", f"area is {area}", f"area = {area}"],
    ]
    return image, question, str(area), key_steps, _solution(description, rationale, steps, str(area)), None


def _count(rng: random.Random, size: int) -> tuple[Image.Image, str, str, list[list[str]], str, None]:
    colours = list(_SHAPE_COLOURS)
    target = rng.choice(colours)
    counts = {colour: rng.randint(1, 5) if colour == target else rng.randint(1, 4) for colour in colours}
    total = sum(counts.values())
    grid = 4
    cells = rng.sample(range(grid * grid), total)
    fills = [colour for colour in colours for _ in range(counts[colour])]
    rng.shuffle(fills)
    image, draw = _canvas(size)
    cell = size / grid
    for index, colour in zip(cells, fills, strict=True):
        half = cell * rng.uniform(0.26, 0.34)
        cx = (index % grid + 0.5) * cell + rng.uniform(-0.08, 0.08) * cell
        cy = (index // grid + 0.5) * cell + rng.uniform(-0.08, 0.08) * cell
        box = [cx - half, cy - half, cx + half, cy + half]
        fill, shape = _SHAPE_COLOURS[colour], rng.choice(("circle", "square", "triangle"))
        if shape == "circle":
            draw.ellipse(box, fill=fill, outline=_BLACK)
        elif shape == "square":
            draw.rectangle(box, fill=fill, outline=_BLACK)
        else:
            draw.polygon([(cx, cy - half), (cx + half, cy + half), (cx - half, cy + half)], fill=fill, outline=_BLACK)

    n = counts[target]
    red, blue, green = (counts[c] for c in colours)
    question = f"How many {target} shapes are there in the image?"
    description = (
        f"The image shows {total} small circles, squares and triangles in red, blue and green on a white background."
    )
    rationale = (
        f"The question asks only about the {target} shapes, so I count the shapes of each colour and check the total."
    )
    steps = [
        f"Looking at the image, there are {total} shapes in total: {red} red, {blue} blue and {green} green.",
        f"As a check, {red} + {blue} + {green} = {total}, which matches the total.",
        f"So there {'is' if n == 1 else 'are'} {n} {target} shape{'' if n == 1 else 's'}.",
    ]
    key_steps = [
        [f"{total} shapes"],
        [f"{red} red"],
        [f"{blue} blue"],
        [f"{green} green"],
        [f"{red} + {blue} + {green} = {total}", f"{red}+{blue}+{green}={total}"],
    ]
    return image, question, str(n), key_steps, _solution(description, rationale, steps, str(n)), None


_MAKERS = {"triangle": _triangle, "bars": _bars, "rectangle": _rectangle, "count": _count}


def demo_dataset(n: int, seed: int = 0, size: int = 112) -> list[Item]:
    """``n`` synthetic items drawn on ``size``×``size`` RGB images, the same for the same ``seed``.

    The kinds cycle (triangle, bars, rectangle, count, starting at ``seed % 4``), so any four
    consecutive items cover all of them; item ``i`` does not depend on ``n``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    if size < 48:
        raise ValueError(f"size must be >= 48 pixels to keep labels legible, not {size}")
    items = []
    for i in range(n):
        kind = DEMO_KINDS[(i + seed) % len(DEMO_KINDS)]
        rng = random.Random(f"stepgrpo-demo:{seed}:{i}")
        image, question, answer, key_steps, solution, choices = _MAKERS[kind](rng, size)
        items.append(Item(image, question, answer, key_steps, solution, choices, f"{kind}-{seed}-{i:05d}"))
    return items


# --------------------------------------------------------------------------------------------------
# R1-VL JSONL layout
# --------------------------------------------------------------------------------------------------


def _image_path(raw: str, root: Path) -> Path:
    if not raw.strip():
        raise ValueError("'image_path' must be a non-empty string (one image per item)")
    path = Path(raw).expanduser()
    return path if path.is_absolute() else root / path


def _open_image(path: Path, decode: bool = True) -> Image.Image | None:
    """The image as RGB; with ``decode`` False, only a check of its header (None)."""
    try:
        with Image.open(path) as image:
            if not decode:
                return None
            image.load()
            return image.convert("RGB")
    except FileNotFoundError:
        raise ValueError(f"image not found: {path}") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"cannot read image {path}: {exc}") from None


_CONVERT_HINT = "(rows in another layout: python -m service.data convert FILE -o OUT --to r1vl)"


def _item_from_row(row: Any, root: Path, default_id: str, open_image=_open_image) -> Item:
    """One row in any layout the data tools read (R1-VL, Mulberry, this project's), read by the same code."""
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    layout = detect(row)
    record = to_record(row, layout, default_id)
    if record.question is None:
        asked = "a user turn" if layout == "mulberry" else "'problem' or 'question'"
        raise ValueError(f"missing {asked} {_CONVERT_HINT}")
    if not record.question.strip():
        raise ValueError("'problem' is empty")
    if record.answer is None and record.solution is None:
        raise ValueError(f"missing 'solution' (or 'answer') {_CONVERT_HINT}")
    answer, choices = record.reference()
    if answer is None or not answer.strip():
        raise ValueError("the answer is empty (no 'answer', and the solution states none)")
    key_steps = record.key_step_groups()
    if record.image_path is None:
        raise ValueError(f"missing 'image_path' (or 'image') {_CONVERT_HINT}")
    image = open_image(_image_path(record.image_path, root))
    return Item(image, record.question, answer, key_steps, record.solution or "", choices, record.id)


def iter_items(path: str | Path, image_root: str | Path | None = None) -> Iterator[Item]:
    """Items from a data file, one row at a time (constant memory however large the file): JSONL or a
    JSON array, in any layout the data tools read. Relative image paths resolve against ``image_root``,
    else the file's folder. A bad row raises :class:`ValueError` naming the file, the line and the problem."""
    path = Path(path)
    root = _root(path, image_root)
    for row in read_rows(path):
        yield _row_item(path, root, row)


def _root(path: Path, image_root: str | Path | None) -> Path:
    return Path(image_root).expanduser() if image_root is not None else path.parent


def _row_item(path: Path, root: Path, row, open_image=_open_image) -> Item:
    try:
        if row.error is not None:
            raise ValueError(row.error)
        return _item_from_row(row.value, root, f"{path.stem}-{row.line}", open_image)
    except ValueError as exc:
        raise ValueError(f"{path}, line {row.line}: {exc}") from None


class ItemFile(Sequence[Item]):
    """The items of a data file, read from disk when indexed: only where each row starts is kept
    (16 bytes a row: its byte offset and line), so a trainer can sample a file of any size. Every
    row is read once when the file is opened (its image's header too), so a bad row fails at once,
    naming its line."""

    def __init__(self, path: str | Path, image_root: str | Path | None = None):
        self.path = Path(path)
        self.root = _root(self.path, image_root)
        self.array = is_array_file(self.path)
        self.offsets, self.lines = array("q"), array("q")
        for row in read_rows(self.path):
            _row_item(self.path, self.root, row, partial(_open_image, decode=False))  # decoded when sampled
            assert row.offset is not None, "a row without an offset carries an error, which _row_item raised"
            self.offsets.append(row.offset)
            self.lines.append(row.line)

    def __len__(self) -> int:
        return len(self.offsets)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        offset, line = self.offsets[index], self.lines[index]
        return _row_item(self.path, self.root, read_row_at(self.path, offset, line, self.array))


def load_jsonl(path: str | Path, image_root: str | Path | None = None) -> ItemFile:
    """Every item of a data file (see :func:`iter_items`), as a sequence read from disk on access
    (:class:`ItemFile`): ``image_path`` (or ``image``/``images``), ``problem`` (or ``question``, or
    Mulberry's user turn), the answer (``answer``, else the solution's: ``### The final answer is:``,
    ``Answer: C``, a short one-line solution), ``key_steps`` (every form the service accepts, read as the
    server scores them: :func:`stepgrpo_references.key_step_groups`), ``choices`` (else a ``Choices:``
    block in the question) and ``id``. Every row is read by :mod:`stepgrpo_references`, as the server,
    the adapters and the data tools read it."""
    return ItemFile(path, image_root)


def _relative(file: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(file.resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return file.resolve().as_posix()


def save_jsonl(items: Iterable[Item], path: str | Path, image_dir: str | Path) -> Path:
    """Write ``items`` as R1-VL JSONL at ``path``, their images as PNG files in ``image_dir``.

    Image paths are written relative to the JSONL's folder, key steps as ``{"Steps": [...]}`` (the
    reference R1-VL trainer reads that form), so ``load_jsonl(save_jsonl(items, ...))`` round-trips.
    Returns ``path``.
    """
    path, image_dir = Path(path), Path(image_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    image_dir.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for i, item in enumerate(items):
            stem = re.sub(r"[^A-Za-z0-9._-]+", "_", item.item_id)[:80].strip("._") or "item"
            image_file = image_dir / f"{i:06d}-{stem}.png"
            item.image.convert("RGB").save(image_file, format="PNG")
            row: dict[str, Any] = {
                "id": item.item_id,
                "image_path": _relative(image_file, path.parent),
                "problem": item.question,
                "solution": item.solution,
                "answer": item.answer,
                "key_steps": {"Steps": [list(g) for g in item.key_steps]},
            }
            if item.choices is not None:
                row["choices"] = dict(item.choices)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
