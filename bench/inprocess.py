"""Scoring in this process (no server): the plain reference rules and the service's profiles.

Every figure comes from processes forked from the bench after the imports, so the 1-core runs,
the all-cores check and the server's workers all have the same warm-up history.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from service.rewards import PROFILES, CoreReference, PreparedGroup, Settings

from . import reference_baseline
from .common import ANOMALIES, CPU
from .grpo import GrpoWorkload
from .symbolic import SymbolicWorkload
from .workload import Workload

PLAIN, BASELINE, CORE = "reference-code", "r1vl-reference", "stepgrpo"
PROFILE_ORDER = (BASELINE, CORE)
"""The service's profiles, measured in-process and over HTTP / gRPC."""
IN_PROCESS_ORDER = (PLAIN, BASELINE, CORE)
"""``reference-code`` is the R1-VL rules re-implemented plainly (:mod:`bench.reference_baseline`)."""
WORKLOADS = {"typical": Workload, "symbolic": SymbolicWorkload, "grpo": GrpoWorkload}


@functools.cache
def settings_for(profile: str) -> Settings:
    """The settings a worker gets for this profile and the default options, built the service's own
    way (``scoring_options``)."""
    from service.scoring.contract import ScoreRequest
    from service.scoring.scorer import scoring_options

    request = ScoreRequest.model_validate_json(
        json.dumps({"profile": profile, "groups": [{"reference": {"answer": "0"}, "completions": []}]})
    )
    settings, _ = scoring_options(request)
    return settings


def core_reference(ref: dict) -> CoreReference:
    return CoreReference(
        answer=ref["answer"], key_steps=ref.get("key_steps"), choices=ref.get("choices"), solution=ref.get("solution")
    )


# ---------------------------------------------------------------- in-process


@dataclass
class InProcess:
    profile: str
    trajectories: int
    seconds: float
    per_trajectory: list[float]
    by_kind: dict
    """kind -> (ok results, summed reward, answers judged correct)."""
    other_cpu: float = float("nan")

    @property
    def rate(self) -> float:
        return self.trajectories / self.seconds


def plain_scorer(reference: dict) -> Callable[[str], dict]:
    """The baseline's scorer for one group: the reference code's rules, nothing prepared or cached."""
    solution, key_steps = reference_baseline.dataset_row(reference)

    def score(text: str) -> dict:
        accuracy = reference_baseline.accuracy(text, solution, key_steps)
        return {
            "status": "ok",
            "reward": accuracy + reference_baseline.validity(text),
            "answer_correct": accuracy >= 1.0,
        }

    return score


def scorer_for(profile: str) -> Callable[[dict], Callable[[str], Mapping[str, Any]]]:
    """A group's reference -> its completions' scorer, under ``profile`` (or the plain baseline)."""
    if profile == PLAIN:
        return plain_scorer
    prof, settings = PROFILES[profile], settings_for(profile)
    return lambda reference: PreparedGroup(core_reference(reference), prof, settings).score


def score_groups(
    profile: str, groups, record: str | None = None, by_kind: dict | None = None, per_traj: list | None = None
) -> list[Mapping[str, Any]]:
    """Score groups as a worker does: one PreparedGroup per group, then each completion (for the
    plain baseline, the reference code's rules on each completion)."""
    group_scorer = scorer_for(profile)
    out: list[Mapping[str, Any]] = []
    for g in groups:
        score = group_scorer(g.reference)
        for kind, text in zip(g.kinds, g.completions, strict=True):
            t = time.perf_counter()
            try:
                result: Mapping[str, Any] = score(text)
            except Exception as exc:  # the worker reports these as status "error"
                result = {"status": "error", "detail": f"{type(exc).__name__}: {exc}"[:300]}
            if per_traj is not None:
                per_traj.append(time.perf_counter() - t)
            if record:
                ANOMALIES.add(record, profile, result, f"group {g.index} ({g.template}/{kind})")
            if by_kind is not None and result["status"] == "ok":
                by_kind.setdefault(kind, []).append(result)
            out.append(result)
    return out


def measure_in_process(profile: str, workload: Workload, seconds: float) -> InProcess:
    """Score fresh groups, 16 at a time, until ``seconds`` of scoring time have passed (generation untimed)."""
    elapsed, n = 0.0, 0
    per_traj: list[float] = []
    by_kind: dict = {}
    meter = CPU.start()
    while elapsed < seconds:
        chunk = workload.take(16)
        t = time.perf_counter()
        score_groups(profile, chunk, "in-process", by_kind, per_traj)
        elapsed += time.perf_counter() - t
        n += sum(len(g.completions) for g in chunk)
    summary = {
        k: (len(rs), sum(r["reward"] for r in rs), sum(bool(r["answer_correct"]) for r in rs))
        for k, rs in by_kind.items()
    }
    return InProcess(profile, n, elapsed, per_traj, summary, CPU.other_share(meter))


def _forked_child(
    profile: str, workload: str, seed: int, start: int, warmup: float, seconds: float, barrier, results
) -> None:
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    ANOMALIES.statuses.clear()
    ANOMALIES.examples.clear()
    try:
        warm = WORKLOADS[workload](seed, start=start + 10**6)
        score_groups(profile, warm.take(8))
        if warmup:
            measure_in_process(profile, warm, warmup)
        barrier.wait()
        r = measure_in_process(profile, WORKLOADS[workload](seed, start=start), seconds)
        results.put(("ok", r, dict(ANOMALIES.statuses), ANOMALIES.examples[:3]))
    except BaseException as exc:  # reported by the parent
        results.put(("failed", f"{type(exc).__name__}: {exc}", {}, []))


def measure_forked(
    profile: str, workload: str, seed: int, processes: int, start: int, warmup: float, seconds: float
) -> tuple[list[InProcess], float]:
    """The in-process scorer in ``processes`` fresh processes forked from this one (so each has the
    same history: imports, then ``warmup`` s of warm-up), measured together after a barrier.
    Returns each process's measurement and the share of the CPUs that other processes used."""
    import multiprocessing

    ctx = (
        multiprocessing.get_context("fork")
        if sys.platform.startswith("linux")
        else multiprocessing.get_context("spawn")
    )
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    procs = [
        ctx.Process(
            target=_forked_child,
            args=(profile, workload, seed, start + i * 10**7, warmup, seconds, barrier, results),
            daemon=True,
        )
        for i in range(processes)
    ]
    where = "in-process" if processes == 1 else f"in-proc x{processes}"
    meter = CPU.start()
    for p in procs:
        p.start()
    try:
        out = []
        for _ in procs:
            state, r, statuses, examples = results.get(timeout=warmup + seconds + 600)
            if state != "ok":
                raise RuntimeError(f"in-process measurement of {profile} failed: {r}")
            out.append(r)
            for (_, prof, status), count in statuses.items():
                ANOMALIES.statuses[(where, prof, status)] += count
            ANOMALIES.examples.extend(examples)
    finally:
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
                p.join(5)
    return out, CPU.other_share(meter)


def baseline_parity(workload, n_groups: int = 64) -> tuple[int, int, list[str]]:
    """The plain reference rules and the ``r1vl-reference`` profile on the same groups:
    (compared, rewards that differ, examples). They must agree: only their speed may differ."""
    groups = workload.take(n_groups)
    plain, profile = score_groups(PLAIN, groups), score_groups(BASELINE, groups)
    bad = [
        f"trajectory {i}: plain {a['reward']} vs profile {b.get('reward')}"
        for i, (a, b) in enumerate(zip(plain, profile, strict=True))
        if b.get("status") != "ok" or abs(a["reward"] - b["reward"]) > 1e-9
    ]
    return len(plain), len(bad), bad[:3]
