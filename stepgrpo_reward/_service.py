"""One POST /v1/score per batch: group the batch, retry transient failures, hand back results in order.

Absolute imports only: verl loads a reward file by path, outside its package.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Sequence
from typing import Any

import httpx

from stepgrpo_reward.rows import lenient_choices, reference_answer

logger = logging.getLogger("stepgrpo_reward")

COMPONENTS = ("reward", "step_rar", "step_rvr")
_RETRY_STATUS = {429, 502, 503, 504}
TOKEN_ENV = "REWARD_AUTH_TOKEN"
_TRANSIENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.PoolTimeout,
)


class RewardServiceError(RuntimeError):
    """The service did not answer the batch (unreachable after retries, or it refused the request)."""


def plain(value: Any) -> Any:
    """numpy arrays and scalars (verl's non-tensor batch, Arrow columns) as plain Python values."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def make_reference(answer: Any, key_steps: Any = None, choices: Any = None, solution: Any = None) -> dict:
    """A /v1/score reference, read as the data tools and the trainer read rows (:mod:`stepgrpo_reward.rows`):
    a blank answer is the solution's (``### The final answer is:``, ``Answer: C``); a missing one is sent
    as "" so that the service fails that group alone."""
    solution = plain(solution)
    answer = reference_answer(plain(answer), solution if isinstance(solution, str) else None)
    reference: dict[str, Any] = {"answer": answer or ""}
    key_steps = plain(key_steps)
    if key_steps not in (None, "", []):
        reference["key_steps"] = key_steps
    choices = lenient_choices(plain(choices))
    if choices:
        reference["choices"] = choices
    return reference


def reference_from_label(label: Any) -> dict:
    """A label as OpenRLHF and verl datasets carry it: the answer, or {answer, key_steps, choices, solution}
    (or its JSON)."""
    label = plain(label)
    if isinstance(label, str) and label.lstrip().startswith("{"):
        try:
            label = json.loads(label)
        except (json.JSONDecodeError, RecursionError):
            pass
    if isinstance(label, dict):
        return make_reference(label.get("answer"), label.get("key_steps"), label.get("choices"), label.get("solution"))
    return make_reference(label)


def group_batch(
    keys: Sequence[str], references: Sequence[dict], completions: Sequence[str]
) -> tuple[list[dict], list[tuple[int, int]]]:
    """Completions with equal key and reference form one group (wherever they sit in the batch).

    Returns the groups and, per completion, its (group, position). Order does not matter for the
    rewards (each is per completion); grouping only lets the service prepare a reference once.
    """
    index: dict[tuple[str, str], int] = {}
    groups: list[dict] = []
    positions: list[tuple[int, int]] = []
    for key, reference, completion in zip(keys, references, completions, strict=True):
        marker = (key, json.dumps(reference, sort_keys=True))
        if marker not in index:
            index[marker] = len(groups)
            groups.append({"group_id": str(len(groups)), "reference": reference, "completions": []})
        g = index[marker]
        positions.append((g, len(groups[g]["completions"])))
        groups[g]["completions"].append(completion)
    return groups, positions


def component_values(results: Sequence[dict], component: str, source: str) -> list[float | None]:
    """Each result's component; ``None`` (with one warning per batch) for a trajectory the service could not score."""
    values = [r[component] if r["status"] == "ok" else None for r in results]
    unscored = [r for r in results if r["status"] != "ok"]
    if unscored:
        logger.warning(
            "%s: the reward service could not score %d of %d completions (first: %s: %s); their reward is None",
            source,
            len(unscored),
            len(results),
            unscored[0]["status"],
            unscored[0].get("detail"),
        )
    return values


class ScoreService:
    """POST /v1/score with bounded retries (connection errors, 429/502/503/504, honouring Retry-After).

    ``token``: the server's bearer token (default: ``REWARD_AUTH_TOKEN`` from the environment, if set).
    The timeout goes with each request as ``X-Request-Timeout``, so the server drops work nobody waits for.
    """

    def __init__(
        self,
        url: str,
        profile: str = "stepgrpo",
        options: dict | None = None,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        token: str | None = None,
    ):
        self.url = url.rstrip("/")
        self.token = token if token is not None else os.environ.get(TOKEN_ENV) or None
        self.profile = profile
        self.options = dict(options or {})
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._client: httpx.Client | None = None
        self._async: tuple[asyncio.AbstractEventLoop, httpx.AsyncClient] | None = None

    def __getstate__(self) -> dict:
        """Picklable (trainers may copy reward functions into other processes): open clients stay behind."""
        return {**self.__dict__, "_client": None, "_async": None}

    def headers(self) -> dict[str, str]:
        auth = {"authorization": f"Bearer {self.token}"} if self.token else {}
        return {"x-request-timeout": f"{self.timeout:g}", **auth}

    def body(self, groups: list[dict]) -> dict:
        return {"profile": self.profile, "groups": groups, "options": self.options}

    def score(self, groups: list[dict]) -> dict:
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, headers=self.headers())
        body, attempt = self.body(groups), 0
        while True:
            try:
                wait, outcome = self._read(self._client.post(self.url + "/v1/score", json=body))
            except _TRANSIENT as exc:
                wait, outcome = 0.0, f"{type(exc).__name__}: {exc}"
            if wait is None:
                return outcome
            time.sleep(self._next_delay(attempt, wait, outcome))
            attempt += 1

    async def ascore(self, groups: list[dict]) -> dict:
        client = self._async_client()
        body, attempt = self.body(groups), 0
        while True:
            try:
                wait, outcome = self._read(await client.post(self.url + "/v1/score", json=body))
            except _TRANSIENT as exc:
                wait, outcome = 0.0, f"{type(exc).__name__}: {exc}"
            if wait is None:
                return outcome
            await asyncio.sleep(self._next_delay(attempt, wait, outcome))
            attempt += 1

    def results_in_order(self, response: dict, positions: list[tuple[int, int]]) -> list[dict]:
        groups = response["groups"]
        return [groups[g]["results"][i] for g, i in positions]

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _async_client(self) -> httpx.AsyncClient:
        """One AsyncClient per event loop: a client is bound to the loop it first ran on."""
        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            self._async = (loop, httpx.AsyncClient(timeout=self.timeout, headers=self.headers()))
        return self._async[1]

    def _read(self, response: httpx.Response) -> tuple[float | None, Any]:
        """(None, body) on success; (seconds to wait at least, reason) when worth retrying; raises otherwise."""
        if response.status_code == 200:
            return None, response.json()
        reason = f"HTTP {response.status_code}: {response.text[:1000]}"
        if response.status_code not in _RETRY_STATUS:
            raise RewardServiceError(f"reward service at {self.url} refused the batch: {reason}")
        retry_after = response.headers.get("retry-after", "")
        return (float(retry_after) if retry_after.replace(".", "", 1).isdigit() else 0.0), reason

    def _next_delay(self, attempt: int, wait: float, reason: str) -> float:
        """Exponential backoff (at least Retry-After), or the error once the retries are spent."""
        if attempt >= self.retries:
            raise RewardServiceError(f"reward service at {self.url} unavailable after {attempt + 1} attempts: {reason}")
        logger.warning("reward service at %s: %s; retrying", self.url, reason)
        return max(wait, min(self.max_backoff, self.backoff * 2**attempt))
