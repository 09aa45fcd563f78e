"""One POST /v1/score per batch: group the batch, send it through the client core, hand back results in order.

Absolute imports only: verl loads a reward file by path, outside its package.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any, Unpack

from stepgrpo_references import label_fields, reference_fields
from stepgrpo_reward.client import TOKEN_ENV, Connection, RewardServiceError, ServiceClient
from stepgrpo_reward.rates import RATES, batch_rates

__all__ = [
    "COMPONENTS",
    "TOKEN_ENV",
    "RATES",
    "RewardServiceError",
    "ScoreService",
    "batch_rates",
    "component_values",
    "group_batch",
    "make_reference",
    "plain",
    "read_references",
    "reference_from_label",
]

logger = logging.getLogger("stepgrpo_reward")

COMPONENTS = ("reward", "step_rar", "step_rvr")


def plain(value: Any) -> Any:
    """numpy arrays and scalars (verl's non-tensor batch, Arrow columns) as plain Python values."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def make_reference(answer: Any = None, key_steps: Any = None, choices: Any = None, solution: Any = None) -> dict:
    """A /v1/score reference, read as the data tools and the trainer read rows
    (:func:`stepgrpo_references.reference_fields`): a blank answer is the solution's (``### The final answer
    is:``, ``Answer: C``), ``B: 45`` is option B; a missing one is sent as "" so that the service fails that
    group alone. ``ValueError`` naming the field for an answer or solution that is neither text nor a number."""
    return reference_fields(plain(answer), plain(key_steps), plain(choices), plain(solution))


def reference_from_label(label: Any) -> dict:
    """A label as OpenRLHF and verl datasets carry it: the answer, or {answer, key_steps, choices, solution}
    (or its JSON). ``ValueError`` for a label that is neither (:func:`stepgrpo_references.label_fields`)."""
    return make_reference(**label_fields(plain(label)))


def read_references(read: Callable[[Any], dict], items: Sequence[Any], source: str) -> list[dict | str]:
    """``read(item)`` for each item, or why it cannot be read: that item is not sent (its result is an
    error, unscored like any other), never sent as a wrong reference, and the batch goes on; one warning
    names the first problem."""
    references: list[dict | str] = []
    for item in items:
        try:
            references.append(read(item))
        except ValueError as exc:
            references.append(f"unreadable reference: {exc}")
    unreadable = [i for i, r in enumerate(references) if isinstance(r, str)]
    if unreadable:
        logger.warning(
            "%s: %d of %d references cannot be read (first, item %d: %s); they are not sent, and count as unscored",
            source,
            len(unreadable),
            len(references),
            unreadable[0],
            references[unreadable[0]],
        )
    return references


Placed = tuple[int, int] | dict
"""Where a completion's result is: its (group, position) in the response, or its own error result when it
was not sent (its reference could not be read)."""


def group_batch(
    keys: Sequence[str], references: Sequence[dict | str], completions: Sequence[str]
) -> tuple[list[dict], list[Placed]]:
    """Completions with equal key and reference form one group (wherever they sit in the batch); a
    completion whose reference is why it cannot be read (:func:`read_references`) is not sent.

    Returns the groups and, per completion, where its result is. Order does not matter for the
    rewards (each is per completion); grouping only lets the service prepare a reference once.
    """
    index: dict[tuple[str, str], int] = {}
    groups: list[dict] = []
    positions: list[Placed] = []
    for key, reference, completion in zip(keys, references, completions, strict=True):
        if isinstance(reference, str):
            positions.append({"status": "error", "detail": reference})
            continue
        marker = (key, json.dumps(reference, sort_keys=True))
        if marker not in index:
            index[marker] = len(groups)
            groups.append({"group_id": str(len(groups)), "reference": reference, "completions": []})
        g = index[marker]
        positions.append((g, len(groups[g]["completions"])))
        groups[g]["completions"].append(completion)
    return groups, positions


def component_values(results: Sequence[dict], component: str, source: str) -> list[float | None]:
    """Each result's component as the service gives it: a completion whose own scoring failed has the lowest
    reward (0) by default (``options.unscored``), ``None`` when it is excluded or failed for another reason
    (its reference unreadable, the service's own failure). One warning per batch names the first failure."""
    values = [r.get(component) for r in results]
    unscored = [r for r in results if r["status"] != "ok"]
    if unscored:
        paid = sum(value is not None for r, value in zip(results, values, strict=True) if r["status"] != "ok")
        logger.warning(
            "%s: the reward service could not score %d of %d completions (first: %s: %s); "
            "%d get the lowest reward, the rest None",
            source,
            len(unscored),
            len(results),
            unscored[0]["status"],
            unscored[0].get("detail"),
            paid,
        )
    return values


class ScoreService(ServiceClient):
    """POST /v1/score for one profile and options, through the client core (:mod:`stepgrpo_reward.client`):
    its retries, timeouts, bearer token (default: ``REWARD_AUTH_TOKEN``) and :class:`RewardServiceError`.
    ``run`` names the training run in the service's policy-behaviour metrics (docs/contract.md)."""

    def __init__(
        self,
        url: str,
        profile: str = "stepgrpo",
        options: dict | None = None,
        *,
        run: str | None = None,
        **connection: Unpack[Connection],
    ):
        super().__init__(url, **connection)
        self.profile = profile
        self.options = dict(options or {})
        self.run = run

    def body(self, groups: list[dict]) -> dict:
        body = {"profile": self.profile, "groups": groups, "options": self.options}
        return body | {"run": self.run} if self.run else body

    def score(self, groups: list[dict]) -> dict:
        """The service's response; no request when nothing is left to send."""
        if not groups:
            return {"groups": []}
        return self.post("/v1/score", self.body(groups), what="batch")

    async def ascore(self, groups: list[dict]) -> dict:
        if not groups:
            return {"groups": []}
        return await self.apost("/v1/score", self.body(groups), what="batch")

    def results_in_order(self, response: dict, positions: list[Placed]) -> list[dict]:
        groups = response["groups"]
        return [p if isinstance(p, dict) else groups[p[0]]["results"][p[1]] for p in positions]
