"""``python -m bench [--quick] [--seconds S] [--rss-seconds 60]``: throughput and latency of the reward service.

Measures, on the typical workload (:mod:`bench.workload`) and on the symbolic worst case
(:mod:`bench.symbolic`):
  1. the baseline: the R1-VL reference rules re-implemented plainly (:mod:`bench.reference_baseline`),
     in-process on one core; then the service's ``r1vl-reference`` and ``stepgrpo`` profiles the
     same way, and (typical workload) in CPU-count processes at once;
  2. both profiles over HTTP and over gRPC against a real server (``python -m service`` on
     127.0.0.1, default worker count), batches of 256 trajectories serialised in advance;
  3. request latency p50/p99 over HTTP for batches of 16, 256 and 1024 trajectories;
  4. the workers' RSS at the start and end of the load (and every 10 s of a ``--rss-seconds`` run),
     and the HTTP rate of a 1-worker server against the default one;
  5. ratios against the baseline and the targets of the performance issue.
Every result status is counted; anything but ``ok`` is reported as an anomaly.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import sys
import time
from functools import partial

from .common import CPU, Server, free_port, machine_lines, percentile
from .inprocess import CORE, IN_PROCESS_ORDER, PROFILE_ORDER, WORKLOADS, baseline_parity, measure_forked, score_groups
from .load import build_batches, cross_check, measure_grpc, measure_http, measure_latency, rss_under_load, worker_rss
from .report import Results, print_report
from .workload import describe

THROUGHPUT_BATCH = 256
LATENCY_BATCHES = {"typical": (16, 256, 1024), "symbolic": (16, 256), "grpo": (16, 256)}
"""A 1024-trajectory symbolic batch takes several seconds; its rate is in the throughput rows."""
QUICK_SYMBOLIC = (64, (16,))
"""With ``--quick``: symbolic throughput batch and latency sizes (a 256-batch takes seconds)."""


def wait_quiet(limit: float) -> None:
    end, busy = time.monotonic() + limit, float("nan")
    while time.monotonic() < end:
        meter = CPU.start()
        time.sleep(2)
        busy = CPU.other_share(meter)
        if busy < 0.10:
            break
    print(f"waited for a quiet machine: other processes now use {busy:.0%} of the CPUs")


def print_workload(name: str, seed: int) -> None:
    sample = describe(WORKLOADS[name](seed, start=2 * 10**7).take(512))
    print(
        f"workload {name}: seed {seed}; {sample['trajectories'] / sample['groups']:.0f} completions/group (mean); "
        f"completion {sample['bytes_mean']:.0f} B mean "
        f"({sample['bytes_min']}-{sample['bytes_max']}, {sample['in_range']:.0%} in 1.0-1.3 KB); "
        f"{sample['key_groups_mean']:.1f} key-step groups/item"
    )
    for title, key in (("kinds", "kinds"), ("answers", "answer_types"), ("templates", "templates")):
        total = sum(sample[key].values())
        print(f"  {title + ':':<10} " + ", ".join(f"{k} {v / total:.0%}" for k, v in sample[key].most_common()))


def measure_in_process(res: Results, workloads: list[str], seed: int, warmup: float, seconds: float) -> None:
    for wl in workloads:
        warm = WORKLOADS[wl](seed, start=10**7)
        for profile in IN_PROCESS_ORDER:
            score_groups(profile, warm.take(8))  # imports and first calls, shared by the forks
        for profile in IN_PROCESS_ORDER:
            (r,), other_cpu = measure_forked(profile, wl, seed, 1, 3 * 10**7, warmup, seconds)
            r.other_cpu = other_cpu
            res.inproc[(wl, profile)] = r
            print(f"[{wl}: in-process {profile}: {r.rate:.0f} traj/s]", flush=True)
        res.parity[wl] = baseline_parity(WORKLOADS[wl](seed, start=6 * 10**7))
    if res.ncpu > 1 and "typical" in workloads:
        for profile in PROFILE_ORDER:
            rs, other_cpu = measure_forked(profile, "typical", seed, res.ncpu, 5 * 10**7, warmup, seconds)
            res.all_cores[profile] = (sum(r.rate for r in rs), sum(r.trajectories for r in rs), other_cpu)
            print(
                f"[typical: in-process {profile} x{res.ncpu} processes: {res.all_cores[profile][0]:.0f} traj/s]",
                flush=True,
            )


def warm_server(url: str, profile: str, warm, seconds: float, expected: float) -> None:
    """Every worker's caches, the connections and the front end's code paths."""
    measure_http(url, profile, build_batches(profile, warm, 16, 4), 1, 60)
    if seconds:
        batches = build_batches(profile, warm, THROUGHPUT_BATCH, math.ceil(expected * seconds / THROUGHPUT_BATCH) + 8)
        wu = measure_http(url, profile, batches, 2, seconds)
        print(f"[http {profile} warm-up: {wu.trajectories} trajectories, {wu.rate:.0f} traj/s]", flush=True)


def measure_server(
    res: Results,
    server: Server,
    grpc_port: int,
    workloads: list[str],
    seed: int,
    warmup: float,
    seconds: float,
    quick: bool,
) -> None:
    target = f"127.0.0.1:{grpc_port}"
    res.rss["start"] = worker_rss(server.running.pid)
    for wl in workloads:
        measured, warm = WORKLOADS[wl](seed, start=7 * 10**7), WORKLOADS[wl](seed, start=8 * 10**7)
        size, latency_sizes = QUICK_SYMBOLIC if quick and wl == "symbolic" else (THROUGHPUT_BATCH, LATENCY_BATCHES[wl])
        for profile in PROFILE_ORDER:
            expected = (
                res.inproc[(wl, profile)].rate * res.ncpu * 2.5
            )  # generous: HTTP cannot beat every core in-process
            warm_server(server.url, profile, warm, warmup, expected)
            for clients in (1, 2) if wl == "typical" else (2,):
                batches = build_batches(profile, measured, size, math.ceil(expected * seconds / size) + 4 * clients)
                res.http[(wl, profile, clients)] = r = measure_http(server.url, profile, batches, clients, seconds)
                print(f"[{wl}: http {profile} x{clients}: {r.rate:.0f} traj/s]", flush=True)
            batches = build_batches(profile, measured, size, math.ceil(expected * seconds / size) + 8, "grpc")
            res.grpc[(wl, profile)] = r = measure_grpc(target, profile, batches, 2, seconds)
            print(f"[{wl}: grpc {profile} x2: {r.rate:.0f} traj/s]", flush=True)
            for n in latency_sizes:
                batches = build_batches(profile, measured, n, max(3, math.ceil(expected * seconds / n) + 3))
                res.latency[(wl, profile, n)] = r = measure_latency(server.url, profile, batches, seconds)
                print(
                    f"[{wl}: latency {profile} {n}: p50 {percentile(r.latencies, 50) * 1000:.0f} ms "
                    f"over {len(r.latencies)} requests]",
                    flush=True,
                )
            res.checks[(wl, profile)] = cross_check(server.url, profile, measured)
    res.rss["end"] = worker_rss(server.running.pid)


def run_server(res: Results, *flags: str, body) -> None:
    """Start a server with ``flags``, run ``body(server)``, always stop it; keep its log if it has errors."""
    server = Server(*flags)
    try:
        startup = server.start()
        CPU.server_sid = server.running.pid  # start_new_session: the server leads its own session
        info = server.info()
        res.servers.append(
            f"server {' '.join(flags) or '(defaults)'}: up in {startup:.1f} s, workers={info.get('workers')}, "
            f"deadline={info.get('deadline_seconds')} s, core {info.get('core_version')}"
        )
        print(f"[{res.servers[-1]}]", flush=True)
        body(server, info)
    finally:
        server.stop()
        CPU.server_sid = None
        log_text = server.log.read_text(errors="replace") if server.log.exists() else ""
        if any(w in log_text for w in ("Traceback", " ERROR", "WARNING")):
            res.log_issues.append(f"server log has errors/warnings: kept at {server.log}")
        else:
            server.log.unlink(missing_ok=True)


def bench_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 1 s per measurement (smoke test)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="seconds per measurement (default 5, 1 with --quick)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="warm-up seconds per profile, in-process and over HTTP (default 5, 1 with --quick): "
        "math-verify's ANTLR parser and the answer caches take a few thousand trajectories to reach steady state",
    )
    parser.add_argument("--seed", type=int, default=0, help="workload seed (default 0)")
    parser.add_argument(
        "--workloads", default="typical,symbolic,grpo", help="comma-separated: typical, symbolic, grpo (default all)"
    )
    parser.add_argument(
        "--rss-seconds",
        type=float,
        default=0.0,
        metavar="S",
        help=(
            "also run S seconds of 2-client HTTP load (stepgrpo, fresh batches), printing the workers' RSS "
            "every 10 s (default 0: off)"
        ),
    )
    parser.add_argument(
        "--no-scaling", action="store_true", help="skip the 1-worker server (the 1 -> N workers scaling figure)"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="S",
        help="first wait up to S seconds for other processes to use under 10%% of the CPUs (default 0: no wait)",
    )
    return parser


def measurement_plan(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[float, float, list[str]]:
    """(seconds per measurement, warm-up seconds, workloads) from the flags, or the parser's error."""
    seconds = args.seconds if args.seconds is not None else (1.0 if args.quick else 5.0)
    warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 5.0)
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    if seconds <= 0 or warmup < 0 or args.rss_seconds < 0:
        parser.error("--seconds must be positive, --warmup and --rss-seconds not negative")
    if not workloads or set(workloads) - set(WORKLOADS) or "typical" not in workloads:
        parser.error(f"--workloads: a comma-separated subset of {', '.join(WORKLOADS)} that includes typical")
    return seconds, warmup, workloads


def print_preamble(args: argparse.Namespace, workloads: list[str], seconds: float, warmup: float) -> None:
    """The machine, the workloads and how each figure is measured."""
    print("StepGRPO reward service benchmark")
    if args.wait_quiet > 0:
        wait_quiet(args.wait_quiet)
    for line in machine_lines():
        print(line)
    for wl in workloads:
        print_workload(wl, args.seed)
    print(
        f"measurement: {seconds:g} s each, after a {warmup:g} s warm-up per profile (in-process and over HTTP); "
        "time.perf_counter; "
        "'other' = share of all CPUs used by other processes meanwhile"
    )
    if hasattr(os, "getloadavg"):
        print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(flush=True)


def measure_default_server(
    res: Results, args: argparse.Namespace, grpc_port: int, warmup: float, server: Server, info: dict
) -> None:
    """Throughput and latency on the server with the default worker count, and its RSS under load."""
    res.workers = info.get("workers")
    measure_server(res, server, grpc_port, res.workloads, args.seed, warmup, res.seconds, args.quick)
    if args.rss_seconds:
        print(f"[RSS run: {args.rss_seconds:g} s of HTTP load]", flush=True)
        res.rss_run = rss_under_load(
            server.url, server.running.pid, CORE, WORKLOADS["typical"](args.seed, start=9 * 10**7), args.rss_seconds
        )


def measure_one_worker(res: Results, seed: int, warmup: float, server: Server, info: dict) -> None:
    """The typical workload over HTTP (2 clients) on a 1-worker server: the scaling figure's base."""
    rate = res.inproc[("typical", CORE)].rate
    seconds = res.seconds
    warm_server(server.url, CORE, WORKLOADS["typical"](seed, start=8 * 10**7 + 10**6), warmup, rate * 2.5)
    batches = build_batches(
        CORE,
        WORKLOADS["typical"](seed, start=7 * 10**7 + 10**6),
        THROUGHPUT_BATCH,
        math.ceil(rate * 2.5 * seconds / THROUGHPUT_BATCH) + 8,
    )
    res.one_worker = measure_http(server.url, CORE, batches, 2, seconds)
    print(f"[typical: http {CORE} x2, 1 worker: {res.one_worker.rate:.0f} traj/s]", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser()
    args = parser.parse_args(argv)
    seconds, warmup, workloads = measurement_plan(parser, args)
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally blocks stop the servers

    res = Results(ncpu=os.cpu_count() or 1, seconds=seconds, workloads=workloads)
    print_preamble(args, workloads, seconds, warmup)
    measure_in_process(res, workloads, args.seed, warmup, seconds)
    grpc_port = free_port()
    run_server(res, "--grpc-port", str(grpc_port), body=partial(measure_default_server, res, args, grpc_port, warmup))
    if not args.no_scaling and res.ncpu > 1:
        run_server(res, "--workers", "1", body=partial(measure_one_worker, res, args.seed, warmup))
    return print_report(res)


if __name__ == "__main__":
    sys.exit(main())
