"""``python -m service.data {extract,augment,score,convert} IN -o OUT``: see ``--help`` of each."""

from __future__ import annotations

import argparse
import json
import os
import sys
from functools import partial

from pydantic import ValidationError

from service.rewards import DEFAULT_PROFILE, PROFILES
from service.scoring.contract import Options

from .augment import MAX_FORMS, augment_record
from .convert import same_record
from .extract import llm_extract, rule_extract
from .layouts import LAYOUTS
from .rows import default_workers, transform_file


def _common(p: argparse.ArgumentParser, workers: bool = True) -> None:
    p.add_argument("input", help="JSONL file (or a JSON array), any layout: project, r1vl, mulberry")
    p.add_argument("-o", "--output", required=True, help="output file (.jsonl, or .json for one JSON array)")
    if workers:
        p.add_argument("--workers", type=int, default=default_workers(), help="processes (default: CPU count)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _add_extract_flags(p: argparse.ArgumentParser) -> None:
    """``extract``'s own flags: what to keep, and the LLM to extract with."""
    p.add_argument("--keep-existing", action="store_true", help="leave rows that already have key steps as they are")
    p.add_argument(
        "--llm-url",
        help="OpenAI-compatible endpoint (…/v1 or …/v1/chat/completions): extract with an LLM instead of rules",
    )
    p.add_argument("--llm-model", default="gpt-4o", help="model name sent to the endpoint (default gpt-4o)")
    p.add_argument(
        "--llm-api-key", default=os.environ.get("OPENAI_API_KEY"), help="bearer token (default: $OPENAI_API_KEY)"
    )
    p.add_argument("--llm-timeout", type=float, default=120.0, help="seconds per request (default 120)")
    p.add_argument("--llm-retries", type=int, default=3, help="retries on connection errors, 429 and 5xx (default 3)")
    p.add_argument("--llm-concurrency", type=int, default=4, help="requests in flight (default 4)")


def _add_score_flags(p: argparse.ArgumentParser) -> None:
    """``score``'s own flags: the request's profile and options, the deadline, batches and outputs."""
    defaults = Options()
    p.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE)
    p.add_argument("--alpha", type=float, default=defaults.alpha, help=f"key-step weight (default {defaults.alpha})")
    p.add_argument("--advantage", choices=["group", "batch", "none"], default=defaults.advantage)
    p.add_argument("--epsilon", type=float, default=defaults.epsilon)
    p.add_argument("--biased-std", dest="unbiased_std", action="store_false", help="std with n instead of n-1")
    p.add_argument(
        "--stuffing-guard", dest="stuffing_guard", action="store_true", default=None, help="force the guard on"
    )
    p.add_argument("--no-stuffing-guard", dest="stuffing_guard", action="store_false", help="force the guard off")
    p.add_argument("--explain", action="store_true", help="attach per-trajectory explanations")
    p.add_argument(
        "--unscored",
        choices=["lowest", "exclude"],
        default=defaults.unscored,
        help="a completion whose own scoring fails or times out: paid the lowest reward, or left out "
        f"(default {defaults.unscored})",
    )
    p.add_argument("--deadline", type=float, default=5.0, help="hard per-trajectory deadline, seconds (default 5)")
    p.add_argument(
        "--batch-groups",
        type=int,
        default=256,
        help="rows per scoring request, the batch of --advantage batch (default 256)",
    )
    p.add_argument(
        "--plot", metavar="PNG", help="save histograms of the reward components (needs matplotlib: the [data] extra)"
    )
    p.add_argument("--summary", metavar="JSON", help="also write the summary as JSON")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m service.data",
        description="StepGRPO data tools: key steps, augmentation, offline scoring, conversion.",
    )
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="key steps from each row's reference solution (rules, or an LLM)")
    _common(p)
    _add_extract_flags(p)

    p = sub.add_parser("augment", help="add equivalent forms to each key-step group")
    _common(p)
    p.add_argument(
        "--max-forms", type=int, default=MAX_FORMS, help=f"most alternatives per group (default {MAX_FORMS})"
    )

    p = sub.add_parser("score", help="score (reference, completions) rows offline, as the server does")
    _common(p)
    _add_score_flags(p)

    p = sub.add_parser("convert", help="rewrite rows in another layout")
    _common(p, workers=False)
    p.add_argument("--to", choices=LAYOUTS, required=True, help="target layout")
    return ap


def _score(args) -> int:
    from .score import require_matplotlib, save_plot, score_file, summary_table

    try:
        options = Options(
            alpha=args.alpha,
            advantage=args.advantage,
            epsilon=args.epsilon,
            unbiased_std=args.unbiased_std,
            stuffing_guard=args.stuffing_guard,
            explain=args.explain,
            unscored=args.unscored,
        )
    except ValidationError as exc:
        raise SystemExit(
            "; ".join(f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}" for e in exc.errors())
        ) from None
    if args.deadline <= 0 or args.batch_groups < 1 or args.workers < 1:
        raise SystemExit("--deadline must be positive, --batch-groups and --workers at least 1")
    if args.plot:
        require_matplotlib()
    summary = score_file(
        args.input,
        args.output,
        args.profile,
        options,
        args.workers,
        args.deadline,
        args.batch_groups,
        not args.no_progress,
    )
    print(summary_table(summary))
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump({"profile": args.profile, **summary}, f, indent=1)
    if args.plot:
        save_plot(args.output, args.plot)
    return _exit_status("score", summary["rows"], summary["bad_rows"])


def _exit_status(command: str, rows: int, bad: int) -> int:
    """1, with one line on stderr, when there were rows and every one of them was bad: nothing usable came out."""
    if rows and bad == rows:
        print(f"{command}: every row is bad ({bad} of {rows}; see their 'error' field)", file=sys.stderr)
        return 1
    return 0


def _file_error(exc: OSError) -> str:
    """``missing.jsonl: No such file or directory`` rather than a traceback."""
    return f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        open(args.input, "rb").close()  # a missing or unreadable input fails before any work or progress bar
        return _run(args)
    except OSError as exc:
        print(f"python -m service.data {args.command}: {_file_error(exc)}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "score":
        return _score(args)
    show = not args.no_progress
    if args.command == "extract":
        if args.llm_url:
            from .llm import Endpoint

            endpoint = Endpoint(
                args.llm_url, args.llm_model, args.llm_api_key, timeout=args.llm_timeout, retries=args.llm_retries
            )
            rows, bad = transform_file(
                args.input,
                args.output,
                partial(llm_extract, endpoint, args.keep_existing),
                max(1, args.llm_concurrency),
                "extract (LLM)",
                show,
                threads=True,
            )
        else:
            rows, bad = transform_file(
                args.input, args.output, partial(rule_extract, args.keep_existing), args.workers, "extract", show
            )
    elif args.command == "augment":
        rows, bad = transform_file(
            args.input, args.output, partial(augment_record, args.max_forms), args.workers, "augment", show
        )
    else:
        rows, bad = transform_file(args.input, args.output, same_record, 1, "convert", show, layout=args.to)
    print(
        f"{args.command}: {rows} rows written to {args.output}, {bad} bad rows (see their 'error' field)",
        file=sys.stderr,
    )
    return _exit_status(args.command, rows, bad)


if __name__ == "__main__":
    sys.exit(main())
