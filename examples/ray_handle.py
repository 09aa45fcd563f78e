"""Score rollouts through the reward app's Ray Serve deployment handle, from inside the Ray cluster.

A trainer's Ray task or actor (a verl reward worker, an OpenRLHF actor, your own rollout loop) looks up
the app by name and calls ``score`` with a /v1/score request as a dict: no HTTP hop, no URL to
configure, and Serve sends each call to the less busy of two sampled replicas. In async code, ``await
handle.score.remote(request)`` instead of ``.result()``.

    python examples/ray_handle.py --address auto   # a cluster already serving deploy/ray/serve.yaml
    python examples/ray_handle.py                  # no cluster: starts a local Ray and the app first
"""

from __future__ import annotations

import argparse

import ray
from ray import serve

APP_NAME = "reward"
"""The application's name in deploy/ray/serve.yaml."""


@ray.remote(num_cpus=0)
def rewards_and_advantages(groups: list[dict], options: dict | None = None) -> list[dict]:
    """Per group: the rewards (the lowest, 0, where a completion's own scoring failed; None where it was not
    scored for another reason) and the advantages."""
    handle = serve.get_app_handle(APP_NAME)
    response = handle.score.remote({"groups": groups, "options": options or {}}).result()
    return [
        {
            "group_id": g["group_id"],
            "rewards": [r["reward"] for r in g["results"]],
            "advantages": g["advantages"],
        }
        for g in response["groups"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="a running Ray cluster (e.g. auto); omitted: start a local one with the app")
    args = parser.parse_args()
    if args.address:
        ray.init(address=args.address)
    else:
        from service.ray_serve import RewardService

        ray.init(num_cpus=2, include_dashboard=False)
        serve.run(RewardService.options(ray_actor_options={"num_cpus": 1}).bind(), name=APP_NAME, route_prefix="/")
    groups = [
        {
            "group_id": "q-1",
            "reference": {"answer": "5"},
            "completions": [
                "### Step 1:\nAB = 3 and BC = 4, so AC = 5.\n### The final answer is: 5",
                "### The final answer is: 6",
            ],
        }
    ]
    for group in ray.get(rewards_and_advantages.remote(groups)):
        print(group)


if __name__ == "__main__":
    main()
