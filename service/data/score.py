"""Offline scoring of a data file through the server's own path: the same request model, limits,
:class:`~service.scoring.scorer.Scorer` and :class:`~service.pool.supervisor.WorkerPool` (worker processes, a hard
per-trajectory deadline, hung workers killed and replaced), so every trajectory's ``ok`` /
``timeout`` / ``error`` and every group's advantages are exactly what ``POST /v1/score`` answers.

Each row is one group (``reference`` + ``completions``); rows are sent ``batch_groups`` at a time,
which is the batch that ``advantage: "batch"`` normalises over.
"""

from __future__ import annotations

import asyncio
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pydantic import ValidationError

from service.ops.config import Config
from service.ops.metrics import Metrics
from service.pool.supervisor import WorkerPool
from service.scoring.contract import Group, Options, ProfileName, ScoreRequest, validation_message
from service.scoring.scorer import LimitError, Scorer, check_limits

from .rows import Row, RowWriter, chunked, error_row, progress_bar, read_record, read_rows


def row_group(row: Row, stem: str, profile: str, config: Config) -> Group:
    """The row as one contract group, within the server's limits; ``ValueError`` naming the field."""
    record, _ = read_record(row, stem)
    if record.completions is None:
        raise ValueError("missing 'completions' (a list of completion strings)")
    answer, choices = record.reference()
    if answer is None:
        raise ValueError(
            "reference.answer: no 'answer', and the solution states none "
            "(no '### The final answer is:' line, no last line 'Answer: X', not one short line)"
        )
    reference = {"answer": answer, "solution": record.solution, "key_steps": record.key_steps, "choices": choices}
    try:
        group = Group.model_validate(
            {
                "group_id": record.id,
                "reference": {k: v for k, v in reference.items() if v is not None},
                "completions": record.completions,
            }
        )
        check_limits(ScoreRequest(profile=cast(ProfileName, profile), groups=[group]), config)
    except ValidationError as exc:
        raise ValueError(validation_message(exc)) from None
    except LimitError as exc:
        raise ValueError(f"{exc.field.removeprefix('groups[0].')}: {exc.message}") from None
    return group


_MEANS = ("reward", "step_rar", "step_rvr", "accuracy", "key_step_ratio")


@dataclass
class Tally:
    """Counts and running sums over the ``ok`` trajectories: memory does not grow with the file."""

    rows: int = 0
    bad_rows: int = 0
    status: dict = field(default_factory=lambda: {"ok": 0, "timeout": 0, "error": 0})
    sums: dict = field(default_factory=lambda: dict.fromkeys(_MEANS, 0.0))
    counts: dict = field(default_factory=lambda: dict.fromkeys(_MEANS, 0))

    def add(self, out: dict) -> None:
        self.rows += 1
        if "error" in out or out.get("status") == "error":
            self.bad_rows += 1
        for r in out.get("results", []):
            self.status[r["status"]] += 1
            if r["status"] == "ok":
                values = {
                    "reward": r["reward"],
                    "step_rar": r["step_rar"],
                    "step_rvr": r["step_rvr"],
                    "accuracy": 1.0 if r["answer_correct"] else 0.0,
                    "key_step_ratio": r["key_step_ratio"],
                }
                for key, value in values.items():
                    if value is not None:
                        self.sums[key] += value
                        self.counts[key] += 1

    def summary(self) -> dict:
        def mean(key):
            return round(self.sums[key] / self.counts[key], 4) if self.counts[key] else None

        return {
            "rows": self.rows,
            "bad_rows": self.bad_rows,
            "trajectories": sum(self.status.values()),
            **self.status,
            "mean_reward": mean("reward"),
            "step_rar": mean("step_rar"),
            "step_rvr": mean("step_rvr"),
            "accuracy": mean("accuracy"),
            "validity_rate": mean("step_rvr"),
            "key_step_coverage": mean("key_step_ratio"),
        }


def _unscored(row: Row, message: str) -> dict:
    return {k: v for k, v in error_row(row, message).items() if k in ("line", "id", "error")}


async def _scored_rows(
    src: str | Path,
    profile: str,
    options: Options,
    config: Config,
    batch_groups: int,
    show_progress: bool,
    out: Callable[[dict], None],
) -> None:
    """Score ``src`` ``batch_groups`` rows at a time, handing each result row to ``out`` in input order."""
    stem = Path(src).stem
    pool = WorkerPool(config.workers, config.deadline, memory_limit_mb=config.worker_memory_mb)
    started = False
    try:
        bar = progress_bar("score", show_progress)
        for batch in chunked(read_rows(src), batch_groups):
            groups: dict[int, Group] = {}
            results: dict[int, dict] = {}
            for i, row in enumerate(batch):
                try:
                    groups[i] = row_group(row, stem, profile, config)
                except Exception as exc:
                    results[i] = _unscored(row, str(exc))
            if groups:
                if not started:
                    pool.start()
                    started = True
                    if not await pool.wait_ready():
                        raise RuntimeError("no scoring worker started")
                    scorer = Scorer(pool, config, Metrics())
                request = ScoreRequest(
                    profile=cast(ProfileName, profile), groups=list(groups.values()), options=options
                )
                response = await scorer.score(request)
                for i, result in zip(groups, response["groups"], strict=True):
                    results[i] = {
                        "line": batch[i].line,
                        "id": result["group_id"],
                        "profile": response["profile"],
                        "version": response["version"],
                        **{k: v for k, v in result.items() if k != "group_id"},
                    }
            for i in range(len(batch)):
                out(results[i])
            bar.update(len(batch))
        bar.close()
    finally:
        if started:
            await asyncio.get_running_loop().run_in_executor(None, pool.close)


def score_file(
    src: str | Path,
    dest: str | Path,
    profile: str,
    options: Options,
    workers: int,
    deadline: float,
    batch_groups: int = 256,
    show_progress: bool = True,
) -> dict:
    """Score every row of ``src`` into ``dest`` (one result row per input row, in order), streaming;
    returns the summary."""
    config = Config(workers=workers, deadline=deadline)
    tally = Tally()
    with RowWriter(dest) as writer:

        def out(row: dict) -> None:
            tally.add(row)
            writer.write(row)

        asyncio.run(_scored_rows(src, profile, options, config, batch_groups, show_progress, out))
    return tally.summary()


_LABELS = [
    ("rows", "rows"),
    ("bad rows", "bad_rows"),
    ("trajectories", "trajectories"),
    ("  ok", "ok"),
    ("  timeout", "timeout"),
    ("  error", "error"),
    ("mean reward", "mean_reward"),
    ("StepRAR", "step_rar"),
    ("StepRVR", "step_rvr"),
    ("accuracy", "accuracy"),
    ("validity rate", "validity_rate"),
    ("key-step coverage", "key_step_coverage"),
]


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
        raise SystemExit(
            "--plot needs matplotlib: pip install 'stepgrpo-reward-service[data]' (or .[data] in a checkout)"
        ) from None


def save_plot(scored: str | Path, path: str | Path) -> None:
    """Histograms of reward, StepRAR, StepRVR and key-step ratio over the ``ok`` trajectories of the
    ``score`` output ``scored`` (read again row by row; only the plotted values are held)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("reward", "reward"),
        ("StepRAR", "step_rar"),
        ("StepRVR", "step_rvr"),
        ("key-step ratio", "key_step_ratio"),
    ]
    values = {key: array("d") for _, key in panels}
    for row in read_rows(scored):
        for r in (row.value or {}).get("results", []):
            if r["status"] == "ok":
                for _, key in panels:
                    if r[key] is not None:
                        values[key].append(r[key])
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.2))
    for ax, (title, key) in zip(axes, panels, strict=True):
        ax.hist(values[key], bins=20)
        ax.set_title(f"{title} (n={len(values[key])})")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
