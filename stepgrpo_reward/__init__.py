"""Trainer-side adapters for the StepGRPO reward service: TRL, verl (and OpenRLHF over plain HTTP).

Importing this package or its modules needs only ``httpx``: no torch, no server dependencies, so it is
safe to import inside a trainer's reward workers.

    from stepgrpo_reward.trl import StepGRPOReward        # GRPOTrainer(reward_funcs=[StepGRPOReward(url)])
    from stepgrpo_reward.verl import compute_score         # custom_reward_function.path / .name
"""

DEFAULT_URL = "http://127.0.0.1:8000"
