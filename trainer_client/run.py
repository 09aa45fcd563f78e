"""``python -m trainer_client.run``: StepGRPO against the reward service.

For each batch of prompts (image + question): sample M completions, send each prompt's completions
as one group to the service, take its rewards and group advantages, and step the optimizer on the
GRPO loss (clipped ratio against the sampling policy, k3 KL to a frozen reference, token mean).
With no ``--model`` it trains a tiny Qwen2-VL built offline on the bundled synthetic data set, after
a short supervised warm-up on the reference solutions (R1-VL's first stage) so that the format can
appear in samples at all.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
from pathlib import Path

import torch
from tqdm import tqdm

from service.client import RewardClient, RewardServiceError

from .data import Item, demo_dataset, load_jsonl
from .grpo import grpo_loss
from .policy import FORMAT_HINT, Policy, pretrained_policy, tiny_policy


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m trainer_client.run", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--reward-url", default="http://127.0.0.1:8000", help="reward service: http://HOST:PORT, or grpc://HOST:PORT")
    p.add_argument("--grpc", action="store_true", help="talk gRPC to --reward-url (same as a grpc:// URL)")
    p.add_argument("--profile", default="stepgrpo", help="reward profile")
    p.add_argument("--alpha", type=float, default=0.1, help="key-step weight in StepRAR")
    p.add_argument("--epsilon", type=float, default=1e-4, help="advantage std epsilon")
    p.add_argument("--reward-timeout", type=float, default=300.0, help="seconds per reward request")
    p.add_argument("--reward-retries", type=int, default=3, help="retries on connection errors, 429 and 503")
    p.add_argument("--model", default=None, help="Qwen2-VL / Qwen2.5-VL path or name; default: a tiny model built offline")
    p.add_argument("--data", default=None, help="R1-VL layout JSONL (image_path, problem, solution, key_steps); default: synthetic demo set")
    p.add_argument("--image-root", default=None, help="folder that relative image paths in --data are relative to")
    p.add_argument("--demo-size", type=int, default=32, help="items in the synthetic demo set")
    p.add_argument("--steps", type=int, default=10, help="GRPO steps")
    p.add_argument("--batch-size", type=int, default=2, help="prompts per step")
    p.add_argument("--num-generations", "-M", type=int, default=4, help="completions per prompt (paper: 4)")
    p.add_argument("--temperature", type=float, default=1.2, help="sampling temperature (paper: 1.2)")
    p.add_argument("--max-new-tokens", type=int, default=160, help="completion length cap (paper: 1024)")
    p.add_argument("--beta", type=float, default=0.04, help="KL weight (paper: 0.04)")
    p.add_argument("--clip-eps", type=float, default=0.2, help="ratio clipping")
    p.add_argument("--lr", type=float, default=None, help="learning rate (paper: 1e-6; default 1e-6 with --model, 5e-4 for the tiny demo)")
    p.add_argument("--warmup-steps", type=int, default=None, help="supervised steps on reference solutions first (default 0 with --model, 300 for the tiny demo)")
    p.add_argument("--warmup-lr", type=float, default=3e-3, help="learning rate of the warm-up")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--cpu-threads", type=int, default=None, help="torch CPU threads (default 1 for the tiny demo: it shares the CPUs with the reward workers)")
    p.add_argument("--dtype", default="auto", choices=["auto", "bf16", "fp16", "fp32"], help="auto: bf16 on cuda, fp32 on cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output-dir", default="runs/demo", help="metrics.jsonl and checkpoints go here")
    p.add_argument("--save-every", type=int, default=0, help="checkpoint every N steps (and the starting point); 0: only at the end")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    if args.lr is None:
        args.lr = 1e-6 if args.model else 5e-4
    if args.warmup_steps is None:
        args.warmup_steps = 0 if args.model else 300
    if args.cpu_threads is None and not args.model:
        args.cpu_threads = 1
    return args


def load_items(args) -> list[Item]:
    if args.data:
        return load_jsonl(args.data, args.image_root)
    return demo_dataset(args.demo_size, seed=args.seed)


def build_policy(args, items: list[Item]) -> Policy:
    if args.model:
        return pretrained_policy(args.model, args.device, args.dtype)
    corpus = [item.solution for item in items] + [item.question + "\n" + FORMAT_HINT for item in items]
    return tiny_policy(corpus, seed=args.seed, device=args.device, dtype=args.dtype)


def warm_up(policy: Policy, items: list[Item], steps: int, lr: float, progress: bool) -> float:
    """Supervised steps on the reference solutions: the format must exist before GRPO can reward it."""
    if steps <= 0:
        return float("nan")
    optimizer = torch.optim.AdamW(policy.model.parameters(), lr=lr)
    policy.model.train()
    loss_value = float("nan")
    for i in tqdm(range(steps), desc="warm-up", disable=not progress, leave=False):
        item = items[i % len(items)]
        prompt = policy.prompt_inputs(item.image, item.question)
        target = policy.tokenizer(item.solution + policy.tokenizer.eos_token, return_tensors="pt", add_special_tokens=False).input_ids.to(policy.device)
        loss = -policy.token_logprobs(policy.model, prompt, target)[:, :].mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        loss_value = loss.item()
    return loss_value


class Trainer:
    def __init__(self, args, policy: Policy, items: list[Item], client: RewardClient):
        self.args = args
        self.policy = policy
        self.items = items
        self.client = client
        self.reference = copy.deepcopy(policy.model).eval().requires_grad_(False)
        self.optimizer = torch.optim.AdamW(policy.model.parameters(), lr=args.lr, weight_decay=0.0)
        self.rng = random.Random(args.seed)

    def step(self, step: int) -> dict:
        args, policy = self.args, self.policy
        started = time.perf_counter()
        batch = self.rng.sample(self.items, min(args.batch_size, len(self.items)))
        policy.model.eval()
        rollouts = [self.rollout(item) for item in batch]
        groups = [{"group_id": f"{step}-{i}-{item.item_id}", "reference": item.reference(), "completions": texts}
                  for i, (item, _, _, _, texts) in enumerate(rollouts)]
        sent = time.perf_counter()
        response = self.client.score(groups, profile=args.profile, options={"alpha": args.alpha, "epsilon": args.epsilon})
        latency = time.perf_counter() - sent

        parts = self.backward(rollouts, response)
        torch.nn.utils.clip_grad_norm_(policy.model.parameters(), 1.0)
        self.optimizer.step()
        self.optimizer.zero_grad()
        return self._metrics(step, response, parts, rollouts, latency, time.perf_counter() - started)

    def backward(self, rollouts: list, response) -> list:
        """Accumulate the GRPO gradient of every group; trajectories the service did not score
        (timeout / error) are masked out of the loss entirely."""
        policy, args = self.policy, self.args
        policy.model.train()
        parts = []
        for (item, prompt, completion, mask, _), group in zip(rollouts, response.groups):
            scored = torch.tensor([r.status == "ok" for r in group.results], device=policy.device)
            advantages = torch.tensor(group.advantages, dtype=torch.float32, device=policy.device)
            logp = policy.token_logprobs(policy.model, prompt, completion)
            with torch.no_grad():
                ref_logp = policy.token_logprobs(self.reference, prompt, completion)
            part = grpo_loss(logp, logp.detach(), ref_logp, advantages, mask * scored.unsqueeze(1), beta=args.beta, clip_eps=args.clip_eps)
            (part.loss / len(rollouts)).backward()
            parts.append(part)
        return parts

    def rollout(self, item: Item) -> tuple:
        prompt = self.policy.prompt_inputs(item.image, item.question)
        completion, mask = self.policy.sample(prompt, self.args.num_generations, self.args.temperature, self.args.max_new_tokens)
        return item, prompt, completion, mask, self.policy.decode(completion, mask)

    @staticmethod
    def _metrics(step, response, parts, rollouts, latency, seconds) -> dict:
        results = [r for g in response.groups for r in g.results]
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
            "zero_std_fraction": mean(float(g.zero_std) for g in response.groups),
            "advantage_abs_mean": mean(abs(a) for g in response.groups for a in g.advantages),
            "unscored": len(results) - len(ok),
            "completion_tokens": mean(float(m.sum()) for _, _, _, mask, _ in rollouts for m in mask),
            "reward_latency_ms": round(latency * 1000, 2),
            "step_seconds": round(seconds, 3),
            "reward_version": response.version,
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.cpu_threads:
        torch.set_num_threads(args.cpu_threads)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    progress = not args.no_progress
    with RewardClient(reward_url(args), timeout=args.reward_timeout, retries=args.reward_retries) as client:
        try:
            info = client.info()
        except RewardServiceError as exc:
            print(f"error: the reward service is not reachable: {exc}", file=sys.stderr)
            return 2
        items = load_items(args)
        policy = build_policy(args, items)
        warm_loss = warm_up(policy, items, args.warmup_steps, args.warmup_lr, progress)
        print(f"reward service {reward_url(args)} ({info.profiles[args.profile].version}); "
              f"{len(items)} items; warm-up loss {warm_loss:.3f}; {sum(p.numel() for p in policy.model.parameters()):,} parameters", flush=True)
        trainer = Trainer(args, policy, items, client)
        if args.save_every:
            save_checkpoint(policy, out, 0)
        with open(out / "metrics.jsonl", "a") as log, tqdm(range(1, args.steps + 1), desc="StepGRPO", disable=not progress) as bar:
            for step in bar:
                try:
                    metrics = trainer.step(step)
                except RewardServiceError as exc:
                    print(f"error: reward service failed at step {step}: {exc}", file=sys.stderr)
                    return 2
                log.write(json.dumps(metrics) + "\n")
                log.flush()
                bar.set_postfix(reward=f"{metrics['reward']:.3f}", acc=f"{metrics['accuracy']:.2f}", valid=f"{metrics['validity_rate']:.2f}")
                tqdm.write(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items() if k != "reward_version"))
                if args.save_every and step % args.save_every == 0:
                    save_checkpoint(policy, out, step)
        final = save_checkpoint(policy, out, args.steps) if not (args.save_every and args.steps % args.save_every == 0) else out / f"checkpoint-{args.steps:05d}"
        print(f"done: metrics in {out / 'metrics.jsonl'}, checkpoint {final}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
