"""``python -m bench.profile_core [--profile stepgrpo] [--workload typical] [--groups N]``: where the core's time goes.

Scores fresh groups of the benchmark workload in-process under cProfile, after a warm-up on other
groups (so imports, first calls and the warming of math-verify's ANTLR parser are excluded), and
prints the top functions by cumulative and by own time, plus the cumulative time of each part of
the scorer.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import time

from service.rewards import PROFILES

from .inprocess import PLAIN, WORKLOADS, score_groups

PHASES = (
    ("prepare reference (per group)", "score.py", "__init__"),
    ("parse sections", "sections.py", "parse_completion"),
    ("validity checks", "validity.py", "validity_checks"),
    ("judge answer (all)", "answers.py", "judge"),
    ("  of which math-verify", "answers.py", "math_verify_equal"),
    ("step token stream", "keysteps.py", "of"),
    ("find key-step matches", "keysteps.py", "find_matches"),
    ("credit (gaming guard)", "keysteps.py", "credit_matches"),
    ("  of which gaming shapes", "gaming.py", "gaming_shapes"),
    ("r1vl: header checks", "reference_rules.py", "reference_validity"),
    ("r1vl: whole-text math-verify", "reference_rules.py", "reference_answer"),
    ("r1vl: substring key steps", "reference_rules.py", "reference_key_step_matches"),
    ("plain: accuracy (parse, verify)", "reference_baseline.py", "accuracy"),
    ("plain: validity", "reference_baseline.py", "validity"),
)


def phase_shares(stats: pstats.Stats) -> list[tuple[str, int, float]]:
    """(phase, calls, cumulative seconds) of the core's entry points, read from the profile."""
    by_name = {}
    for (filename, _line, func), (_cc, nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_name[(filename.rsplit("/", 1)[-1], func)] = (nc, ct)
    return [(label, *by_name[(f, fn)]) for label, f, fn in PHASES if (f, fn) in by_name]


def profile_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_core", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--profile",
        default="stepgrpo",
        choices=sorted([*PROFILES, PLAIN]),
        help=f"a service profile or {PLAIN} (the plain baseline)",
    )
    parser.add_argument("--groups", type=int, default=500, help="groups of 4 to profile (default 500)")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument(
        "--warmup-groups",
        type=int,
        default=1500,
        help="groups scored first, unprofiled, to reach steady state (default 1500)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--workload", default="typical", choices=sorted(WORKLOADS), help="typical (default) or the symbolic worst case"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = profile_parser().parse_args(argv)
    logging.getLogger("math_verify").setLevel(logging.ERROR)

    make = WORKLOADS[args.workload]
    score_groups(
        args.profile, make(args.seed, start=10**7).take(args.warmup_groups)
    )  # warm-up: ANTLR DFA, answer caches
    groups = make(args.seed, start=3 * 10**7).take(args.groups)
    n = sum(len(g.completions) for g in groups)

    t = time.perf_counter()
    score_groups(args.profile, groups)
    plain = time.perf_counter() - t
    # the same groups again would hit the answer caches: profile a fresh, equally sized slice
    groups_p = make(args.seed, start=4 * 10**7).take(args.groups)
    profiler = cProfile.Profile()
    t = time.perf_counter()
    profiler.enable()
    score_groups(args.profile, groups_p)
    profiler.disable()
    profiled = time.perf_counter() - t

    print(
        f"profile {args.profile}, {args.workload} workload: {n} trajectories; "
        f"unprofiled {plain:.2f} s ({n / plain:.0f} traj/s), under cProfile {profiled:.2f} s"
    )
    for key, title in (("cumulative", "cumulative time"), ("tottime", "own time (tottime)")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key)
        stats.print_stats(args.top)
        body = out.getvalue()
        print(f"\n---- top {args.top} by {title}")
        print(body[body.index("   ncalls") :].rstrip())
    stats = pstats.Stats(profiler)
    table, all_seconds = stats.stats, stats.total_tt  # type: ignore[attr-defined]  # set by Stats, not in typeshed
    total = next((ct for (f, _, fn), (_, _, _, ct, _) in table.items() if fn == "score_groups"), all_seconds)
    print(f"\n---- parts of the scorer: cumulative time under cProfile, share of the {total:.2f} s spent scoring")
    for label, calls, seconds in phase_shares(stats):
        print(
            f"    {label:<30} {calls:6d} calls {seconds:7.3f} s  {seconds / total:6.1%}  "
            f"{seconds / n * 1e6:8.1f} us/traj  {seconds / calls * 1e3:7.2f} ms/call"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
