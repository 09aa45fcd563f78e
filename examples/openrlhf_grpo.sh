#!/usr/bin/env bash
# GRPO with OpenRLHF (>= 0.11 flag names), rewarded by the StepGRPO service over OpenRLHF's remote reward protocol.
# Before 0.11: --pretrain, --prompt_data, --input_key, --label_key, --apply_chat_template, --remote_rm_url,
# --advantage_estimator group_norm, --n_samples_per_prompt, --temperature, --generate_max_len (same values).
set -euo pipefail
REWARD_URL=${REWARD_URL:-http://127.0.0.1:8000}
MODEL=${MODEL:-Qwen/Qwen2.5-1.5B-Instruct}

python examples/export_data.py openrlhf --out data/stepgrpo/train.jsonl "$@"

python -m openrlhf.cli.train_ppo_ray \
    --actor.model_name_or_path "$MODEL" \
    --data.prompt_dataset data/stepgrpo/train.jsonl \
    --data.input_key input \
    --data.label_key label \
    --data.apply_chat_template \
    --reward.remote_url "$REWARD_URL/v1/openrlhf" \
    --algo.advantage.estimator group_norm \
    --rollout.n_samples_per_prompt 4 \
    --rollout.temperature 1.2 \
    --rollout.max_new_tokens 1024
