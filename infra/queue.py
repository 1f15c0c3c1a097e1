"""Background jobs: RQ when REDIS_URL is set, else a thread in this process.

Jobs are named by dotted path (infra never imports workers). Processing is requested
per tenant and coalesced: at most one *queued* job per tenant, however many webhooks
arrive; a job that is already running is followed by one more if new work lands.
"""

from __future__ import annotations

import importlib
import logging
import queue
import threading
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

PROCESS_TENANT = "workers.jobs.process_tenant"
RECOMPUTE_TENANT = "workers.jobs.recompute_tenant"
RESCORE_TENANT = "workers.jobs.rescore_tenant"
FLAG_TTL_SECONDS = 600

log = logging.getLogger(__name__)


ROLLUP_TENANT = "workers.jobs.rollup_tenant"


def pending_flag(job: str, tenant_id: str) -> str:
    return f"fairscore:requested:{job}:{tenant_id}"


class JobQueue(Protocol):
    def request(self, job: str, tenant_id: str, *, force: bool = False) -> bool:
        """Ask for a coalesced per-tenant job (after commit): at most one stays queued."""
        ...

    def started(self, job: str, tenant_id: str) -> None:
        """Called by the job as it starts: later requests need a new job."""
        ...

    def enqueue(self, job: str, *args: Any) -> None: ...

    def request_processing(self, tenant_id: str, *, force: bool = False) -> bool:
        """Ask for the tenant's pending deliveries to be processed (after commit)."""
        ...

    def processing_started(self, tenant_id: str) -> None: ...


class RqJobQueue:
    def __init__(self, redis: Redis, queue_name: str) -> None:
        self.redis = redis
        self.queue = Queue(queue_name, connection=redis)

    def request_processing(self, tenant_id: str, *, force: bool = False) -> bool:
        return self.request(PROCESS_TENANT, tenant_id, force=force)

    def processing_started(self, tenant_id: str) -> None:
        self.started(PROCESS_TENANT, tenant_id)

    def request(self, job: str, tenant_id: str, *, force: bool = False) -> bool:
        try:
            flag = pending_flag(job, tenant_id)
            fresh = self.redis.set(flag, "1", nx=True, ex=FLAG_TTL_SECONDS)
            if not fresh and not force:
                return False  # a queued job will see this work
            self.queue.enqueue(
                job,
                tenant_id,
                job_id=f"process-{uuid.uuid4().hex}",
                result_ttl=0,
                failure_ttl=7 * 86400,
                job_timeout=3600,
            )
            return True
        except RedisError:
            # The delivery is committed and stays pending; the sweeper enqueues it later.
            log.warning("could not enqueue %s for tenant %s; the sweeper will", job, tenant_id)
            return False

    def enqueue(self, job: str, *args: Any) -> None:
        self.queue.enqueue(job, *args, result_ttl=0, failure_ttl=7 * 86400, job_timeout=3600)

    def started(self, job: str, tenant_id: str) -> None:
        try:
            self.redis.delete(pending_flag(job, tenant_id))
        except RedisError:
            log.warning("could not clear the %s flag of tenant %s", job, tenant_id)


class InProcessJobQueue:
    """Runs jobs on one background thread, in order, after the caller's commit."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]]] = queue.Queue()
        self._requested: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request_processing(self, tenant_id: str, *, force: bool = False) -> bool:
        return self.request(PROCESS_TENANT, tenant_id, force=force)

    def processing_started(self, tenant_id: str) -> None:
        self.started(PROCESS_TENANT, tenant_id)

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

    def enqueue(self, job: str, *args: Any) -> None:
        self._jobs.put((_resolve(job), args))
        self._ensure_thread()

    def join(self) -> None:
        """Wait until every queued job has run (the CLI and tests use this)."""
        self._jobs.join()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="fairscore-jobs", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            func, args = self._jobs.get()
            try:
                func(*args)
            except Exception:
                log.exception("in-process job %s%r failed", func.__name__, args)
            finally:
                self._jobs.task_done()


def _resolve(path: str) -> Callable[..., Any]:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
