"""``python -m bench.data_stream [--sizes-mb 64 256 1024] [--json]``: memory of the data tools and
the trainer's loader against the size of their input.

For each size, writes a file of rows shaped like CoMCTS's search output (four models' responses,
``conversations`` of ``from``/``value`` turns, a ``question`` with a ``Choices:`` block, a key-step
object; a JSON array, as Mulberry ships its data, or JSONL with ``--jsonl``), then runs in a fresh process each:
``python -m service.data convert --to r1vl`` (1 worker), ``augment`` (2 workers; rows carry key steps)
and the trainer's loader (``trainer_client.data.load_jsonl``, which ``trainer_client.run --data``
calls: it reads every row once, then 1000 items sampled at random as a training step does), and prints each one's
seconds and peak RSS (``ru_maxrss`` of the process and of its worker processes). Streaming means the peak stays flat as
the file grows; reading whole files made it grow with the file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


_MODELS = ("gpt-4o", "qwen2_vl_7b", "qwen2_vl_72b", "llama_vision_11b")


def _response(i: int, k: int) -> str:
    """A CoMCTS-style searched response (about 0.8 kB)."""
    steps = "".join(
        f"### Step {n}:\nFrom the figure, angle {n} + angle {n + 1} = 180° because the lines are "
        f"parallel, so angle {n + 1} = {180 - (i + n + k) % 90}°.\n\n"
        for n in range(1, 6)
    )
    return (
        "### Image Description:\nTwo parallel lines cut by a transversal, with numbered angles.\n\n"
        "### Rationales:\nAngles on parallel lines are supplementary or equal.\n\n"
        "### Let's think step by step.\n" + steps + "### The final answer is: " + "ABCD"[(i + k) % 4]
    )


def _row(i: int) -> dict:
    """A row of CoMCTS's search output (comcts/README.md of HJYao00/Mulberry): four models' responses
    beside the ``conversations`` ground truth, about 5 kB as JSON."""
    choices = "\n".join(f"{letter}: {10 * i % 97 + k}" for k, letter in enumerate("ABCD"))
    searched = {}
    for k, model in enumerate(_MODELS):
        searched[model] = {"response": _response(i, k), "value": 1.0 + k / 10, "is_correct": 1, "valid": 1}
    return {
        **searched,
        "image": "img.png",
        "question": f"Question: Find angle 2 in figure {i}.\nChoices:\n{choices}",
        "conversations": [
            {"from": "human", "value": f"<image>\nQuestion: Find angle 2 in figure {i}.\nChoices:\n{choices}"},
            {"from": "gpt", "value": _response(i, 0)},
        ],
        "key_steps": {
            "Image Description": ["two parallel lines"],
            "Steps": [["angle 1 + angle 2 = 180°"], ["parallel"]],
        },
    }


def write_file(path: Path, megabytes: int, array: bool) -> int:
    """A data file of about ``megabytes`` MB; returns its row count."""
    target, size, rows = megabytes * 1_000_000, 0, 0
    with path.open("w", encoding="utf-8") as f:
        f.write("[\n" if array else "")
        while size < target:
            text = json.dumps(_row(rows), ensure_ascii=False)
            f.write(("" if not array or rows == 0 else ",\n") + text + ("" if array else "\n"))
            size += len(text) + 2
            rows += 1
        f.write("\n]\n" if array else "")
    return rows


_LOADER = """
import random, sys
from trainer_client.data import load_jsonl
items = load_jsonl(sys.argv[1])
indices = random.Random(0).sample(range(len(items)), min(1000, len(items)))
print(len(items), sum(len(items[i].question) for i in indices))
"""
_MEASURED = """
import atexit, resource, runpy, sys
def report():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stderr.write(f"\\nPEAK_RSS_KB {max(own, children)}\\n")
atexit.register(report)
mode, target, *rest = sys.argv[1:]
sys.argv = [target, *rest]
if mode == "-m":
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    exec(target)
"""


def run_child(args: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB: the largest of the process and its worker processes) of one child
    process, which must succeed."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed: {proc.stderr[-2000:]}")
    peak_kb = int(proc.stderr.rsplit("PEAK_RSS_KB", 1)[1].split()[0])
    return seconds, peak_kb / 1024


def data_steps(src: Path, folder: Path) -> list[tuple[str, list[str]]]:
    """(name, child's arguments) of each step run on ``src``, writing into ``folder``."""
    return [
        (
            "convert",
            [
                "-m",
                "service.data",
                "convert",
                str(src),
                "-o",
                str(folder / "out.jsonl"),
                "--to",
                "r1vl",
                "--no-progress",
            ],
        ),
        (
            "augment",
            [
                "-m",
                "service.data",
                "augment",
                str(src),
                "-o",
                str(folder / "aug.jsonl"),
                "--workers",
                "2",
                "--no-progress",
            ],
        ),
        ("trainer", ["-c", _LOADER, str(src)]),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.data_stream", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes-mb", type=int, nargs="+", default=[64, 256, 1024], help="input sizes (default 64 256 1024)"
    )
    ap.add_argument("--jsonl", action="store_true", help="JSONL input instead of a JSON array")
    every = ["convert", "augment", "trainer"]
    ap.add_argument(
        "--steps", nargs="+", choices=every, default=every, help="what to run on each file (default: all three)"
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args(argv)
    figures = []
    print(f"{'input':>9}  {'rows':>9}  {'step':<8} {'seconds':>8}  {'peak RSS MB':>11}")
    for megabytes in sorted(args.sizes_mb):
        with tempfile.TemporaryDirectory(prefix="stepgrpo-data-bench-") as tmp:
            folder = Path(tmp)
            Image.new("RGB", (8, 8), (200, 30, 30)).save(folder / "img.png")
            src = folder / ("rows.jsonl" if args.jsonl else "rows.json")
            rows = write_file(src, megabytes, array=not args.jsonl)
            steps = data_steps(src, folder)
            for name, child in [step for step in steps if step[0] in args.steps]:
                seconds, peak = run_child(child, folder)
                figures.append(
                    {
                        "megabytes": megabytes,
                        "rows": rows,
                        "step": name,
                        "seconds": round(seconds, 1),
                        "peak_rss_mb": round(peak, 1),
                    }
                )
                print(f"{megabytes:>6} MB  {rows:>9}  {name:<8} {seconds:>8.1f}  {peak:>11.1f}", flush=True)
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
