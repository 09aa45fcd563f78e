#!/usr/bin/env bash
# GRPO with verl, rewarded by the StepGRPO service. Needs verl installed and `pip install stepgrpo-reward-service[client]`
# (or this checkout) in the same environment; REWARD_URL is the service (its load balancer when replicated).
# verl's reward loop (its default since early 2026) awaits compute_score_async once per response. With the legacy
# managers, one request per batch instead: reward_model.use_reward_loop=False reward_model.reward_manager=batch
# custom_reward_function.name=compute_score_batch. A verl without pkg:// paths takes the file:
# custom_reward_function.path=$(python -c 'import stepgrpo_reward.verl as m; print(m.__file__)').
set -euo pipefail
REWARD_URL=${REWARD_URL:-http://127.0.0.1:8000}
MODEL=${MODEL:-Qwen/Qwen2.5-1.5B-Instruct}

python examples/export_data.py verl --out data/stepgrpo/train.parquet "$@"

python -m verl.trainer.main_ppo \
    algorithm.adv_estimator=grpo \
    data.train_files=data/stepgrpo/train.parquet \
    data.val_files=data/stepgrpo/train.parquet \
    data.prompt_key=prompt \
    data.train_batch_size=32 \
    data.max_prompt_length=512 \
    data.max_response_length=1024 \
    actor_rollout_ref.model.path="$MODEL" \
    actor_rollout_ref.rollout.n=4 \
    actor_rollout_ref.rollout.temperature=1.2 \
    actor_rollout_ref.actor.use_kl_loss=True \
    actor_rollout_ref.actor.kl_loss_coef=0.04 \
    actor_rollout_ref.actor.optim.lr=1e-6 \
    custom_reward_function.path=pkg://stepgrpo_reward.verl \
    custom_reward_function.name=compute_score_async \
    +custom_reward_function.reward_kwargs.url="$REWARD_URL" \
    trainer.total_epochs=1
