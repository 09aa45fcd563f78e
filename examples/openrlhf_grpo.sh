#!/usr/bin/env bash
# GRPO with OpenRLHF (flag names as in OpenRLHF 0.11.2; the dotted groups date from 0.10.2), rewarded by the
# StepGRPO service over OpenRLHF's remote reward protocol. One node with GPUS GPUs: the actor, the reference model
# (the k3 KL loss, beta 0.04) and GPUS vLLM engines share them (--train.colocate_all; vLLM and DeepSpeed sleep
# while the other works). REWARD_URL is the service (its load balancer when replicated).
set -euo pipefail
REWARD_URL=${REWARD_URL:-http://127.0.0.1:8000}
MODEL=${MODEL:-Qwen/Qwen2.5-1.5B-Instruct}
GPUS=${GPUS:-8}

python examples/export_data.py openrlhf --out data/stepgrpo/train.jsonl "$@"

python -m openrlhf.cli.train_ppo_ray \
    --actor.num_nodes 1 \
    --actor.num_gpus_per_node "$GPUS" \
    --ref.num_nodes 1 \
    --ref.num_gpus_per_node "$GPUS" \
    --vllm.num_engines "$GPUS" \
    --vllm.tensor_parallel_size 1 \
    --vllm.gpu_memory_utilization 0.6 \
    --vllm.enable_sleep \
    --ds.enable_sleep \
    --train.colocate_all \
    --actor.model_name_or_path "$MODEL" \
    --data.prompt_dataset data/stepgrpo/train.jsonl \
    --data.input_key input \
    --data.label_key label \
    --data.apply_chat_template \
    --data.max_len 2048 \
    --reward.remote_url "$REWARD_URL/v1/openrlhf" \
    --algo.advantage.estimator group_norm \
    --algo.kl.init_coef 0.04 \
    --algo.kl.use_loss \
    --algo.kl.estimator k3 \
    --rollout.n_samples_per_prompt 4 \
    --rollout.temperature 1.2 \
    --rollout.max_new_tokens 1024 \
    --rollout.batch_size 32 \
    --train.batch_size 128 \
    --actor.adam.lr 1e-6 \
    --ds.zero_stage 3 \
    --ds.param_dtype bf16 \
    --ckpt.output_dir runs/openrlhf-stepgrpo
