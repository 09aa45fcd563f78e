"""``python -m bench.keysteps [--groups N] [--repeat R]``: the cost of key-step matching per trajectory.

Times, on the typical workload (stepgrpo profile), the step token stream + ``find_matches`` + the credit
(the gaming guard), and the credit alone, in CPU seconds of this process (the minimum over repeats, so
other load on the machine weighs as little as it can). To compare two versions, run it in both
checkouts one after the other, alternating a few times, and compare the minima as a ratio.
"""

from __future__ import annotations

import argparse
import json
import logging
import time

from service.rewards import PROFILES, PreparedGroup
from service.rewards.keysteps import StepStream, credit_matches, find_matches
from service.rewards.sections import parse_completion

from .inprocess import core_reference, settings_for
from .workload import Workload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.keysteps", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=300, help="groups of 4 (default 300)")
    parser.add_argument("--repeat", type=int, default=9, help="timed passes; the fastest counts (default 9)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    profile = PROFILES["stepgrpo"]
    steps, matched = [], []
    for group in Workload(args.seed).take(args.groups):
        prepared = PreparedGroup(core_reference(group.reference), profile, settings_for("stepgrpo"))
        for text in group.completions:
            parsed = parse_completion(text)
            bodies = [parsed.body(s) for s in parsed.steps]
            steps.append((prepared.alternatives, bodies))
            stream = StepStream.of(bodies)
            matched.append((find_matches(prepared.alternatives, stream, profile.fuzzy_threshold), stream))

    def matching() -> float:
        start = time.process_time()
        for alternatives, bodies in steps:
            stream = StepStream.of(bodies)
            credit_matches(find_matches(alternatives, stream, profile.fuzzy_threshold), stream)
        return time.process_time() - start

    def credit() -> float:
        start = time.process_time()
        for found, stream in matched:
            stream._clauses = None
            credit_matches(found, stream)
        return time.process_time() - start

    n = len(steps)
    figures = {
        "trajectories": n,
        "key_step_matching_us": round(min(matching() for _ in range(args.repeat)) / n * 1e6, 1),
        "credit_us": round(min(credit() for _ in range(args.repeat)) / n * 1e6, 1),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
