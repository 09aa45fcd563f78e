"""The benchmark's table: one section per workload, the issue's targets, resources and checks."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .common import ANOMALIES, percentile
from .inprocess import BASELINE, CORE, IN_PROCESS_ORDER, PLAIN, PROFILE_ORDER

if TYPE_CHECKING:
    from .load import LoadRun

WIDTH, LABEL = 118, 62
LABELS = {
    PLAIN: "(1) baseline: R1-VL reference rules, plain, in-process, 1 core",
    BASELINE: "(1b) r1vl-reference profile, in-process, 1 core",
    CORE: "(2) stepgrpo profile, in-process, 1 core",
}


@dataclass
class Results:
    ncpu: int
    seconds: float
    workloads: list[str]
    workers: int | None = None
    inproc: dict = field(default_factory=dict)
    """(workload, profile) -> InProcess."""
    all_cores: dict = field(default_factory=dict)
    """profile -> (summed rate, trajectories, other CPU share), typical workload."""
    http: dict = field(default_factory=dict)
    """(workload, profile, clients) -> LoadRun."""
    grpc: dict = field(default_factory=dict)
    latency: dict = field(default_factory=dict)
    """(workload, profile, batch size) -> LoadRun."""
    checks: dict = field(default_factory=dict)
    parity: dict = field(default_factory=dict)
    rss: dict = field(default_factory=dict)
    rss_run: tuple | None = None
    one_worker: LoadRun | None = None
    servers: list[str] = field(default_factory=list)
    log_issues: list[str] = field(default_factory=list)
    noisy: list = field(default_factory=list)

    def other(self, share: float) -> str:
        if share > 0.05:
            self.noisy.append(share)
        return f"{share:5.0%}" + ("!" if share > 0.05 else " ")


def ms(x: float) -> str:
    return f"{x * 1000:8.1f}"


def clients_label(n: int) -> str:
    return f"{n} client{'s' if n > 1 else ''}"


def cpu_roles(r) -> str:
    """Where the CPUs went during a load run: the bench's clients, the server's front end, its workers."""
    if not r.roles:
        return ""
    client, front, workers = r.roles
    return f"; CPU: client {client:.0%}, front {front:.0%}, workers {workers:.0%}"


def print_rows(res: Results, wl: str) -> None:
    print(f"{'measurement':<{LABEL}} {'traj/s':>7} {'trajs':>6} {'secs':>5} {'other':>6}  notes")
    print("-" * WIDTH)
    for profile in IN_PROCESS_ORDER:
        r = res.inproc[(wl, profile)]
        tail = (
            f"per traj p50 {percentile(r.per_trajectory, 50) * 1000:.2f} ms, "
            f"p99 {percentile(r.per_trajectory, 99) * 1000:.1f} ms, max {max(r.per_trajectory) * 1000:.0f} ms"
        )
        print(
            f"{LABELS[profile]:<{LABEL}} {r.rate:7.0f} {r.trajectories:6d} {r.seconds:5.1f} "
            f"{res.other(r.other_cpu)}  {tail}"
        )
    if wl == "typical":
        for profile, (rate, n, oth) in res.all_cores.items():
            label = f"(2b) {profile}, in-process, {res.ncpu} processes at once"
            print(
                f"{label:<{LABEL}} {rate:7.0f} {n:6d} {res.seconds:5.1f} {res.other(oth)}  "
                f"{rate / res.inproc[(wl, profile)].rate:.2f}x its 1-core rate"
            )
    for profile in PROFILE_ORDER:
        for (w, p, clients), r in res.http.items():
            if (w, p) == (wl, profile):
                label = f"(3) {profile} over HTTP, {res.workers} workers, {r.batch}/req, {clients_label(clients)}"
                note = (
                    f"req p50 {percentile(r.latencies, 50) * 1000:.0f} ms, "
                    f"server-side p50 {percentile(r.server_seconds, 50) * 1000:.0f} ms{cpu_roles(r)}"
                    + (", RAN OUT OF BATCHES" if r.starved else "")
                )
                print(
                    f"{label:<{LABEL}} {r.rate:7.0f} {r.trajectories:6d} {r.seconds:5.1f} "
                    f"{res.other(r.other_cpu)}  {note}"
                )
        r = res.grpc[(wl, profile)]
        label = f"(3g) {profile} over gRPC (unary Score), {r.batch}/req, 2 clients"
        note = (
            f"req p50 {percentile(r.latencies, 50) * 1000:.0f} ms, "
            f"server-side p50 {percentile(r.server_seconds, 50) * 1000:.0f} ms{cpu_roles(r)}"
            + (", RAN OUT OF BATCHES" if r.starved else "")
        )
        print(f"{label:<{LABEL}} {r.rate:7.0f} {r.trajectories:6d} {r.seconds:5.1f} {res.other(r.other_cpu)}  {note}")
    print("-" * WIDTH)
    print(
        "(4) request latency over HTTP, 1 client, sequential "
        "(ms; server = the response's stats.elapsed_ms: scoring, without reading, validating and writing JSON)"
    )
    print(
        f"    {'profile':<16} {'batch':>6} {'n':>5} {'p50':>8} {'p99':>8} {'max':>8} "
        f"{'server p50':>11} {'outside':>8} {'traj/s':>8} {'other':>6}"
    )
    for (w, profile, size), r in res.latency.items():
        if w == wl:
            server, client = percentile(r.server_seconds, 50), percentile(r.latencies, 50)
            print(
                f"    {profile:<16} {size:6d} {len(r.latencies):5d} "
                f"{ms(client)} {ms(percentile(r.latencies, 99))} {ms(max(r.latencies))} "
                f"{ms(server):>11} {1 - server / client:8.1%} {r.rate:8.0f} {res.other(r.other_cpu)}"
            )


def print_ratios(res: Results, wl: str) -> None:
    base = res.inproc[(wl, PLAIN)].rate
    print("-" * WIDTH)
    print(f"(5) ratios, {wl} workload (baseline = row 1; per core = rate / {res.ncpu} CPUs)")
    for profile in PROFILE_ORDER:
        print(f"    {profile} in-process 1 core / baseline: {res.inproc[(wl, profile)].rate / base:6.2f}x")
    for (w, profile, clients), r in res.http.items():
        if w == wl:
            print(
                f"    {profile} over HTTP, {clients_label(clients)}: {r.rate / base:6.2f}x the baseline, "
                f"per core {r.rate / res.ncpu / base:5.2f}x"
            )
    for profile in PROFILE_ORDER:
        r = res.grpc[(wl, profile)]
        print(
            f"    {profile} over gRPC, 2 clients: {r.rate / base:6.2f}x the baseline, "
            f"per core {r.rate / res.ncpu / base:5.2f}x"
        )
    for profile in PROFILE_ORDER:
        ideal = res.inproc[(wl, profile)].rate * res.ncpu
        parts = [
            f"{clients_label(c)} {1 - r.rate / ideal:6.1%}"
            for (w, p, c), r in res.http.items()
            if (w, p) == (wl, profile)
        ]
        print(
            f"    HTTP throughput short of every core in-process, {profile:<15} 1 - http/(1-core x {res.ncpu}): "
            + ", ".join(parts)
            + f"   (ideal {ideal:.0f} traj/s)"
        )


def print_targets(res: Results) -> None:
    wl = "typical"
    base = res.inproc[(wl, PLAIN)].rate

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print("-" * WIDTH)
    print("targets (typical workload; see bench/README.md)")
    http2 = res.http[(wl, CORE, 2)].rate
    http1 = res.http[(wl, CORE, 1)].rate
    print(
        f"    stepgrpo over HTTP >= 5x the baseline:        {http2 / base:5.2f}x with 2 clients, "
        f"{http1 / base:5.2f}x with 1 client   {verdict(http2 / base >= 5)}"
    )
    ref = res.http[(wl, BASELINE, 2)].rate / res.ncpu
    print(f"    r1vl-reference over HTTP per core >= baseline: {ref / base:5.2f}x   {verdict(ref >= base)}")
    for size in (256, 1024):
        r = res.latency.get((wl, CORE, size))
        if r:
            server, client = percentile(r.server_seconds, 50), percentile(r.latencies, 50)
            print(
                f"    HTTP + serialisation <= 10% of a {size}-trajectory request (1 - server/client p50): "
                f"{1 - server / client:6.1%}   {verdict(1 - server / client <= 0.10)}"
            )
    r = res.latency.get((wl, CORE, 1024))
    if r:
        print(f"    1024-trajectory batch in about 0.3 s: p50 {percentile(r.latencies, 50):.2f} s")
    if res.one_worker is not None:
        ratio = http2 / res.one_worker.rate
        print(
            f"    scaling 1 -> {res.workers} workers (HTTP, 2 clients): "
            f"{res.one_worker.rate:.0f} -> {http2:.0f} traj/s = {ratio:.2f}x "
            f"({ratio / (res.workers or 1):.0%} of linear; "
            f"other {res.one_worker.other_cpu:.0%} / {res.http[(wl, CORE, 2)].other_cpu:.0%})"
        )
    if res.rss:
        (n0, m0), (n1, m1) = res.rss["start"], res.rss["end"]
        print(
            f"    worker RSS: {m0:.0f} MiB ({n0} workers) at the start of the load, "
            f"{m1:.0f} MiB ({n1} workers) at the end"
        )
    if res.rss_run:
        run, samples = res.rss_run
        rss = ", ".join(f"{t:.0f}s {m:.0f}" for t, _, m in samples)
        print(
            f"    RSS run: {run.trajectories} trajectories in {run.seconds:.0f} s ({run.rate:.0f} traj/s); "
            f"workers' RSS: {rss} MiB"
        )


def print_checks(res: Results) -> int:
    print("-" * WIDTH)
    print("checks")
    for (where, profile, status), n in sorted(ANOMALIES.statuses.items()):
        print(f"    statuses {where:<10} {profile:<15} {status:<8} {n}")
    print(f"    non-ok results: {ANOMALIES.non_ok()} of {ANOMALIES.total()}; HTTP errors: {len(ANOMALIES.http_errors)}")
    for line in ANOMALIES.examples[:10] + ANOMALIES.http_errors[:5]:
        print(f"      ! {line}")
    for wl, (n, bad, examples) in res.parity.items():
        print(
            f"    plain reference rules vs r1vl-reference profile rewards, {wl}: {n - bad}/{n} identical"
            + ("" if not bad else f"  ! {examples}")
        )
    for (wl, profile), (n, bad, examples) in res.checks.items():
        print(
            f"    in-process vs HTTP scores, {wl} {profile}: {n - bad}/{n} identical"
            + ("" if not bad else f"  ! {examples}")
        )
    for (wl, profile), r in res.inproc.items():
        rows = [
            f"{kind} {reward / n:.2f} ({correct / n:.0%} correct)"
            for kind in ("genuine", "partial", "wrong", "malformed")
            for n, reward, correct in [r.by_kind.get(kind, (0, 0.0, 0))]
            if n
        ]
        print(f"    mean reward by kind, {wl} {profile:<15}: " + ", ".join(rows))
    if res.noisy:
        print(
            f"    ! {len(res.noisy)} measurement(s) ran while other processes used over 5% of the machine's CPU "
            "('other' column, marked !): their figures are understated; rerun on a quiet machine"
        )
    if hasattr(os, "getloadavg"):
        print("    load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for line in res.servers:
        print(f"    {line}")
    for issue in res.log_issues:
        print(f"    ! {issue}")
    print("=" * WIDTH)
    anomalous = (
        ANOMALIES.non_ok()
        or ANOMALIES.http_errors
        or any(bad for _, bad, _ in [*res.checks.values(), *res.parity.values()])
    )
    return 1 if anomalous else 0


WORKLOAD_NOTES = {
    "symbolic": " (worst case: every answer needs sympy)",
    "grpo": " (groups of 8 and 16 whose answers repeat; half symbolic)",
}


def print_report(res: Results) -> int:
    """Print the table; 1 if anything was not ``ok`` or any comparison differed, else 0."""
    print()
    for wl in res.workloads:
        print("=" * WIDTH)
        print(f"{wl} workload" + WORKLOAD_NOTES.get(wl, ""))
        print("=" * WIDTH)
        print_rows(res, wl)
        print_ratios(res, wl)
    print_targets(res)
    return print_checks(res)
