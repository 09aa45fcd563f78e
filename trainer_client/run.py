"""``python -m trainer_client.run``: StepGRPO against the reward service.

For each batch of prompts (image + question): sample M completions, send each prompt's completions
as one group to the service, take its rewards and group advantages, and step the optimizer on the
GRPO loss (clipped ratio against the sampling policy, k3 KL to a frozen reference, token mean).
With ``--pipeline`` each group goes to the service as soon as it is sampled, so scoring overlaps the
next prompt's generation. With no ``--model`` it trains a tiny Qwen2-VL built offline on the bundled
synthetic data set, after a short supervised warm-up on the reference solutions (R1-VL's first
stage) so that the format can appear in samples at all; some of them without their rationale, so that
the warm-up leaves a policy that often skips it and the rewards have something to teach. At the end
it draws ``reward.png`` next to ``metrics.jsonl`` and prints how each curve moved from the first fifth
of the steps to the last.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch
from tqdm import tqdm

from service.client import RewardClient, RewardServiceError

from . import plot
from .data import Item, demo_dataset, load_jsonl
from .grpo import grpo_loss
from .policy import FORMAT_HINT, Policy, pretrained_policy, tiny_policy

DEMO_DEFAULTS = {
    "steps": 160,
    "batch_size": 2,
    "num_generations": 8,
    "temperature": 1.0,
    "lr": 3e-4,
    "lr_ramp": 20,
    "warmup_steps": 150,
    "warmup_sloppy": 0.5,
    "cpu_threads": 1,
}
"""The tiny offline demo: tuned so that the reward visibly rises in about 3 minutes on 2 CPU cores. Each fifth
of the steps is two whole passes over the 32 items; temperature 1.0, as at 1.2 most of the tiny model's samples
break on sampling noise alone, which no reward can teach away."""
MODEL_DEFAULTS = {
    "steps": 10,
    "batch_size": 2,
    "num_generations": 4,
    "temperature": 1.2,
    "lr": 1e-6,
    "lr_ramp": 0,
    "warmup_steps": 0,
    "warmup_sloppy": 0.0,
    "cpu_threads": None,
}
"""With ``--model``: the paper's settings (M = 4, temperature 1.2, lr 1e-6, no warm-up: start from SFT)."""
TIMING_KEYS = ("reward_latency_ms", "reward_wait_ms", "step_seconds")
"""Metrics that measure time: the only ones that differ between two runs with the same seed."""


def _both(key: str) -> str:
    return f"demo: {DEMO_DEFAULTS[key]}; with --model: {MODEL_DEFAULTS[key]}"


def add_reward_flags(p: argparse.ArgumentParser) -> None:
    """The flags of the reward service and how its rewards are turned into advantages."""
    p.add_argument(
        "--reward-url", default="http://127.0.0.1:8000", help="reward service: http://HOST:PORT, or grpc://HOST:PORT"
    )
    p.add_argument("--grpc", action="store_true", help="talk gRPC to --reward-url (same as a grpc:// URL)")
    p.add_argument("--profile", default="stepgrpo", help="reward profile")
    p.add_argument("--alpha", type=float, default=0.1, help="key-step weight in StepRAR")
    p.add_argument("--epsilon", type=float, default=1e-4, help="advantage std epsilon")
    p.add_argument("--reward-timeout", type=float, default=300.0, help="seconds per reward request")
    p.add_argument("--reward-retries", type=int, default=3, help="retries on connection errors, 429 and 503")


def add_data_flags(p: argparse.ArgumentParser) -> None:
    """The flags of the policy model and the data."""
    p.add_argument(
        "--model", default=None, help="Qwen2-VL / Qwen2.5-VL path or name; default: a tiny model built offline"
    )
    p.add_argument(
        "--data",
        default=None,
        help="R1-VL layout JSONL (image_path, problem, solution, key_steps); default: synthetic demo set",
    )
    p.add_argument("--image-root", default=None, help="folder that relative image paths in --data are relative to")
    p.add_argument("--demo-size", type=int, default=32, help="items in the synthetic demo set")
    p.add_argument(
        "--tokens",
        choices=["phrases", "words"],
        default="phrases",
        help="the tiny model's tokenizer: merges may span words (short completions) or stop at them",
    )


def add_grpo_flags(p: argparse.ArgumentParser) -> None:
    """The flags of GRPO: steps, sampling, loss and learning rate."""
    p.add_argument("--steps", type=int, default=None, help=f"GRPO steps ({_both('steps')})")
    p.add_argument("--batch-size", type=int, default=None, help=f"prompts per step ({_both('batch_size')})")
    p.add_argument(
        "--num-generations",
        "-M",
        type=int,
        default=None,
        help=f"completions per prompt, paper: 4 ({_both('num_generations')})",
    )
    p.add_argument(
        "--temperature", type=float, default=None, help=f"sampling temperature, paper: 1.2 ({_both('temperature')})"
    )
    p.add_argument("--max-new-tokens", type=int, default=160, help="completion length cap (paper: 1024)")
    p.add_argument("--beta", type=float, default=0.04, help="KL weight (paper: 0.04)")
    p.add_argument("--clip-eps", type=float, default=0.2, help="ratio clipping")
    p.add_argument("--lr", type=float, default=None, help=f"learning rate, paper: 1e-6 ({_both('lr')})")
    p.add_argument(
        "--lr-ramp",
        type=int,
        default=None,
        help=f"first GRPO steps, over which the learning rate rises linearly to --lr ({_both('lr_ramp')})",
    )


def add_warmup_flags(p: argparse.ArgumentParser) -> None:
    """The flags of the supervised warm-up on reference solutions."""
    p.add_argument(
        "--warmup-steps",
        type=int,
        default=None,
        help=f"supervised steps on reference solutions first ({_both('warmup_steps')})",
    )
    p.add_argument("--warmup-batch", type=int, default=8, help="reference solutions per warm-up step")
    p.add_argument("--warmup-lr", type=float, default=5e-3, help="learning rate of the warm-up")
    p.add_argument(
        "--warmup-sloppy",
        type=float,
        default=None,
        help=f"fraction of warm-up solutions shown without their rationale section ({_both('warmup_sloppy')})",
    )


def add_run_flags(p: argparse.ArgumentParser) -> None:
    """The flags of the run: overlap, device, seed, output, logging."""
    p.add_argument(
        "--pipeline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="send each prompt's group as soon as it is sampled, so scoring overlaps the next prompt's "
        "generation (default: on when a step has more than one prompt)",
    )
    p.add_argument(
        "--shuffle-advantages",
        action="store_true",
        help="control run: shuffle the advantages within each group, which breaks the learning signal",
    )
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument(
        "--cpu-threads",
        type=int,
        default=None,
        help="torch CPU threads (demo: 1, as it shares the CPUs with the reward workers; --model: torch's)",
    )
    p.add_argument(
        "--dtype", default="auto", choices=["auto", "bf16", "fp16", "fp32"], help="auto: bf16 on cuda, fp32 on cpu"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output-dir", default="runs/demo", help="metrics.jsonl, reward.png and checkpoints go here")
    p.add_argument(
        "--save-every",
        type=int,
        default=0,
        help="checkpoint every N steps (and the starting point); 0: only at the end",
    )
    p.add_argument("--no-plot", action="store_true", help="do not draw reward.png at the end")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--log-every",
        type=int,
        default=20,
        help="print each curve's mean over the last N steps every N steps (0: never); every step's metrics go to "
        "metrics.jsonl",
    )


def trainer_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m trainer_client.run",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_reward_flags(p)
    add_data_flags(p)
    add_grpo_flags(p)
    add_warmup_flags(p)
    add_run_flags(p)
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = trainer_parser()
    args = p.parse_args(argv)
    for key, value in (MODEL_DEFAULTS if args.model else DEMO_DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.pipeline is None:
        args.pipeline = args.batch_size > 1
    return args


def load_items(args) -> Sequence[Item]:
    if args.data:
        return load_jsonl(args.data, args.image_root)
    return demo_dataset(args.demo_size, seed=args.seed)


def build_policy(args, items: Sequence[Item]) -> Policy:
    if args.model:
        return pretrained_policy(args.model, args.device, args.dtype)
    corpus = [item.solution for item in items] + [item.question + "\n" + FORMAT_HINT for item in items]
    phrases = args.tokens == "phrases"
    return tiny_policy(corpus, seed=args.seed, across_words=phrases, device=args.device, dtype=args.dtype)


def epoch_batches(n: int, batch: int, rng: random.Random) -> Iterator[list[int]]:
    """Index batches that go through ``range(n)`` in a fresh shuffled order per pass (an epoch), so every
    item is seen equally often; a batch may span two passes. With ``n`` a multiple of ``batch``, any
    ``n / batch`` consecutive batches from the start of a pass hold every item once."""
    order: list[int] = []
    while True:
        while len(order) < min(batch, n):
            order += rng.sample(range(n), n)
        chosen, order = order[:batch], order[batch:]
        yield chosen


RATIONALE_HEADER = "### Rationales:"


def without_rationale(solution: str) -> str:
    """``solution`` with its rationale section cut out (a sloppy copy that the stepgrpo validity check
    fails for that reason alone); unchanged when it has no such section."""
    lines = solution.split("\n")
    if RATIONALE_HEADER not in lines:
        return solution
    start = lines.index(RATIONALE_HEADER)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("### ")), len(lines))
    return "\n".join(lines[:start] + lines[end:])


def warm_up(
    policy: Policy,
    items: Sequence[Item],
    steps: int,
    lr: float,
    batch: int,
    seed: int,
    progress: bool,
    sloppy: float = 0.0,
) -> float:
    """Supervised steps on the reference solutions: the format must exist before GRPO can reward it.

    Each step takes ``batch`` solutions in one padded forward pass; every item is seen once per pass
    over the shuffled set. A ``sloppy`` fraction of the solutions drawn come without their rationale
    section, as supervised data is never perfect: the policy learns to skip it that often, and GRPO
    has something the rewards can teach. Returns the last step's loss."""
    if steps <= 0:
        return float("nan")
    prompts = [policy.prompt_inputs(item.image, item.question) for item in items]
    eos = policy.tokenizer.eos_token

    def tokens(text: str) -> torch.Tensor:
        return (
            policy.tokenizer(text + eos, return_tensors="pt", add_special_tokens=False).input_ids[0].to(policy.device)
        )

    targets = [(tokens(item.solution), tokens(without_rationale(item.solution))) for item in items]
    optimizer = torch.optim.AdamW(policy.model.parameters(), lr=lr)
    rng = random.Random(f"warm-up:{seed}")
    batches = epoch_batches(len(items), batch, rng)
    policy.model.train()
    loss_value = float("nan")
    for _ in tqdm(range(steps), desc="warm-up", disable=not progress, leave=False):
        chosen = next(batches)
        drawn = [targets[i][1] if sloppy and rng.random() < sloppy else targets[i][0] for i in chosen]
        loss = policy.supervised_loss([prompts[i] for i in chosen], drawn)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        loss_value = loss.item()
    return loss_value


class Trainer:
    def __init__(self, args, policy: Policy, items: Sequence[Item], client: RewardClient):
        self.args = args
        self.policy = policy
        self.items = items
        self.client = client
        self.reference = copy.deepcopy(policy.model).eval().requires_grad_(False)
        self.optimizer = torch.optim.AdamW(policy.model.parameters(), lr=args.lr, weight_decay=0.0)
        ramp = max(1, args.lr_ramp)
        self.schedule = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda done: min(1.0, (done + 1) / ramp))
        self.batches = epoch_batches(len(items), args.batch_size, random.Random(args.seed))
        self.control = random.Random(f"shuffle-advantages:{args.seed}")
        self.pool = ThreadPoolExecutor(args.batch_size, thread_name_prefix="reward") if args.pipeline else None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    def step(self, step: int) -> dict:
        policy = self.policy
        started = time.perf_counter()
        batch = [self.items[i] for i in next(self.batches)]
        policy.model.eval()
        rollouts, pending = [], []
        for i, item in enumerate(batch):
            rollouts.append(self.rollout(item))
            if self.pool is not None:
                pending.append(self.pool.submit(self.score, [self.group(step, i, rollouts[-1])]))
        waiting = time.perf_counter()
        if self.pool is None:
            replies = [self.score([self.group(step, i, rollout) for i, rollout in enumerate(rollouts)])]
        else:
            replies = [request.result() for request in pending]
        waited = time.perf_counter() - waiting
        groups = [group for response, _ in replies for group in response.groups]

        parts = self.backward(rollouts, groups)
        torch.nn.utils.clip_grad_norm_(policy.model.parameters(), 1.0)
        self.optimizer.step()
        self.schedule.step()
        self.optimizer.zero_grad()
        timing = {
            "reward_latency_ms": round(sum(seconds for _, seconds in replies) * 1000, 2),
            "reward_wait_ms": round(waited * 1000, 2),
            "step_seconds": round(time.perf_counter() - started, 3),
        }
        behaviour = plot.behaviour_rates([response.stats.rates for response, _ in replies])
        return (
            self._metrics(step, groups, parts, rollouts)
            | behaviour
            | timing
            | {"reward_version": replies[0][0].version}
        )

    def score(self, groups: list[dict]) -> tuple:
        """The service's response to ``groups`` and the seconds it took to come back."""
        sent = time.perf_counter()
        response = self.client.score(
            groups, profile=self.args.profile, options={"alpha": self.args.alpha, "epsilon": self.args.epsilon}
        )
        return response, time.perf_counter() - sent

    @staticmethod
    def group(step: int, index: int, rollout: tuple) -> dict:
        item, texts = rollout[0], rollout[4]
        return {"group_id": f"{step}-{index}-{item.item_id}", "reference": item.reference(), "completions": texts}

    def advantages(self, group) -> list[float]:
        """The service's advantages; with ``--shuffle-advantages``, permuted among the scored completions
        (same values, wrong completions: the control that must not learn)."""
        values = list(group.advantages)
        if self.args.shuffle_advantages:
            scored = [i for i, r in enumerate(group.results) if r.reward is not None]
            moved = self.control.sample(scored, len(scored))
            for target, source in zip(scored, moved, strict=True):
                values[target] = group.advantages[source]
        return values

    def backward(self, rollouts: list, groups: list) -> list:
        """Accumulate the GRPO gradient of every group; a trajectory whose own scoring failed takes part
        with the lowest reward the service paid it, and one with no reward (a failure not its own, or
        excluded by ``options.unscored``) is masked out of the loss entirely."""
        policy, args = self.policy, self.args
        policy.model.train()
        parts = []
        for (_, prompt, completion, mask, _), group in zip(rollouts, groups, strict=True):
            scored = torch.tensor([r.reward is not None for r in group.results], device=policy.device)
            advantages = torch.tensor(self.advantages(group), dtype=torch.float32, device=policy.device)
            logp = policy.token_logprobs(policy.model, prompt, completion)
            with torch.no_grad():
                ref_logp = policy.token_logprobs(self.reference, prompt, completion)
            part = grpo_loss(
                logp,
                logp.detach(),
                ref_logp,
                advantages,
                mask * scored.unsqueeze(1),
                beta=args.beta,
                clip_eps=args.clip_eps,
            )
            (part.loss / len(rollouts)).backward()
            parts.append(part)
        return parts

    def rollout(self, item: Item) -> tuple:
        prompt = self.policy.prompt_inputs(item.image, item.question)
        completion, mask = self.policy.sample(
            prompt, self.args.num_generations, self.args.temperature, self.args.max_new_tokens
        )
        return item, prompt, completion, mask, self.policy.decode(completion, mask)

    @staticmethod
    def _metrics(step, groups, parts, rollouts) -> dict:
        results = [r for g in groups for r in g.results]
        ok = [r for r in results if r.status == "ok"]

        def mean(values):
            values = list(values)
            return sum(values) / len(values) if values else float("nan")

        return {
            "step": step,
            "reward": mean(r.reward for r in ok),
            "step_rar": mean(r.step_rar for r in ok),
            "step_rvr": mean(r.step_rvr for r in ok),
            "accuracy": mean(float(bool(r.answer_correct)) for r in ok),
            "validity_rate": mean(float(r.step_rvr == 1.0) for r in ok),
            "kl": mean(p.kl for p in parts),
            "loss": mean(p.loss.detach().item() for p in parts),
            "clip_fraction": mean(p.clipped for p in parts),
            "zero_std_fraction": mean(float(g.zero_std) for g in groups),
            "advantage_abs_mean": mean(abs(a) for g in groups for a in g.advantages),
            "unscored": len(results) - len(ok),
            "completion_tokens": mean(float(m.sum()) for _, _, _, mask, _ in rollouts for m in mask),
        }


def save_checkpoint(policy: Policy, out: Path, step: int) -> Path:
    path = out / f"checkpoint-{step:05d}"
    policy.model.save_pretrained(path)
    policy.tokenizer.save_pretrained(path)
    policy.image_processor.save_pretrained(path)
    return path


def reward_url(args) -> str:
    if args.grpc and not args.reward_url.startswith("grpc://"):
        return "grpc://" + args.reward_url.split("://", 1)[-1]
    return args.reward_url


def train(args, trainer: Trainer, policy: Policy, out: Path) -> int:
    """The GRPO steps, each one's metrics a line of ``metrics.jsonl``; 2 when the service fails. On the
    terminal: one progress bar with the latest step's reward, and every ``--log-every`` steps a line with
    each curve's mean over those steps."""
    progress = not args.no_progress
    steps = tqdm(range(1, args.steps + 1), desc="StepGRPO", disable=not progress, mininterval=0.5)
    window: list[dict] = []
    with open(out / "metrics.jsonl", "w") as log, steps as bar:
        for step in bar:
            try:
                metrics = trainer.step(step)
            except RewardServiceError as exc:
                print(f"error: reward service failed at step {step}: {exc}", file=sys.stderr)
                return 2
            log.write(json.dumps(metrics) + "\n")
            log.flush()
            bar.set_postfix_str(f"reward {metrics['reward']:.3f}", refresh=False)
            window.append(metrics)
            if args.log_every > 0 and (step % args.log_every == 0 or step == args.steps):
                tqdm.write(plot.window_summary(window))
                window = []
            if args.save_every and step % args.save_every == 0:
                save_checkpoint(policy, out, step)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.cpu_threads:
        torch.set_num_threads(args.cpu_threads)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    with RewardClient(reward_url(args), timeout=args.reward_timeout, retries=args.reward_retries) as client:
        try:
            info = client.info()
        except RewardServiceError as exc:
            print(f"error: the reward service is not reachable: {exc}", file=sys.stderr)
            return 2
        items = load_items(args)
        policy = build_policy(args, items)
        warm_loss = warm_up(
            policy,
            items,
            args.warmup_steps,
            args.warmup_lr,
            args.warmup_batch,
            args.seed,
            not args.no_progress,
            args.warmup_sloppy,
        )
        print(
            f"reward service {reward_url(args)} ({info.profiles[args.profile].version}); {len(items)} items; "
            f"warm-up loss {warm_loss:.3f}; {policy.model.num_parameters():,} parameters",
            flush=True,
        )
        trainer = Trainer(args, policy, items, client)
        if args.save_every:
            save_checkpoint(policy, out, 0)
        try:
            status = train(args, trainer, policy, out)
        finally:
            trainer.close()
        if status:
            return status
    if args.save_every and args.steps % args.save_every == 0:
        final = out / f"checkpoint-{args.steps:05d}"
    else:
        final = save_checkpoint(policy, out, args.steps)
    metrics = plot.read_metrics(out / "metrics.jsonl")
    if not args.no_plot and metrics:
        print(f"curves: {plot.draw(metrics, out / plot.PICTURE)}")
    print(plot.summary(metrics))
    print(plot.behaviour_summary(metrics))
    print(f"done: metrics in {out / 'metrics.jsonl'}, checkpoint {final}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
