"""``python -m bench.demo_learning``: does the default demo learn, and does a broken signal not?

For each seed it runs the default demo (``python -m trainer_client.run``) twice against one reward
server on 127.0.0.1: as it is, and with ``--shuffle-advantages`` (the same advantages given to the
wrong completions of each group, the control that must not learn). It prints one table row per seed:
mean reward, validity and accuracy over the first fifth of the GRPO steps -> the last fifth, for
both, and each run's wall-clock and CPU seconds. ``--pictures DIR`` redraws the first seed's two
curves as ``DIR/demo-reward.png`` and ``DIR/demo-control.png`` (the README shows them).

    .venv/bin/python -m bench.demo_learning                       # 5 seeds, its own server
    .venv/bin/python -m bench.demo_learning --seeds 0 1 --reward-url http://127.0.0.1:8000
    .venv/bin/python -m bench.demo_learning --jobs 2                # two runs at a time (CPU s stay per run)
    .venv/bin/python -m bench.demo_learning --pictures docs -- --steps 60   # flags after -- go to the trainer
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from trainer_client import plot

from .common import ROOT, Server

ROWS = (("reward", "reward"), ("validity_rate", "validity"), ("accuracy", "accuracy"))


def run_demo(url: str, seed: int, out: Path, control: bool, extra: list[str]) -> tuple[list[dict], float, float]:
    """One demo run; its per-step metrics, wall-clock seconds and CPU seconds (user + system, of this
    run's process alone, so runs may go in parallel)."""
    flags = ["--reward-url", url, "--seed", str(seed), "--output-dir", str(out), "--no-progress", *extra]
    if control:
        flags.append("--shuffle-advantages")
    out.mkdir(parents=True, exist_ok=True)
    log = out / "trainer.log"
    started = time.perf_counter()
    with log.open("wb") as output:
        run = subprocess.Popen(
            [sys.executable, "-m", "trainer_client.run", *flags], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(run.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"trainer failed (seed {seed}, control={control}):\n{log.read_text()[-4000:]}")
    return plot.read_metrics(out / "metrics.jsonl"), wall, usage.ru_utime + usage.ru_stime


def demo_run(url: str, seed: int, control: bool, out: Path, extra: list[str]) -> tuple[list[dict], float, float]:
    """:func:`run_demo` into ``out/real-SEED`` or ``out/control-SEED``, with a line when it is done."""
    kind = "control" if control else "real"
    metrics, wall, cpu = run_demo(url, seed, out / f"{kind}-{seed}", control, extra)
    print(f"seed {seed} {kind}: reward {moved(metrics, 'reward')} ({wall:.0f} s, {cpu:.0f} CPU s)", flush=True)
    return metrics, wall, cpu


def moved(metrics: list[dict], key: str) -> str:
    first, last = plot.fifths(metrics, key)
    return f"{first:.2f} → {last:.2f}"


def table(rows: list[tuple[int, list[dict], list[dict], float, float]]) -> str:
    """Markdown: per seed, first fifth -> last fifth of each curve, real and control, and the costs."""
    head = ["seed"] + [f"{label} ({kind})" for _, label in ROWS for kind in ("real", "control")] + ["wall s", "CPU s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for seed, real, control, wall, cpu in rows:
        curves = [moved(m, key) for key, _ in ROWS for m in (real, control)]
        cells = [str(seed), *curves, f"{wall:.0f}", f"{cpu:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    p = argparse.ArgumentParser(prog="python -m bench.demo_learning", description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument("--reward-url", default=None, help="use this service (default: start one on 127.0.0.1)")
    p.add_argument("--out", default="runs/bench-demo", help="the runs' output folders go here")
    p.add_argument("--jobs", type=int, default=1, help="trainer runs at once (each one's CPU seconds are its own)")
    p.add_argument("--pictures", default=None, help="redraw the first seed's real and control curves into this folder")
    args = p.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    server = None
    url = args.reward_url
    if url is None:
        server = Server("--workers", str(min(2, os.cpu_count() or 1)))
        server.start()
        url = server.url
    out = Path(args.out)
    runs = [(seed, control) for seed in args.seeds for control in (False, True)]
    try:
        with ThreadPoolExecutor(args.jobs) as pool:
            done = list(pool.map(lambda run: demo_run(url, run[0], run[1], out, extra), runs))
    finally:
        if server is not None:
            server.stop()
    results = dict(zip(runs, done, strict=True))
    rows = [(seed, results[seed, False][0], results[seed, True][0], *results[seed, False][1:]) for seed in args.seeds]
    flags = f", trainer flags: {' '.join(extra)}" if extra else ""
    print(f"\nfirst fifth → last fifth of the GRPO steps (wall and CPU seconds: the real run{flags})")
    print(table(rows))
    if args.pictures:
        pictures = Path(args.pictures)
        pictures.mkdir(parents=True, exist_ok=True)
        seed, real, control = rows[0][:3]
        plot.draw(real, pictures / "demo-reward.png", f"the demo, seed {seed}: {len(real)} GRPO steps")
        title = f"control (advantages shuffled within each group), seed {seed}"
        plot.draw(control, pictures / "demo-control.png", title)
        print(f"pictures: {pictures / 'demo-reward.png'}, {pictures / 'demo-control.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
