"""GRPO with TRL, rewarded by the StepGRPO service: one line in ``reward_funcs``.

    make install        # or: a CPU torch (README), then .venv/bin/pip install -e '.[trainer,trl]'
    .venv/bin/python -m service &                                  # the reward service on 127.0.0.1:8000
    .venv/bin/python examples/trl_grpo.py --tiny --max-steps 2     # offline smoke run on the CPU
    python examples/trl_grpo.py --model Qwen/Qwen2.5-1.5B-Instruct --data r1vl_train.jsonl --image-root images/

The dataset needs a ``prompt`` column and the reference in ``answer`` / ``key_steps`` / ``choices``
columns; TRL passes them to the reward function, which sends each prompt's ``num_generations``
completions to the service as one group. The rewards here are text-only (the prompt carries the
question, not the image); the reward function is the same for a vision-language model.
"""

from __future__ import annotations

import argparse

from datasets import Dataset
from trl import GRPOConfig, GRPOTrainer

from stepgrpo_reward.trl import AsyncStepGRPOReward, StepGRPOReward
from trainer_client.data import demo_dataset, load_jsonl
from trainer_client.policy import FORMAT_HINT


def reward_rows(items) -> list[dict]:
    """One TRL row per item: a conversational prompt and the reference columns the reward function reads."""
    return [
        {
            "prompt": [{"role": "user", "content": f"{item.question}\n{FORMAT_HINT}"}],
            "answer": item.answer,
            "key_steps": item.key_steps,
            "choices": item.choices,
        }
        for item in items
    ]


def tiny_model(rows: list[dict], path: str):
    """A 1-layer Qwen2 with a tokenizer trained in-process, saved to ``path``: no hub access, seconds on a CPU.

    Saved rather than passed as an object because TRL loads its KL reference model from the model's path.
    """
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from trainer_client.policy import train_tokenizer

    torch.set_num_threads(1)
    tokenizer = train_tokenizer([r["prompt"][0]["content"] for r in rows], vocab_size=400)
    tokenizer.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=1,
        num_attention_heads=4,
        num_key_value_heads=2,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    Qwen2ForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path, tokenizer


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--reward-url", default="http://127.0.0.1:8000")
    p.add_argument("--model", help="a causal LM on the hub or on disk (or --tiny)")
    p.add_argument("--tiny", action="store_true", help="a tiny random model built offline, for a smoke run")
    p.add_argument("--data", help="R1-VL JSONL (default: the bundled synthetic set)")
    p.add_argument("--image-root", default=None)
    p.add_argument("--max-steps", type=int, default=2)
    p.add_argument("--output-dir", default="runs/trl-grpo")
    args = p.parse_args(argv)
    if not (args.model or args.tiny):
        p.error("give --model or --tiny")

    rows = reward_rows(load_jsonl(args.data, args.image_root) if args.data else demo_dataset(16))
    model, tokenizer = tiny_model(rows, f"{args.output_dir}/tiny-model") if args.tiny else (args.model, None)
    rewards = [
        StepGRPOReward(args.reward_url),  # StepRAR + StepRVR: what GRPO optimises
        AsyncStepGRPOReward(args.reward_url, component="step_rar"),  # logged as rewards/step_rar/mean (weight 0)
        AsyncStepGRPOReward(args.reward_url, component="step_rvr"),  # logged as rewards/step_rvr/mean (weight 0)
    ]
    config = GRPOConfig(
        output_dir=args.output_dir,
        max_steps=args.max_steps,
        num_generations=4,
        per_device_train_batch_size=8,
        max_completion_length=64 if args.tiny else 1024,
        temperature=1.2,
        beta=0.04,
        learning_rate=1e-6,
        reward_weights=[1.0, 0.0, 0.0],
        logging_steps=1,
        report_to="none",
        save_strategy="no",
        use_cpu=args.tiny,
    )
    trainer = GRPOTrainer(
        model=model,
        processing_class=tokenizer,
        reward_funcs=rewards,
        args=config,
        train_dataset=Dataset.from_list(rows),
    )
    trainer.train()
    last = [h for h in trainer.state.log_history if "rewards/stepgrpo/mean" in h][-1]
    print({k: round(v, 4) for k, v in last.items() if k.startswith("rewards/")})


if __name__ == "__main__":
    main()
