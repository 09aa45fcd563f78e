"""A pool of scoring processes with a hard per-trajectory deadline.

Each worker process has a thread here that feeds it tasks (a few trajectories each) and watches
the shared-memory progress the worker writes before every trajectory. A trajectory that runs past
its deadline gets ``status: timeout``; its process is killed and replaced from a warm forkserver,
and the task's other trajectories are scored on the new process. Workers send what they have scored
every few tens of milliseconds, so a killed worker's finished trajectories are kept, not scored again.
A process that dies retries the trajectory it was on once, then reports ``status: error``. Every item
always gets one outcome. A worker that fails to start is retried with backoff.

Attribution (what the no-shelter rule pays the lowest reward, :mod:`service.rewards.results`): a deadline
passed or a second death *while a trajectory was being scored* is that trajectory's own (``own``); the
other trajectories of the task are innocent bystanders and are scored again. A deadline passed while its
group's reference was being prepared makes that reference unusable for the request's items that share it
(an ``error`` that is not paid). A worker lost between trajectories, at shutdown, or failing in the pool's own
code is the service's: retried once, then an ``error`` that is not paid.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from ..rewards import CheckedReference, Settings
from ..rewards.results import error_outcome, failure_detail, own_error_outcome, timeout_outcome
from . import worker
from .worker import CANCELLED, POSITION, PREPARING, PROGRESS_SLOTS, STARTED, Tag, Task, Timed

log = logging.getLogger("service.pool")

_CTX = multiprocessing.get_context("forkserver")
_CTX.set_forkserver_preload(["service.pool._warm"])
_STARTUP_TIMEOUT = 120.0
_BACKOFF_FIRST = 0.5
_BACKOFF_MAX = 30.0
_CANCEL_POLL = 0.1
_READY_POLL = 0.05
"""Seconds between checks while waiting for the workers to start."""
"""Seconds between checks, while a worker scores, for a task whose caller has gone."""
_STARTS_WITHIN_TASK = 3
"""Attempts to replace a worker in the middle of a task before its remaining items report errors."""
_JOIN_SECONDS = 5.0
"""How long a killed worker process is waited for."""
_EXIT_STATUS_SECONDS = 1.0
"""How long a dead worker is waited for, so that its exit code can be reported."""
_CRASHES_ALLOWED = 2
"""A trajectory whose worker died this many times while scoring it reports an error, not a third try."""
_SLOT_JOIN_SECONDS = 10.0
"""How long :meth:`WorkerPool.close` waits for each slot's thread."""
CANCELLED_DETAIL = "the request was cancelled before this trajectory was scored"


class Restart(StrEnum):
    """Why a worker process is replaced (the ``reason`` label of ``reward_worker_restarts``)."""

    DEAD = "dead"
    """Found dead before a task was sent."""
    CRASH = "crash"
    """Died while scoring, or its pipe broke."""
    TIMEOUT = "timeout"
    """Killed: a trajectory ran past its deadline."""


class Phase(StrEnum):
    """What the worker was doing when it was killed or died: who the failure belongs to."""

    SCORING = "scoring"
    """Scoring the trajectory at its position: the failure is that trajectory's own."""
    PREPARING = "preparing"
    """Preparing the reference of the trajectory at its position: the reference's."""
    IDLE = "idle"
    """Between trajectories: the service's."""


@dataclass(frozen=True, slots=True)
class Stop:
    """Where a worker was when it was killed (:attr:`Restart.TIMEOUT`) or died (:attr:`Restart.CRASH`)."""

    position: int
    phase: Phase


class WorkerStartError(RuntimeError):
    """No worker process could be started."""


@dataclass(slots=True)
class Item:
    key: str
    """The reference as JSON: completions sharing it share one prepared reference in a worker."""
    reference: CheckedReference
    text: str
    crashes: int = 0


@dataclass(slots=True)
class Job:
    profile: str
    settings: Settings
    explain: bool
    items: list[Item]
    future: asyncio.Future
    results: list[Timed | None] = field(default_factory=list)
    unusable: dict[tuple, str] = field(default_factory=dict)
    """Shared by one request's tasks: references whose preparation ran past the deadline, and why, so that
    the group's other completions get that error at once rather than each costing a deadline."""

    def payload(self, indices: list[int]) -> Task:
        """The task for a worker: the items at ``indices``, consecutive ones sharing a reference as one part."""
        parts = []
        for key, run in itertools.groupby(indices, key=lambda i: self.items[i].key):
            members = list(run)
            parts.append((key, self.items[members[0]].reference, [self.items[i].text for i in members]))
        return Task(self.profile, self.settings, self.explain, parts)

    def reference_key(self, index: int) -> tuple:
        """What a worker prepares once: the item's reference under this task's profile and settings."""
        return (self.items[index].key, self.profile, self.settings)

    def deliver(self) -> None:
        """Hand the results to the submitting event loop (raises ``RuntimeError`` if it is closed)."""
        results = self.results

        def _set(fut: asyncio.Future = self.future) -> None:
            if not fut.done():
                fut.set_result(results)

        self.future.get_loop().call_soon_threadsafe(_set)


class _Slot(threading.Thread):
    def __init__(self, pool: WorkerPool, index: int):
        super().__init__(name=f"reward-worker-{index}", daemon=True)
        self.pool = pool
        self.proc: BaseProcess | None = None
        self.conn: Connection | None = None
        self.progress: Any = None
        """The worker's shared progress: PROGRESS_SLOTS doubles (a ctypes array, untyped by multiprocessing)."""
        self.ready = False
        """A worker process is up now."""
        self.started = False
        """A worker process has started at least once (one being replaced after a kill still counts)."""
        self.failed = False
        """The last attempt to start a worker process failed; retrying with backoff."""

    @property
    def available(self) -> bool:
        return self.started and not self.failed

    @property
    def pipe(self) -> Connection:
        """This end of the worker's pipe; tasks are sent only once a worker was started."""
        if self.conn is None:
            raise WorkerStartError("no worker process")
        return self.conn

    def _spawn(self) -> None:
        parent, child = _CTX.Pipe()
        self.progress = _CTX.Array("d", PROGRESS_SLOTS, lock=False)
        self.proc = proc = _CTX.Process(
            target=worker.main, args=(child, self.progress, self.pool.memory_limit_mb), daemon=True
        )
        self.conn = parent
        try:
            try:
                proc.start()
            finally:
                child.close()
            if not parent.poll(_STARTUP_TIMEOUT):
                raise WorkerStartError(f"worker did not start in {_STARTUP_TIMEOUT:g} s")
            try:
                msg = parent.recv()
            except (EOFError, OSError):
                raise WorkerStartError(f"worker exited during start-up (exit code {proc.exitcode})") from None
            if not (isinstance(msg, tuple) and msg and msg[0] == Tag.READY):
                raise WorkerStartError(f"worker sent {msg!r:.200} instead of ready")
        except BaseException:
            self._kill()
            raise
        self.ready = True

    def _kill(self) -> None:
        self.ready = False
        if self.proc is not None and self.proc.pid is not None:
            self.proc.kill()
            self.proc.join(_JOIN_SECONDS)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None

    def _start(self, attempts: int | None) -> bool:
        """Start a worker, retrying with exponential backoff: up to ``attempts`` times (``None``:
        until the pool closes). False when no worker was started."""
        delay, tries = _BACKOFF_FIRST, 0
        while not self.pool.closing.is_set():
            try:
                self._spawn()
            except Exception:
                tries += 1
                self.failed = True
                log.exception("worker failed to start (attempt %d); retrying in %.1f s", tries, delay)
                if attempts is not None and tries >= attempts:
                    return False
                self.pool.closing.wait(delay)
                delay = min(delay * 2, _BACKOFF_MAX)
                continue
            self.failed = False
            self.started = True
            return True
        return False

    def _restart(self, reason: Restart) -> None:
        self._kill()
        self.pool.on_restart(reason)
        if not self._start(_STARTS_WITHIN_TASK):
            raise WorkerStartError(f"no worker could be started after {_STARTS_WITHIN_TASK} attempts")

    def run(self) -> None:
        while True:
            # Take work only with a worker up: a slot that cannot start one leaves its tasks to the others.
            if self.proc is None and not self._start(None):
                break
            job = self.pool._queue.get()
            if job is None:  # closed, nothing left
                break
            if job.future.cancelled():  # its caller has gone: drop the work
                self.pool._finished(len(job.items))
                continue
            try:
                self._execute(job)
            except Exception as exc:
                if not self.pool.closing.is_set():  # at shutdown its worker was killed on purpose
                    log.exception("scoring task failed")
                for i, r in enumerate(job.results):
                    if r is None:
                        job.results[i] = (error_outcome(failure_detail(exc, "internal error: ")), 0.0)
            self.pool._finished(len(job.items))
            try:
                job.deliver()
            except Exception:  # the submitting loop is gone (shutdown): nobody waits for these results
                log.warning("could not deliver a task's results: its event loop is closed")
        self._kill()

    def _execute(self, job: Job) -> None:
        deadline = self.pool.deadline
        job.results = [None] * len(job.items)
        pending = list(range(len(job.items)))
        while pending:
            if job.future.cancelled():
                for i in pending:
                    job.results[i] = (error_outcome(CANCELLED_DETAIL), 0.0)
                return
            pending = self._without_unusable_references(job, pending)
            if not pending:
                return
            if self.proc is None or not self.proc.is_alive():
                self._restart(Restart.DEAD)
            self.progress[POSITION] = self.progress[STARTED] = self.progress[CANCELLED] = self.progress[PREPARING] = 0.0
            try:
                self.pipe.send(job.payload(pending))
            except OSError:
                self._restart(Restart.CRASH)
                continue
            task_limit = time.monotonic() + deadline * (len(pending) + 1)
            received = 0
            while True:
                kind, value = self._receive(task_limit, deadline, job.future)
                if kind not in (Tag.PARTIAL, Tag.DONE):
                    break
                for i, outcome in zip(pending[received:], value, strict=False):
                    job.results[i] = outcome
                received += len(value)
                if kind == Tag.DONE:
                    # Only a cancelled task stops early; otherwise the worker answers every item it was sent.
                    detail = (
                        CANCELLED_DETAIL if self.progress[CANCELLED] else "worker sent no result for this trajectory"
                    )
                    for i in pending[received:]:
                        job.results[i] = (error_outcome(detail), 0.0)
                    return
            unanswered = pending[received:]
            if kind == Tag.FAILED:
                for i in unanswered:
                    job.results[i] = (error_outcome(f"worker error: {value}"), 0.0)
                return
            kind = kind if isinstance(kind, Restart) else Restart.CRASH  # a worker never sends READY twice
            if not unanswered:  # everything was answered before the worker died: nothing to retry
                self._restart(kind)
                return
            position = min(max(value.position, received), len(pending) - 1)
            if position > received:  # scored by the killed worker but not yet sent: scored again
                self.pool.on_rescore(position - received)
            for i in self._settled(job, pending[position], kind, value.phase, unanswered):
                unanswered.remove(i)
            pending = unanswered
            self._restart(kind)

    def _without_unusable_references(self, job: Job, pending: list[int]) -> list[int]:
        """``pending`` less the items whose reference already ran past the deadline while being prepared
        (in any task of the request): they get that reference's error at once, not another deadline each."""
        left = []
        for i in pending:
            detail = job.unusable.get(job.reference_key(i))
            if detail is None:
                left.append(i)
            else:
                job.results[i] = (error_outcome(detail), 0.0)
        return left

    def _settled(self, job: Job, victim: int, kind: Restart, phase: Phase, unanswered: list[int]) -> list[int]:
        """Give outcomes to the items a kill or death settles (see the module's attribution); the others
        are scored again on a fresh worker."""
        deadline = self.pool.deadline
        if kind == Restart.TIMEOUT:
            self.pool.on_timeout()
            if phase == Phase.SCORING:
                detail = f"scoring exceeded the {deadline:g} s deadline; the worker was replaced"
                job.results[victim] = (timeout_outcome(detail), deadline)
                return [victim]
            if phase == Phase.PREPARING:
                detail = f"reference unusable: preparing it exceeded the {deadline:g} s deadline"
                job.unusable[job.reference_key(victim)] = detail
                shared = [i for i in unanswered if job.items[i].key == job.items[victim].key]
                for i in shared:
                    job.results[i] = (error_outcome(detail), 0.0)
                return shared
        elif self.proc is not None:
            self.proc.join(_EXIT_STATUS_SECONDS)  # its pipe closes just before the exit status is known
        code = self.proc.exitcode if self.proc is not None else None
        job.items[victim].crashes += 1
        if job.items[victim].crashes < _CRASHES_ALLOWED:
            return []
        if phase == Phase.SCORING and kind == Restart.CRASH and not self.pool.closing.is_set():
            detail = f"worker process died (exit code {code}) twice while scoring this trajectory"
            job.results[victim] = (own_error_outcome(detail), 0.0)
        else:
            where = "preparing this trajectory's reference" if phase == Phase.PREPARING else "between trajectories"
            detail = f"worker process lost twice ({kind}, exit code {code}) {where}"
            job.results[victim] = (error_outcome(detail), 0.0)
        return [victim]

    def _receive(self, task_limit: float, deadline: float, future: asyncio.Future) -> tuple[Tag | Restart, Any]:
        """The worker's next message (:class:`~service.pool.worker.Tag`), or :attr:`Restart.TIMEOUT` /
        :attr:`Restart.CRASH` with where it was (:class:`Stop`). Messages already sent are read first.
        Once the task's caller has gone, the worker is told to stop before its next trajectory."""
        while True:
            if future.cancelled():
                self.progress[CANCELLED] = 1.0
            started = self.progress[STARTED]
            stop = self._where(started)
            now = time.monotonic()
            remaining = (started + deadline - now) if started > 0 else (task_limit - now)
            if self.pipe.poll(max(0.0, min(remaining, _CANCEL_POLL))):
                try:
                    return self.pipe.recv()
                except (EOFError, OSError):
                    return Restart.CRASH, self._where(self.progress[STARTED])
            if remaining <= 0:
                return Restart.TIMEOUT, stop

    def _where(self, started: float) -> Stop:
        """The trajectory the worker is on and what it is doing there, from the shared progress."""
        if started <= 0:
            phase = Phase.IDLE
        else:
            phase = Phase.PREPARING if self.progress[PREPARING] else Phase.SCORING
        return Stop(int(self.progress[POSITION]), phase)


class WorkerPool:
    def __init__(
        self,
        size: int,
        deadline: float,
        on_restart: Callable[[Restart], None] = lambda r: None,
        on_timeout: Callable[[], None] = lambda: None,
        on_rescore: Callable[[int], None] = lambda n: None,
        memory_limit_mb: int = 0,
    ):
        self.size = size
        self.deadline = deadline
        self.memory_limit_mb = memory_limit_mb
        """Address-space limit of each worker process in MiB (0: none)."""
        self.on_restart = on_restart
        self.on_timeout = on_timeout
        self.on_rescore = on_rescore
        self.closing = threading.Event()
        self.pending = 0
        """Trajectories submitted and not yet scored or dropped: what admission bounds."""
        self._pending_lock = threading.Lock()
        self._queue = _RoundRobin()
        self._slots = [_Slot(self, i) for i in range(size)]

    def start(self) -> None:
        for slot in self._slots:
            slot.start()

    @property
    def ready(self) -> bool:
        """Every worker has started and none is failing to start; one being replaced after a kill
        still counts (its tasks wait for the replacement), so a timeout never turns requests away."""
        return all(slot.available for slot in self._slots)

    @property
    def available(self) -> bool:
        """At least one worker can take tasks (admission refuses requests only when none can)."""
        return any(slot.available for slot in self._slots)

    @property
    def live_workers(self) -> int:
        return sum(slot.ready for slot in self._slots)

    async def wait_ready(self, timeout: float = _STARTUP_TIMEOUT) -> bool:
        end = time.monotonic() + timeout
        while not self.ready and time.monotonic() < end:
            await asyncio.sleep(_READY_POLL)
        return self.ready

    def submit(self, profile: str, settings: Settings, explain: bool, tasks: list[list[Item]]) -> list[asyncio.Future]:
        """One request's tasks, queued behind each other but taking turns with other requests' tasks;
        a future of each task's outcomes (cancelling one drops its work not yet begun)."""
        loop = asyncio.get_running_loop()
        unusable: dict[tuple, str] = {}
        jobs = [Job(profile, settings, explain, items, loop.create_future(), unusable=unusable) for items in tasks]
        with self._pending_lock:
            self.pending += sum(len(items) for items in tasks)
        self._queue.put(jobs)
        return [job.future for job in jobs]

    def _finished(self, n: int) -> None:
        with self._pending_lock:
            self.pending -= n

    def close(self) -> None:
        """Stop every worker; blocks (call it off the event loop). The front ends have answered or
        dropped everything by now, so a worker still busy (a hung trajectory) is killed, not awaited."""
        self.closing.set()
        self._queue.close()
        for slot in self._slots:
            proc = slot.proc
            if proc is not None and proc.pid is not None:
                proc.kill()
        for slot in self._slots:
            slot.join(_SLOT_JOIN_SECONDS)


class _RoundRobin:
    """The pool's queue: each request's tasks in order, one task from each waiting request in turn,
    so a small request is not stuck behind the whole of a large one."""

    def __init__(self):
        self._cond = threading.Condition()
        self._requests: deque[deque[Job]] = deque()
        self._closed = False

    def put(self, jobs: list[Job]) -> None:
        if jobs:
            with self._cond:
                self._requests.append(deque(jobs))
                self._cond.notify(len(jobs))

    def get(self) -> Job | None:
        """The next task, waiting for one; None once closed and empty."""
        with self._cond:
            while not self._requests and not self._closed:
                self._cond.wait()
            if not self._requests:
                return None
            tasks = self._requests.popleft()
            job = tasks.popleft()
            if tasks:
                self._requests.append(tasks)
            return job

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
