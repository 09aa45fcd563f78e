"""StepGRPO rewards for TRL's ``GRPOTrainer(reward_funcs=[...])``, sync or async, from the reward service.

    from stepgrpo_reward.trl import StepGRPOReward
    trainer = GRPOTrainer(model=..., reward_funcs=[StepGRPOReward("http://127.0.0.1:8000")], train_dataset=ds, ...)

TRL calls a reward function with ``prompts``, ``completions`` and every dataset column as lists, one
entry per completion (each prompt repeated ``num_generations`` times). The answer, key steps and
choices come from the dataset's columns (names configurable). Completions with the same prompt and
reference are sent as one group; the returned values are per completion, in TRL's order, so the
grouping never changes a reward (TRL computes its own advantages). A completion whose own scoring failed
(``timeout``/``error``) gets the lowest reward, 0, as the service pays it by default, so that TRL's
advantages give it no shelter (``options={"unscored": "exclude"}`` makes it ``None``, which TRL leaves
out); a warning names it. A completion whose answer is neither text nor a number (a list, a bool) is not
sent, and is ``None``.
An unreachable service raises :class:`RewardServiceError` after bounded retries.
"""

from __future__ import annotations

import json
from typing import Any, Unpack

from stepgrpo_reward import DEFAULT_URL
from stepgrpo_reward._service import (
    COMPONENTS,
    Placed,
    RewardServiceError,
    ScoreService,
    batch_rates,
    component_values,
    group_batch,
    make_reference,
    read_references,
)
from stepgrpo_reward.client import Connection

__all__ = ["AsyncStepGRPOReward", "RewardServiceError", "StepGRPOReward"]


def message_text(value: Any) -> str:
    """A standard completion as is; a conversational one as its assistant messages' text (content blocks joined)."""
    if isinstance(value, str):
        return value
    parts = []
    for message in value:
        if message.get("role", "assistant") != "assistant":
            continue
        content = message.get("content")
        if isinstance(content, list):
            content = "".join(block.get("text") or "" for block in content if block.get("type", "text") == "text")
        parts.append(content or "")
    return "\n".join(parts)


def _prompt_key(prompt: Any) -> str:
    """The prompt's text (images and other non-text parts left out: they are not comparable by value)."""
    if isinstance(prompt, str):
        return prompt
    return json.dumps([[m.get("role"), message_text([{**m, "role": "assistant"}])] for m in prompt])


class _ColumnsReward:
    """What the sync and async reward functions share: TRL's batch as groups, and one component back.

    ``component``: ``reward`` (StepRAR + StepRVR), ``step_rar`` or ``step_rvr``. ``answer_column``,
    ``key_steps_column``, ``choices_column``: the dataset columns holding the reference (the last two
    are optional; without an answer, R1-VL's ``solution`` column gives it, read by :mod:`stepgrpo_references`).
    ``profile`` and ``options`` (e.g. ``{"alpha": 0.1}``) go to the service as given.
    ``run`` names the training run in the service's policy-behaviour metrics. How to reach the service
    (``timeout``, ``retries``, the bearer ``token``, ``ca_cert`` for an ``https://`` URL...):
    :class:`stepgrpo_reward.client.Connection`.
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        component: str = "reward",
        *,
        profile: str = "stepgrpo",
        options: dict | None = None,
        answer_column: str = "answer",
        key_steps_column: str = "key_steps",
        choices_column: str = "choices",
        run: str | None = None,
        **connection: Unpack[Connection],
    ):
        if component not in COMPONENTS:
            raise ValueError(f"component must be one of {COMPONENTS}, not {component!r}")
        self.component = component
        self.columns = (answer_column, key_steps_column, choices_column)
        self.service = ScoreService(url, profile, options, run=run, **connection)
        # TRL names the reward in its logs (rewards/<name>/mean) after __name__.
        self.__name__ = "stepgrpo" if component == "reward" else component

    def batch(self, prompts: list, completions: list, columns: dict) -> tuple[list[dict], list[Placed]]:
        """The /v1/score groups for TRL's flat batch, and where each completion landed."""
        answer, key_steps, choices = self.columns
        if answer not in columns and "solution" not in columns:
            known = sorted(
                k
                for k in columns
                if k not in ("trainer_state", "log_extra", "log_metric", "completion_ids", "environments")
            )
            raise KeyError(f"StepGRPOReward needs the answer in a dataset column {answer!r}; the dataset has {known}")
        n = len(completions)
        answers, solutions = columns.get(answer) or [None] * n, columns.get("solution") or [None] * n
        steps, options = columns.get(key_steps) or [None] * n, columns.get(choices) or [None] * n

        def reference(i: int) -> dict:
            return make_reference(answers[i], steps[i], options[i], solutions[i])

        references = read_references(reference, range(n), self.__name__)
        return group_batch([_prompt_key(p) for p in prompts], references, [message_text(c) for c in completions])

    def values(self, response: dict, results: list[dict], columns: dict) -> list[float | None]:
        """The component per completion; with TRL's ``log_metric``, the unscored fraction and the batch's rates
        (hedges, validity failures by check, uncredited key steps by reason: :data:`~stepgrpo_reward.rates.RATES`)
        logged as ``<name>/<rate>``."""
        values = component_values(results, self.component, self.__name__)
        log_metric = columns.get("log_metric")
        if callable(log_metric):
            unscored = sum(r["status"] != "ok" for r in results)
            log_metric(f"{self.__name__}/unscored_fraction", unscored / max(1, len(values)))
            for key, rate in batch_rates(response).items():
                log_metric(f"{self.__name__}/{key}", rate)
        return values


class StepGRPOReward(_ColumnsReward):
    """A synchronous TRL reward function returning one StepGRPO component per completion (arguments: see
    :class:`_ColumnsReward`)."""

    def __call__(self, prompts: list, completions: list, **columns: Any) -> list[float | None]:
        if not completions:
            return []
        groups, positions = self.batch(prompts, completions, columns)
        response = self.service.score(groups)
        return self.values(response, self.service.results_in_order(response, positions), columns)


class AsyncStepGRPOReward(_ColumnsReward):
    """The same as :class:`StepGRPOReward`, as an ``async`` reward function: TRL runs it concurrently with
    its other async rewards."""

    async def __call__(self, prompts: list, completions: list, **columns: Any) -> list[float | None]:
        if not completions:
            return []
        groups, positions = self.batch(prompts, completions, columns)
        response = await self.service.ascore(groups)
        return self.values(response, self.service.results_in_order(response, positions), columns)
