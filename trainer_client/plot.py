"""``python -m trainer_client.plot RUN_DIR``: the learning curves of a run, from its ``metrics.jsonl``.

Draws ``reward.png`` (reward, StepRAR, StepRVR, accuracy, validity and KL per step: the raw values
faint, a moving average over them; then the hedge rate and the validity failures by check) and prints
each curve's mean over the first fifth of the steps and over the last fifth, the plainest sign of whether
the policy learned, and a line of the same for the hedge rate and each check's failures.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path

PICTURE = "reward.png"
CURVES = {
    "reward": "reward",
    "step_rar": "StepRAR",
    "step_rvr": "StepRVR",
    "accuracy": "accuracy",
    "validity_rate": "validity",
    "kl": "KL",
}
"""Metric key -> label, in the order of the panels and of the summary line."""
HEDGE = "hedge_rate"
"""The share of scored completions whose final answer hedged (the service's ``stats.rates.hedge``)."""
INVALID = "invalid_"
"""Prefix of the per-check validity-failure rates (``invalid_step_numbering``: ``stats.rates.validity_failures``)."""


def behaviour_rates(rates: list) -> dict[str, float]:
    """One step's hedge rate and validity failures by check, from its responses' ``stats.rates`` (several when
    groups are sent one per request), weighted by the completions each scored."""
    rates = [r for r in rates if r is not None and r.scored]
    scored = sum(r.scored for r in rates)
    if not scored:
        return {HEDGE: float("nan")}
    out = {HEDGE: sum(r.hedge * r.scored for r in rates) / scored}
    for check in sorted({c for r in rates for c in r.validity_failures}):
        out[INVALID + check] = sum(r.validity_failures.get(check, 0.0) * r.scored for r in rates) / scored
    return out


def _checks(metrics: list[dict]) -> list[str]:
    return sorted({k for m in metrics for k in m if k.startswith(INVALID)})


def behaviour_summary(metrics: list[dict]) -> str:
    """``first fifth -> last fifth: hedges 0.050 -> 0.010; validity failures: step_numbering 0.300 -> 0.100``."""
    n = max(1, len(metrics) // 5)

    def value(m: dict, key: str) -> float | None:
        return m.get(key, 0.0 if HEDGE in m else None)  # a step with rates and no failure of a check: 0

    def move(key: str) -> str:
        first = _mean([value(m, key) for m in metrics[:n]])
        last = _mean([value(m, key) for m in metrics[-n:]])
        return f"{first:.3f} -> {last:.3f}"

    failures = ", ".join(f"{key.removeprefix(INVALID)} {move(key)}" for key in _checks(metrics)) or "none"
    return f"first fifth -> last fifth: hedges {move(HEDGE)}; validity failures: {failures}"


def read_metrics(path: str | Path) -> list[dict]:
    """The per-step metrics of a run, one JSON object per line of ``metrics.jsonl``."""
    with Path(path).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _mean(values: Iterable[float | None]) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return sum(finite) / len(finite) if finite else float("nan")


def fifths(metrics: list[dict], key: str) -> tuple[float, float]:
    """Mean of ``key`` over the first fifth of the steps and over the last fifth (at least one step each)."""
    n = max(1, len(metrics) // 5)
    return _mean([m[key] for m in metrics[:n]]), _mean([m[key] for m in metrics[-n:]])


def summary(metrics: list[dict]) -> str:
    """``first fifth -> last fifth of N steps: reward 0.52 -> 0.91, StepRAR ..., KL ...``."""
    moves = []
    for key, label in CURVES.items():
        first, last = fifths(metrics, key)
        moves.append(f"{label} {first:.3f} -> {last:.3f}")
    return f"first fifth -> last fifth of {len(metrics)} steps: " + ", ".join(moves)


def window_summary(metrics: list[dict]) -> str:
    """``steps 21-40: reward 0.612, StepRAR ..., KL 0.0123``: each curve's mean over a run of steps."""
    first, last = metrics[0]["step"], metrics[-1]["step"]
    steps = f"step {first}" if first == last else f"steps {first}-{last}"
    means = (f"{label} {_mean([m[key] for m in metrics]):.{4 if key == 'kl' else 3}f}" for key, label in CURVES.items())
    return f"{steps}: " + ", ".join(means)


def smoothed(values: list[float], window: int) -> list[float]:
    """Trailing moving average over up to ``window`` values (the first points average fewer)."""
    return [_mean(values[max(0, i + 1 - window) : i + 1]) for i in range(len(values))]


def draw(metrics: list[dict], path: str | Path, title: str | None = None) -> Path:
    """Six panels, one per curve, saved as a small PNG at ``path``; returns ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    path = Path(path)
    steps = [m["step"] for m in metrics]
    window = max(1, len(metrics) // 10)
    figure, axes = pyplot.subplots(2, 4, figsize=(12, 4.8), dpi=80, sharex=True)
    for axis, (key, label) in zip(axes.flat, CURVES.items(), strict=False):
        values = [m[key] for m in metrics]
        first, last = fifths(metrics, key)
        axis.plot(steps, values, ".", color="tab:blue", alpha=0.25, markersize=3)
        axis.plot(steps, smoothed(values, window), color="tab:blue", linewidth=1.8)
        axis.set_title(f"{label}: {first:.2f} \u2192 {last:.2f}", fontsize=10)
        axis.grid(alpha=0.3)
    hedges, failures = axes.flat[len(CURVES)], axes.flat[len(CURVES) + 1]
    hedge = [m.get(HEDGE, float("nan")) for m in metrics]
    hedges.plot(steps, hedge, ".", color="tab:red", alpha=0.25, markersize=3)
    hedges.plot(steps, smoothed(hedge, window), color="tab:red", linewidth=1.8)
    hedges.set_title("hedged answers", fontsize=10)
    for key in _checks(metrics):
        failures.plot(
            steps, smoothed([m.get(key, 0.0) for m in metrics], window), linewidth=1.5, label=key.removeprefix(INVALID)
        )
    if _checks(metrics):
        failures.legend(fontsize=7)
    failures.set_title("validity failures by check", fontsize=10)
    for axis in (hedges, failures):
        axis.grid(alpha=0.3)
    for axis in axes[1]:
        axis.set_xlabel("GRPO step")
    figure.suptitle(title or f"{path.parent.name}: {len(metrics)} steps, moving average over {window}", fontsize=11)
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m trainer_client.plot", description=__doc__.split("\n\n")[0])
    p.add_argument("run", help="a run's output folder (or its metrics.jsonl)")
    p.add_argument("--output", default=None, help=f"picture to write (default: {PICTURE} next to metrics.jsonl)")
    p.add_argument("--title", default=None, help="title over the panels")
    args = p.parse_args(argv)
    source = Path(args.run)
    metrics_file = source / "metrics.jsonl" if source.is_dir() else source
    try:
        metrics = read_metrics(metrics_file)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {metrics_file}: {exc}", file=sys.stderr)
        return 2
    if not metrics:
        print(f"error: {metrics_file} has no steps", file=sys.stderr)
        return 2
    print(f"curves: {draw(metrics, args.output or metrics_file.parent / PICTURE, args.title)}")
    print(summary(metrics))
    print(behaviour_summary(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
