"""The gRPC front end: ``reward.v1.RewardService`` over the generated stubs in :mod:`service.rewardpb`."""
