#!/usr/bin/env bash
# GRPO with verl (config keys as in verl 0.9.1), rewarded by the StepGRPO service. Needs verl with vLLM and
# `pip install 'stepgrpo-reward-service[client]'` (or this checkout) in the same environment. REWARD_URL is the
# service (its load balancer when replicated); GPUS the GPUs of the one node (actor, reference and vLLM colocated).
# verl's reward loop awaits compute_score_async once per response. verl 0.7.1 to 0.9.1 read the function from
# reward.custom_reward_function.*, 0.7.0 from custom_reward_function.* (docs/integrations.md has each release's
# managers). A verl without pkg:// paths takes the file:
# reward.custom_reward_function.path=$(python -c 'import stepgrpo_reward.verl as m; print(m.__file__)').
set -euo pipefail
REWARD_URL=${REWARD_URL:-http://127.0.0.1:8000}
MODEL=${MODEL:-Qwen/Qwen2.5-1.5B-Instruct}
GPUS=${GPUS:-8}

python examples/export_data.py verl --out data/stepgrpo/train.parquet "$@"

python -m verl.trainer.main_ppo \
    algorithm.adv_estimator=grpo \
    algorithm.use_kl_in_reward=False \
    data.train_files=data/stepgrpo/train.parquet \
    data.val_files=data/stepgrpo/train.parquet \
    data.prompt_key=prompt \
    data.train_batch_size=32 \
    data.max_prompt_length=512 \
    data.max_response_length=1024 \
    actor_rollout_ref.model.path="$MODEL" \
    actor_rollout_ref.actor.optim.lr=1e-6 \
    actor_rollout_ref.actor.ppo_mini_batch_size=32 \
    actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=4 \
    actor_rollout_ref.actor.use_kl_loss=True \
    actor_rollout_ref.actor.kl_loss_coef=0.04 \
    actor_rollout_ref.actor.kl_loss_type=low_var_kl \
    actor_rollout_ref.rollout.name=vllm \
    actor_rollout_ref.rollout.n=4 \
    actor_rollout_ref.rollout.temperature=1.2 \
    actor_rollout_ref.rollout.tensor_model_parallel_size=1 \
    actor_rollout_ref.rollout.gpu_memory_utilization=0.6 \
    actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=8 \
    actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=8 \
    reward.custom_reward_function.path=pkg://stepgrpo_reward.verl \
    reward.custom_reward_function.name=compute_score_async \
    +reward.custom_reward_function.reward_kwargs.url="$REWARD_URL" \
    trainer.nnodes=1 \
    trainer.n_gpus_per_node="$GPUS" \
    trainer.logger=console \
    trainer.total_epochs=1
