"""StepGRPO trainer client: sample completions, score them with the reward service, update the policy."""
