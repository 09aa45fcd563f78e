"""What the policy-behaviour telemetry costs on the typical workload, as a ratio measured in one run.

    .venv/bin/python -m bench.telemetry_cost --baseline /path/to/checkout/without/it [--groups 150] [--rounds 6]

The same groups are scored by this checkout and by the baseline checkout, in CPU seconds (a fresh process each,
alternating which goes first, so a loaded machine slows both alike): the core's per-completion summary is in
this one's time. This checkout then counts its results as the front end does (:class:`service.ops.behaviour.Behaviour`,
into a real registry), timed apart. It prints each round's seconds, the median ratio of this checkout's time
(scoring plus counting) to the baseline's, and the ratio of the two fastest rounds. On a loaded machine the
processes' times scatter; the last line isolates the core's summary in one process (the same groups scored with
it and with it replaced by constants, alternating), which the scatter between processes does not reach.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, logging, sys, time
logging.getLogger("math_verify").setLevel(logging.ERROR)
from bench.inprocess import core_reference
from bench.workload import Workload
from service.rewards import PROFILES, PreparedGroup, Settings
groups = Workload(0).take(int(sys.argv[1]))
warm = Workload(0, start=10**6).take(8)
for g in warm:
    PreparedGroup(core_reference(g.reference), PROFILES["stepgrpo"], Settings()).score(g.completions[0])
t = time.process_time()
out = []
for g in groups:
    prepared = PreparedGroup(core_reference(g.reference), PROFILES["stepgrpo"], Settings())
    out.append([prepared.score(c) for c in g.completions])
scoring = time.process_time() - t
counting = 0.0
try:
    from service.ops.behaviour import Behaviour
    from service.ops.config import Config
    from service.ops.metrics import Metrics
except ImportError:
    pass
else:
    behaviour = Behaviour(Metrics(), Config().metrics_runs)
    t = time.process_time()
    behaviour.observe("stepgrpo", "v", "run", groups, out, [False] * len(groups))
    counting = time.process_time() - t
print(json.dumps({"scoring": scoring, "counting": counting, "n": sum(len(g) for g in out)}))
"""


def measure(tree: Path, groups: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(groups)], cwd=tree, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary_ab(rounds: int, groups: int) -> tuple[float, float]:
    """In one process, the same fresh groups scored with the core's summary and with it replaced by constants,
    alternating which goes first: (median ratio, ratio of the sums) of CPU seconds, on to off."""
    import logging
    import time

    import service.rewards.score as core
    from bench.inprocess import core_reference
    from bench.workload import Workload
    from service.rewards import PROFILES, PreparedGroup, Settings

    logging.getLogger("math_verify").setLevel(logging.ERROR)
    names = ("verdict_codes", "failed_checks", "reason_codes", "Summary")
    real = tuple(getattr(core, name) for name in names)
    constant = (lambda v: ("right", "plain"), lambda c: (), lambda r: (), lambda *a: None)

    def scored(batch) -> float:
        started = time.process_time()
        for g in batch:
            prepared = PreparedGroup(core_reference(g.reference), PROFILES["stepgrpo"], Settings())
            for c in g.completions:
                prepared.score(c)
        return time.process_time() - started

    workload = Workload(0, start=2 * 10**6)
    scored(workload.take(8))
    on: list[float] = []
    off: list[float] = []
    try:
        for r in range(rounds):
            batch = workload.take(groups)
            arms = [(real, on), (constant, off)]
            for functions, times in arms if r % 2 == 0 else arms[::-1]:
                for name, function in zip(names, functions, strict=True):
                    setattr(core, name, function)
                times.append(scored(batch))
    finally:
        for name, function in zip(names, real, strict=True):
            setattr(core, name, function)
    return statistics.median(a / b for a, b in zip(on, off, strict=True)), sum(on) / sum(off)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout without the telemetry")
    parser.add_argument("--groups", type=int, default=150, help="typical-workload groups of 4 scored per round")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    ratios, ours_all, base_all = [], [], []
    for r in range(args.rounds):
        if r % 2:  # alternate which goes first: a machine that speeds up or slows down favours neither
            ours, base = measure(ROOT, args.groups), measure(args.baseline, args.groups)
        else:
            base, ours = measure(args.baseline, args.groups), measure(ROOT, args.groups)
        ratio = (ours["scoring"] + ours["counting"]) / base["scoring"]
        ours_all.append(ours["scoring"] + ours["counting"])
        base_all.append(base["scoring"])
        ratios.append(ratio)
        print(
            f"round {r + 1}: {base['n']} completions; baseline {base['scoring']:.3f} s; this checkout "
            f"{ours['scoring']:.3f} s scoring + {ours['counting'] * 1000:.1f} ms counting; ratio {ratio:.4f}"
        )
    print(f"median ratio (this checkout / baseline) {statistics.median(ratios):.4f}")
    print(f"ratio of the fastest rounds {min(ours_all) / min(base_all):.4f}")
    median, total = summary_ab(2 * args.rounds, args.groups // 2)
    print(f"the core's summary alone, in one process (on / off): median ratio {median:.4f}, sums {total:.4f}")


if __name__ == "__main__":
    main()
