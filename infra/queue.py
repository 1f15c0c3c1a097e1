"""Background jobs: RQ when REDIS_URL is set, else a thread in this process.

Jobs are named by dotted path (infra never imports workers). Derivation is requested
per tenant and coalesced (`request`): at most one *queued* reconcile job per tenant,
however many commits ask; a job that is already running is followed by one more if new
work lands. Only the unit of work's commit and the sweeper request it.
A job enqueued with a deterministic id (`review_assignments_job_id`) waits in the queue
at most once: enqueueing it again while it waits or runs does nothing.
"""

from __future__ import annotations

import importlib
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from domain.ports import TenantId

RECONCILE_TENANT = "workers.jobs.reconcile_tenant"
GENERATE_REVIEW_ASSIGNMENTS = "workers.jobs.generate_review_assignments"
CREATE_PERFORMANCE_REVIEWS = "workers.jobs.create_performance_reviews"
FLAG_TTL_SECONDS = 600
FAILURE_TTL_SECONDS = 7 * 86400
JOB_TIMEOUT_SECONDS = 3600
_OPTIONS: dict[str, Any] = {
    "result_ttl": 0,
    "failure_ttl": FAILURE_TTL_SECONDS,
    "job_timeout": JOB_TIMEOUT_SECONDS,
}
# A job kept under its id in one of these states no longer does the work: replace it.
_OVER = frozenset({JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED})

log = logging.getLogger(__name__)


def queue_depth(redis: Redis, name: str) -> int:
    """Jobs waiting in the queue (not the running or failed ones)."""
    return int(Queue(name, connection=redis).count)


class QueueUnavailableError(RuntimeError):
    """The job queue (Redis) could not be reached; nothing was queued."""


def pending_flag(job: str, tenant_id: str) -> str:
    return f"fairscore:requested:{job}:{tenant_id}"


def review_assignments_job_id(tenant_id: str, week_start: date) -> str:
    """One generation job per tenant and ISO week (RQ ids allow letters, digits, - and _)."""
    return f"review-assignments-{tenant_id}-{week_start.isoformat()}"


def performance_reviews_job_id(tenant_id: str, cycle_id: str, period_start: date) -> str:
    """One job creating a cycle's reviews per tenant, cycle and period."""
    return f"performance-reviews-{tenant_id}-{cycle_id}-{period_start.isoformat()}"


class JobQueue(Protocol):
    def request(self, job: str, tenant_id: str, *, force: bool = False) -> bool:
        """Ask for a coalesced per-tenant job (after commit): at most one stays queued."""
        ...

    def started(self, job: str, tenant_id: str) -> None:
        """Called by the job as it starts: later requests need a new job."""
        ...

    def enqueue(self, job: str, *args: Any, job_id: str | None = None) -> bool:
        """Queue a job (after commit). With a `job_id`, not while a job of that id waits or
        runs: returns False then. Raises QueueUnavailableError when the queue is down."""
        ...

    def claim(self, lock: str, *, ttl_seconds: int) -> bool:
        """Take a named lock for `ttl_seconds` unless another process holds it (SET NX)."""
        ...


class RqJobQueue:
    def __init__(self, redis: Redis, queue_name: str) -> None:
        self.redis = redis
        self.queue = Queue(queue_name, connection=redis)

    def request(self, job: str, tenant_id: str, *, force: bool = False) -> bool:
        try:
            flag = pending_flag(job, tenant_id)
            fresh = self.redis.set(flag, "1", nx=True, ex=FLAG_TTL_SECONDS)
            if not fresh and not force:
                return False  # a queued job will see this work
            self.queue.enqueue(job, tenant_id, job_id=f"process-{uuid.uuid4().hex}", **_OPTIONS)
            return True
        except RedisError:
            # The work is committed and stays in the outbox; the sweeper requests it later.
            log.warning("could not enqueue %s for tenant %s; the sweeper will", job, tenant_id)
            return False

    def enqueue(self, job: str, *args: Any, job_id: str | None = None) -> bool:
        try:
            if job_id is None:
                self.queue.enqueue(job, *args, **_OPTIONS)
                return True
            return self._enqueue_once(job, args, job_id)
        except RedisError as exc:
            raise QueueUnavailableError(f"could not queue {job}: {exc}") from exc

    def _enqueue_once(self, job: str, args: tuple[Any, ...], job_id: str) -> bool:
        for _ in range(2):  # once more after clearing a finished job of the same id
            try:
                self.queue.enqueue(job, *args, job_id=job_id, unique=True, **_OPTIONS)
                return True
            except DuplicateJobError:
                if not self._clear_over(job_id):
                    return False  # it waits or runs: it will do the work
        return False

    def _clear_over(self, job_id: str) -> bool:
        """Delete a job kept under `job_id` that is over (failures are kept for a week)."""
        try:
            kept = Job.fetch(job_id, connection=self.redis)
        except NoSuchJobError:
            return True
        if kept.get_status() not in _OVER:
            return False
        kept.delete()
        return True

    def claim(self, lock: str, *, ttl_seconds: int) -> bool:
        key = f"fairscore:lock:{self.queue.name}:{lock}"
        try:
            return bool(self.redis.set(key, "1", nx=True, ex=ttl_seconds))
        except RedisError as exc:
            raise QueueUnavailableError(f"could not take the lock {lock}: {exc}") from exc

    def started(self, job: str, tenant_id: str) -> None:
        try:
            self.redis.delete(pending_flag(job, tenant_id))
        except RedisError:
            log.warning("could not clear the %s flag of tenant %s", job, tenant_id)


_STOP: Any = object()  # tells the in-process job thread to end
CLOSE_TIMEOUT_SECONDS = 10.0


class InProcessJobQueue:
    """Runs jobs on one background thread, in order, after the caller's commit."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...], str | None]] = (
            queue.Queue()
        )
        self._requested: set[tuple[str, str]] = set()
        self._waiting: set[str] = set()  # ids of jobs queued or running
        self._claims: dict[str, float] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self, job: str, tenant_id: str, *, force: bool = False) -> bool:
        with self._lock:
            if (job, tenant_id) in self._requested and not force:
                return False
            self._requested.add((job, tenant_id))
        self.enqueue(job, tenant_id)
        return True

    def started(self, job: str, tenant_id: str) -> None:
        with self._lock:
            self._requested.discard((job, tenant_id))

    def enqueue(self, job: str, *args: Any, job_id: str | None = None) -> bool:
        if job_id is not None:
            with self._lock:
                if job_id in self._waiting:
                    return False
                self._waiting.add(job_id)
        self._jobs.put((_resolve(job), args, job_id))
        self._ensure_thread()
        return True

    def claim(self, lock: str, *, ttl_seconds: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._claims.get(lock, now) > now:
                return False
            self._claims[lock] = now + ttl_seconds
            return True

    def join(self) -> None:
        """Wait until every queued job has run (the CLI and tests use this)."""
        self._jobs.join()

    def close(self, *, timeout: float = CLOSE_TIMEOUT_SECONDS) -> None:
        """End the thread once the jobs already queued have run, waiting at most `timeout`:
        a closed container's thread would otherwise wait for jobs forever, and a shutdown
        must not hang on a long job (its work stays in the outbox; the sweeper redoes it)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._jobs.put(_STOP)
            thread.join(timeout)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="fairscore-jobs", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is _STOP:
                self._jobs.task_done()
                return
            func, args, job_id = item
            try:
                func(*args)
            except Exception:
                log.exception("in-process job %s%r failed", func.__name__, args)
            finally:
                if job_id is not None:
                    with self._lock:
                        self._waiting.discard(job_id)
                self._jobs.task_done()


def _resolve(path: str) -> Callable[..., Any]:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


class CoalescedRequests:
    """Requests per tenant gathered on a background thread: each tenant named since the
    last pass is requested once per pass, and passes are at least `interval` seconds
    apart. At a high webhook rate Redis then sees one request per tenant per interval, not
    one per webhook. Only work already committed is named here, so a process that dies
    before its next pass loses nothing: the sweeper requests it."""

    def __init__(
        self,
        request: Callable[[TenantId], object],
        *,
        interval: float,
        pause: Callable[[float], object] = time.sleep,
    ) -> None:
        """`pause`: waits out the interval after each pass (tests hold it)."""
        self._request = request
        self._interval = interval
        self._pause = pause
        self._named: set[TenantId] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def request(self, tenant_id: TenantId) -> None:
        with self._lock:
            self._named.add(tenant_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="fairscore-requests", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Request every tenant named so far, now (on shutdown)."""
        with self._lock:
            named, self._named = self._named, set()
        for tenant_id in named:
            try:
                self._request(tenant_id)
            except Exception:  # the work is committed: the sweeper requests it
                log.warning("could not request work for tenant %s; the sweeper will", tenant_id)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            self.flush()
            self._pause(self._interval)
