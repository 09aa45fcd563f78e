"""Offline scoring of a data file through the server's own path: the same request model, limits,
:class:`~service.scoring.Scorer` and :class:`~service.pool.WorkerPool` (worker processes, a hard
per-trajectory deadline, hung workers killed and replaced), so every trajectory's ``ok`` /
``timeout`` / ``error`` and every group's advantages are exactly what ``POST /v1/score`` answers.

Each row is one group (``reference`` + ``completions``); rows are sent ``batch_groups`` at a time,
which is the batch that ``advantage: "batch"`` normalises over.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from service.config import Config
from service.contract import Group, Options, ScoreRequest, validation_message
from service.metrics import Metrics
from service.pool import WorkerPool
from service.scoring import LimitError, Scorer, check_limits

from .rows import Row, error_row, progress_bar, read_record, read_rows, write_rows


def row_group(row: Row, stem: str, profile: str, config: Config) -> Group:
    """The row as one contract group, within the server's limits; ``ValueError`` naming the field."""
    record, _ = read_record(row, stem)
    if record.completions is None:
        raise ValueError("missing 'completions' (a list of completion strings)")
    reference = {"answer": record.reference_answer(), "solution": record.solution, "key_steps": record.key_steps, "choices": record.choices}
    if reference["answer"] is None:
        raise ValueError("reference.answer: no 'answer' and no '### The final answer is:' line in the solution")
    try:
        group = Group.model_validate({"group_id": record.id, "reference": {k: v for k, v in reference.items() if v is not None},
                                      "completions": record.completions})
        check_limits(ScoreRequest(profile=profile, groups=[group]), config)
    except ValidationError as exc:
        raise ValueError(validation_message(exc)) from None
    except LimitError as exc:
        raise ValueError(f"{exc.field.removeprefix('groups[0].')}: {exc.message}") from None
    return group


@dataclass
class Tally:
    rows: int = 0
    bad_rows: int = 0
    status: dict = field(default_factory=lambda: {"ok": 0, "timeout": 0, "error": 0})
    rewards: list = field(default_factory=list)
    step_rar: list = field(default_factory=list)
    step_rvr: list = field(default_factory=list)
    correct: list = field(default_factory=list)
    key_step_ratio: list = field(default_factory=list)

    def add(self, out: dict) -> None:
        self.rows += 1
        if "error" in out or out.get("status") == "error":
            self.bad_rows += 1
        for r in out.get("results", []):
            self.status[r["status"]] += 1
            if r["status"] == "ok":
                self.rewards.append(r["reward"])
                self.step_rar.append(r["step_rar"])
                self.step_rvr.append(r["step_rvr"])
                self.correct.append(1.0 if r["answer_correct"] else 0.0)
                if r["key_step_ratio"] is not None:
                    self.key_step_ratio.append(r["key_step_ratio"])

    def summary(self) -> dict:
        def mean(values):
            return round(math.fsum(values) / len(values), 4) if values else None
        return {
            "rows": self.rows, "bad_rows": self.bad_rows, "trajectories": sum(self.status.values()), **self.status,
            "mean_reward": mean(self.rewards), "step_rar": mean(self.step_rar), "step_rvr": mean(self.step_rvr),
            "accuracy": mean(self.correct), "validity_rate": mean(self.step_rvr),
            "key_step_coverage": mean(self.key_step_ratio),
        }


async def _score(groups: list[tuple[int, Group]], profile: str, options: Options, config: Config, batch_groups: int,
                 show_progress: bool) -> dict[int, dict]:
    pool = WorkerPool(config.workers, config.deadline, memory_limit_mb=config.worker_memory_mb)
    pool.start()
    try:
        if not await pool.wait_ready():
            raise RuntimeError("no scoring worker started")
        scorer = Scorer(pool, config, Metrics())
        out: dict[int, dict] = {}
        bar = progress_bar(len(groups), "score", show_progress)
        for start in range(0, len(groups), batch_groups):
            batch = groups[start : start + batch_groups]
            response = await scorer.score(ScoreRequest(profile=profile, groups=[g for _, g in batch], options=options))
            for (index, _), result in zip(batch, response["groups"]):
                out[index] = {"profile": response["profile"], "version": response["version"], **result}
            bar.update(len(batch))
        bar.close()
        return out
    finally:
        await asyncio.get_running_loop().run_in_executor(None, pool.close)


def score_file(src: str | Path, dest: str | Path, profile: str, options: Options, workers: int, deadline: float,
               batch_groups: int = 256, show_progress: bool = True) -> tuple[dict, list[dict]]:
    """Score every row of ``src`` into ``dest`` (one result row per input row, in order); returns the
    summary and the output rows."""
    config = Config(workers=workers, deadline=deadline)
    rows = read_rows(src)
    stem = Path(src).stem
    outputs: list[dict | None] = []
    groups: list[tuple[int, Group]] = []
    for i, row in enumerate(rows):
        try:
            groups.append((i, row_group(row, stem, profile, config)))
            outputs.append(None)
        except Exception as exc:
            outputs.append(error_row(row, str(exc)))
    scored = asyncio.run(_score(groups, profile, options, config, batch_groups, show_progress)) if groups else {}
    tally = Tally()
    for i, row in enumerate(rows):
        if outputs[i] is None:
            outputs[i] = {"line": row.line, "id": scored[i].pop("group_id"), **scored[i]}
        else:
            outputs[i] = {k: v for k, v in outputs[i].items() if k in ("line", "id", "error")}
        tally.add(outputs[i])
    write_rows(dest, outputs)
    return tally.summary(), outputs


_LABELS = [("rows", "rows"), ("bad rows", "bad_rows"), ("trajectories", "trajectories"), ("  ok", "ok"), ("  timeout", "timeout"),
           ("  error", "error"), ("mean reward", "mean_reward"), ("StepRAR", "step_rar"), ("StepRVR", "step_rvr"),
           ("accuracy", "accuracy"), ("validity rate", "validity_rate"), ("key-step coverage", "key_step_coverage")]


def summary_table(summary: dict) -> str:
    """The summary as an aligned two-column table (means over ``ok`` trajectories)."""
    width = max(len(label) for label, _ in _LABELS)
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  -----"]
    for label, key in _LABELS:
        value = summary[key]
        lines.append(f"{label:<{width}}  {'n/a' if value is None else value}")
    return "\n".join(lines)


def require_matplotlib() -> None:
    """Fail before scoring, with the fix, when a plot is asked for and matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install 'stepgrpo-reward-service[data]' (or .[data] in a checkout)") from None


def save_plot(outputs: list[dict], path: str | Path) -> None:
    """Histograms of reward, StepRAR, StepRVR and key-step ratio over the ``ok`` trajectories."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for out in outputs for r in out.get("results", []) if r["status"] == "ok"]
    panels = [("reward", "reward"), ("StepRAR", "step_rar"), ("StepRVR", "step_rvr"), ("key-step ratio", "key_step_ratio")]
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.2))
    for ax, (title, key) in zip(axes, panels):
        values = [r[key] for r in ok if r[key] is not None]
        ax.hist(values, bins=20)
        ax.set_title(f"{title} (n={len(values)})")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
