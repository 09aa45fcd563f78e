"""Request -> limits -> worker tasks -> results + advantages -> response, shared by every front end."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Coroutine, Iterator
from typing import Any

from stepgrpo_references import answer_and_choices, reference_answer
from stepgrpo_reward.checked import CHECKED_AGAINST

from ..ops.behaviour import Behaviour
from ..ops.config import Config
from ..ops.metrics import Metrics, observe_each
from ..pool.supervisor import Item, WorkerPool
from ..pool.worker import Timed
from ..rewards import (
    DEFAULT_PROFILE,
    PROFILES,
    CheckedReference,
    CoreReference,
    Settings,
    UnusableReference,
    advantages,
    checked_reference,
)
from ..rewards.profiles import R1VL_REFERENCE
from ..rewards.results import (
    GroupResult,
    Outcome,
    ScoreResponse,
    counted_reward,
    error_outcome,
    failure_detail,
    own_error_outcome,
    wire_result,
)
from .contract import InfoResponse, Limits, Options, Reference, ScoreRequest
from .drain_rate import DrainRate
from .version import CORE_VERSION, reward_version

log = logging.getLogger("service.scoring")
_ROOM_POLL = 0.05
_MAX_UTF8_BYTES_PER_CHAR = 4
_REMEMBERED_REFERENCES = 1024
_REMEMBERED_REFERENCE_CHARS = 4096
"""References up to this long as JSON are remembered read (at most ``_REMEMBERED_REFERENCES``, about 12 MB)."""
_TASKS_PER_WORKER = 2
"""A request is cut into at least this many tasks per worker, so that it spreads over the pool."""


class NotReady(Exception):
    """The workers are not up yet (HTTP 503, gRPC UNAVAILABLE)."""


class Overloaded(Exception):
    """Too many trajectories are pending (HTTP 429, gRPC RESOURCE_EXHAUSTED): retry after a while."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class LimitError(Exception):
    """A request over a configured limit (HTTP 413, gRPC RESOURCE_EXHAUSTED)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _utf8_over(text: str, limit: int) -> bool:
    return len(text) * _MAX_UTF8_BYTES_PER_CHAR > limit and (
        len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit
    )


def check_limits(request: ScoreRequest, config: Config) -> list[str]:
    """Raise :class:`LimitError` for the first limit the request crosses; else each group's reference as JSON."""
    if len(request.groups) > config.max_groups:
        raise LimitError("groups", f"{len(request.groups)} groups, the limit is {config.max_groups}")
    total = 0
    references = []
    for g, group in enumerate(request.groups):
        n = len(group.completions)
        total += n
        if n > config.max_completions_per_group:
            raise LimitError(
                f"groups[{g}].completions", f"{n} completions, the limit is {config.max_completions_per_group}"
            )
        try:
            reference = _reference_json(group.reference)
        except (RecursionError, ValueError):
            raise LimitError(f"groups[{g}].reference", "reference is nested too deeply") from None
        if _utf8_over(reference, config.max_reference_bytes):
            raise LimitError(f"groups[{g}].reference", f"reference is over {config.max_reference_bytes} bytes as JSON")
        references.append(reference)
        for c, text in enumerate(group.completions):
            if _utf8_over(text, config.max_completion_bytes):
                raise LimitError(
                    f"groups[{g}].completions[{c}]", f"completion is over {config.max_completion_bytes} bytes"
                )
    if total > config.max_trajectories:
        raise LimitError("groups", f"{total} completions in all, the limit is {config.max_trajectories}")
    return references


def scoring_options(request: ScoreRequest) -> tuple[Settings, dict]:
    """The workers' settings and the score-affecting options that enter the version."""
    profile = PROFILES[request.profile]
    o = request.options
    guard = profile.stuffing_guard if o.stuffing_guard is None else o.stuffing_guard
    settings = Settings(alpha=o.alpha, stuffing_guard=o.stuffing_guard)
    versioned = {
        "alpha": o.alpha,
        "stuffing_guard": guard,
        "advantage": o.advantage,
        "epsilon": o.epsilon,
        "unbiased_std": o.unbiased_std,
        "unscored": o.unscored,
    }
    return settings, versioned


def _reference_fields(ref: Reference) -> tuple:
    return (ref.answer, ref.key_steps, ref.choices, ref.solution)


def _scored_fields(ref: Reference, profile: str) -> tuple:
    """The reference as the core scores it. ``stepgrpo`` reads it as the data tools do
    (:mod:`stepgrpo_references`): a blank answer is the solution's, ``B: 45`` is option B whose text is
    45. ``r1vl-reference`` keeps it as sent, as R1-VL's code compares it."""
    if profile == R1VL_REFERENCE.name:
        return _reference_fields(ref)
    answer, choices = answer_and_choices(reference_answer(ref.answer, ref.solution) or "", ref.choices)
    return (answer, ref.key_steps, choices, ref.solution)


def _reference_json(ref: Reference) -> str:
    """The reference as JSON: its size limit, and the key that groups completions sharing it."""
    return json.dumps(_reference_fields(ref), sort_keys=True, ensure_ascii=False)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(text: str) -> str | None:
    """Where ``text`` holds a lone surrogate (only lenient JSON parsing lets one through), or None."""
    if text.isascii() or (m := _SURROGATE.search(text)) is None:
        return None
    return f"(U+{ord(m.group()):04X}) at character {m.start()}"


def task_size(items: int, workers: int, largest: int) -> int:
    """Trajectories per worker task: at least two tasks per worker so a request spreads over the
    pool, and no more than ``largest`` so a big request pays few pipe round trips."""
    return max(1, min(largest, -(-items // (_TASKS_PER_WORKER * workers))))


class Scorer:
    def __init__(self, pool: WorkerPool, config: Config, metrics: Metrics):
        self.pool = pool
        self.config = config
        self.metrics = metrics
        self.draining = False
        """Set on SIGTERM: readiness and gRPC health say not-serving; requests are still scored."""
        self.drain = DrainRate()
        """The measured rate pending trajectories drain at, for ``Retry-After``."""
        self.behaviour = Behaviour(metrics, config.metrics_runs)
        """What the policy is paid for, counted per profile, version and run (``/metrics``, ``stats.rates``)."""
        self._admitted: tuple[ScoreRequest, list[str]] | None = None
        """The request :meth:`admit` last let through and its references as JSON, for :meth:`start` in the
        same event-loop turn (serialising every reference twice was a few percent of a large request)."""
        self._references: OrderedDict[tuple[str, str], CheckedReference | str] = OrderedDict()
        """(profile, reference as JSON) -> the reference read, or why it is unusable (:meth:`_checked`)."""

    def _checked(self, profile: str, key: str, reference: Reference) -> CheckedReference | str:
        """The group's reference as the workers get it, or why it is unusable: read once per distinct
        reference and profile while it is remembered (a trainer sends a prompt's reference again, and
        OpenRLHF one per sample). Raises what the core raises on a reference it cannot read."""
        remembered = self._references.get((profile, key))
        if remembered is not None:
            self._references.move_to_end((profile, key))
            return remembered
        value: CheckedReference | str
        try:
            if (where := _lone_surrogate(key)) is not None:
                raise UnusableReference(f"not valid Unicode: a lone surrogate {where}")
            value = checked_reference(CoreReference(*_scored_fields(reference, profile)))
        except UnusableReference as exc:
            value = f"reference unusable: {exc}"
        if len(key) <= _REMEMBERED_REFERENCE_CHARS:
            self._references[profile, key] = value
            if len(self._references) > _REMEMBERED_REFERENCES:
                self._references.popitem(last=False)
        return value

    def admit(self, request: ScoreRequest) -> None:
        """Raise :class:`LimitError`, :class:`NotReady` or :class:`Overloaded` for a request that
        cannot be scored now. Call :meth:`start` (or :meth:`score`) in the same event-loop turn, so
        that no other request is admitted against the same count."""
        references = check_limits(request, self.config)
        if not self.pool.available:
            raise NotReady("no scoring worker is ready yet")
        if not self.has_room(request):
            pending = self.pool.pending
            raise Overloaded(
                f"overloaded: {pending} trajectories pending, the limit is {self.config.max_pending_trajectories}",
                self.retry_after(pending),
            )
        self._admitted = (request, references)

    def has_room(self, request: ScoreRequest) -> bool:
        n = sum(len(g.completions) for g in request.groups)
        return self.pool.pending + n <= self.config.max_pending_trajectories

    def retry_after(self, pending: int) -> int:
        """Whole seconds until the pending work is likely done (1 to 60), at the measured drain rate."""
        return self.drain.seconds_to_drain(pending)

    async def wait_for_room(self, request: ScoreRequest) -> None:
        """Wait (for a stream, whose caller cannot be told to retry one group) until the request fits."""
        while not self.has_room(request):
            await asyncio.sleep(_ROOM_POLL)

    def info(self) -> dict[str, Any]:
        probe = ScoreRequest.model_validate({"groups": [{"reference": {"answer": "0"}, "completions": []}]})
        profiles = {}
        for name, profile in PROFILES.items():
            _, versioned = scoring_options(probe.model_copy(update={"profile": name}))
            profiles[name] = {**profile.model_dump(), "version": reward_version(profile, versioned)}
        return InfoResponse(
            service="stepgrpo-reward-service",
            core_version=CORE_VERSION,
            default_profile=DEFAULT_PROFILE,
            profiles=profiles,
            default_options=Options(),
            limits=Limits(**{name: getattr(self.config, name) for name in Limits.model_fields}),
            deadline_seconds=self.config.deadline,
            workers=self.config.workers,
            checked_against=CHECKED_AGAINST,
        ).model_dump()

    async def score(self, request: ScoreRequest) -> ScoreResponse:
        return await self.start(request)

    def start(self, request: ScoreRequest) -> Coroutine[Any, Any, ScoreResponse]:
        """Submit the request's work now, in the caller's event-loop turn (so an admission check just
        before it stays exact however the result is awaited), and return the response to await."""
        started = time.perf_counter()
        admitted, self._admitted = self._admitted, None
        references = admitted[1] if admitted is not None and admitted[0] is request else None
        settings, versioned = scoring_options(request)
        items = []
        group_errors: dict[int, str] = {}
        invalid: dict[tuple[int, int], str] = {}
        for index, group in enumerate(request.groups):
            try:
                key = references[index] if references is not None else _reference_json(group.reference)
                checked = self._checked(request.profile, key, group.reference)
            except Exception as exc:  # whatever the core raises, only this group fails
                log.warning("group %d: checking its reference raised %s", index, type(exc).__name__, exc_info=True)
                group_errors[index] = failure_detail(exc, "reference unusable: ")
                continue
            if isinstance(checked, str):
                group_errors[index] = checked
                continue
            for c, text in enumerate(group.completions):
                if (where := _lone_surrogate(text)) is None:
                    items.append(Item(key, checked, text))
                else:
                    invalid[index, c] = f"completion is not valid Unicode: a lone surrogate {where}"
        size = task_size(len(items), self.config.workers, self.config.task_size)
        futures = self.pool.submit(
            request.profile,
            settings,
            request.options.explain,
            [items[i : i + size] for i in range(0, len(items), size)],
        )
        self.metrics.in_flight_trajectories.inc(len(items))
        self.drain.started(len(items))
        return self._finish(request, futures, len(items), group_errors, invalid, versioned, started)

    async def _finish(
        self,
        request: ScoreRequest,
        futures: list[asyncio.Future],
        n: int,
        group_errors: dict[int, str],
        invalid: dict[tuple[int, int], str],
        versioned: dict,
        started: float,
    ) -> ScoreResponse:
        try:
            chunks = await asyncio.gather(*futures)
        finally:
            self.metrics.in_flight_trajectories.dec(n)
            self.drain.finished(n)
        outcomes = [o for chunk in chunks for o in chunk]
        return self._response(request, iter(outcomes), group_errors, invalid, versioned, started)

    def _response(
        self,
        request: ScoreRequest,
        outcomes: Iterator[Timed],
        group_errors: dict[int, str],
        invalid: dict[tuple[int, int], str],
        versioned: dict,
        started: float,
    ) -> ScoreResponse:
        per_group, seconds_each = _outcomes_by_group(request, outcomes, group_errors, invalid)
        counts = {"ok": 0, "timeout": 0, "error": 0}
        for results in per_group:
            for result in results:
                counts[result["status"]] += 1
        observe_each(self.metrics.trajectory_seconds, seconds_each)
        for status, n in counts.items():
            if n:
                self.metrics.trajectories.labels(request.profile, status).inc(n)
        o = request.options
        adv = advantages(
            [[counted_reward(r, o.unscored) for r in results] for results in per_group],
            o.advantage,
            o.epsilon,
            o.unbiased_std,
        )
        version = reward_version(PROFILES[request.profile], versioned)
        zero_std = [None if i in group_errors else a.zero_std for i, a in enumerate(adv)]
        rates = self.behaviour.observe(request.profile, version, request.run, request.groups, per_group, zero_std)
        groups: list[GroupResult] = []
        for index, (group, results, a) in enumerate(zip(request.groups, per_group, adv, strict=False)):
            reference_error = group_errors.get(index)
            groups.append(
                {
                    "group_id": group.group_id if group.group_id is not None else str(index),
                    "status": "error" if reference_error else "ok",
                    "detail": reference_error or a.note,
                    "advantages": a.values,
                    "reward_mean": a.mean,
                    "reward_std": a.std,
                    "zero_std": a.zero_std,
                    "results": [wire_result(r, o.unscored) for r in results],
                }
            )
        return {
            "profile": request.profile,
            "version": version,
            "groups": groups,
            "stats": {
                "trajectories": sum(counts.values()),
                **counts,
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 3),
                "rates": rates,
            },
        }


def _outcomes_by_group(
    request: ScoreRequest, outcomes: Iterator[Timed], group_errors: dict[int, str], invalid: dict[tuple[int, int], str]
) -> tuple[list[list[Outcome]], list[float]]:
    """Each group's outcomes in completion order (the workers' ``outcomes``, in order, and the errors found
    before scoring), and the scoring seconds of each trajectory the workers scored."""
    per_group: list[list[Outcome]] = []
    seconds_each: list[float] = []
    for index, group in enumerate(request.groups):
        results: list[Outcome]
        if index in group_errors:
            results = [error_outcome(group_errors[index]) for _ in group.completions]
        else:
            results = []
            for c in range(len(group.completions)):
                if (index, c) in invalid:
                    results.append(own_error_outcome(invalid[index, c]))
                    continue
                result, seconds = next(outcomes)
                seconds_each.append(seconds)
                results.append(result)
        per_group.append(results)
    return per_group, seconds_each
