"""rq's worker, run without a fork per job, made to stop on time and to wait out Redis.

- No fork: rq's default Worker forks a work horse for every job, and a fork cannot keep
  its parent's database connections — each job connected afresh, and PostgreSQL warmed a
  new backend's catalogue caches for it. Derivation jobs are many and short (one tenant's
  new deliveries), so that was most of a job's cost. Jobs here run in the worker process
  (rq's SimpleWorker), on the worker's warm connection pool. A heartbeat thread keeps the
  job alive in the started registry meanwhile (SimpleWorker sends none while a job runs);
  rq's job timeout still applies (SIGALRM in the main thread).
- SIGTERM: rq's warm shutdown lets the current job finish; if it has not finished after
  `SHUTDOWN_GRACE_SECONDS` (or on a second signal), `HandBack` is raised in the job and
  the job goes back to the front of its queue instead of to the failed registry. (Its
  transaction rolls back; every job is idempotent.)
- rq's teardown unsubscribes and then joins its pub/sub thread without a timeout; once
  that thread has read the UNSUBSCRIBE reply it sits in `get_message(timeout=60)` waiting
  for a subscription that never comes, so the worker hung for up to a minute. The thread
  here polls twice a second and is stopped, with a bounded join, before its connection is
  dropped. (It is kept: it is how rq's `send_stop_job_command` & co. reach a worker.)
- Redis: the connection uses `Reconnect`; on shutdown it gives up waiting for Redis.
- Heartbeats: a running job is abandoned once two heartbeats (`job_monitoring_interval`,
  JOB_HEARTBEAT_SECONDS) are missed, not rq's job timeout + 60 s, so the cron can move the
  job of a SIGKILLed worker out of the started registry soon (see `cron`).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from redis.client import PubSubWorkerThread
from rq import Queue, SimpleWorker
from rq.executions import Execution
from rq.job import Job
from rq.utils import now
from rq.worker import WorkerStatus

from workers.metrics import counted
from workers.reconnect import Reconnect

SHUTDOWN_GRACE_SECONDS = 5.0  # + requeue, teardown and exit: well within 10 s of SIGTERM
PUBSUB_POLL_SECONDS = 0.5
HAND_BACK_SIGNAL = signal.SIGUSR1  # raised in the main thread, where the job runs
WORKER_HEARTBEAT_SECONDS = 1.0


class HandBack(BaseException):
    """Raised in a running job when the worker stops before it could finish."""


class FairscoreWorker(SimpleWorker):
    def __init__(
        self,
        *args: Any,
        reconnect: Reconnect,
        on_shutdown: Callable[[], object] | None = None,
        **kwargs: Any,
    ) -> None:
        """`on_shutdown` runs on the first SIGTERM/SIGINT (to stop helpers meanwhile)."""
        super().__init__(*args, **kwargs)
        self.reconnect = reconnect
        self.on_shutdown = on_shutdown
        self._deadline: threading.Timer | None = None
        self._in_job = threading.Event()
        self._handing_back = False  # HandBack was raised in the running job
        self._hand_back_asked = False
        self._listener: PubSubWorkerThread | None = None  # rq's pubsub_thread, typed
        self._beats: _JobBeats | None = None

    # jobs -------------------------------------------------------------------
    def execute_job(self, job: Job, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        signal.signal(HAND_BACK_SIGNAL, self._raise_hand_back)
        with self._heartbeats(job, execution):
            self._in_job.set()
            try:
                kind = job.func_name or "unknown"
                counted(job.id, kind, lambda: self.perform_job(job, queue, execution))
            finally:
                self._in_job.clear()
        self.set_state(WorkerStatus.IDLE)

    @contextmanager
    def _heartbeats(self, job: Job, execution: Execution) -> Iterator[None]:
        """Beat every `job_monitoring_interval` while the job runs in this thread."""
        if self._beats is None:
            self._beats = _JobBeats(self._beat, self.job_monitoring_interval)
        with self._beats.running(job, execution):
            yield

    def _beat(self, job: Job, execution: Execution) -> None:
        try:
            self.maintain_heartbeats(job, execution)
        except Exception:  # Redis away: the next beat retries; the job goes on
            self.log.warning("Worker %s: heartbeat failed", self.name, exc_info=True)

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        """rq renews the worker's key (three round trips) before and after every dequeue
        and after every job: with many short jobs, once a second is plenty (it lives for
        worker_ttl + 60 s). Renewals with their own TTL or in a pipeline always go."""
        last = self.last_heartbeat
        recent = last is not None and (now() - last).total_seconds() < WORKER_HEARTBEAT_SECONDS
        if timeout is None and pipeline is None and recent:
            return
        super().heartbeat(timeout, pipeline)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """How long a started job stays alive without a heartbeat: two of them. (The job
        timeout is enforced apart, by rq's death penalty.)"""
        return 2 * int(self.job_monitoring_interval)

    # shutdown ---------------------------------------------------------------
    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.reconnect.give_up()  # leaving: don't wait for Redis from now on
        if self.on_shutdown is not None:
            self.on_shutdown()
        if self._deadline is None:
            self._deadline = threading.Timer(SHUTDOWN_GRACE_SECONDS, self.hand_back_job)
            self._deadline.daemon = True
            self._deadline.start()
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]

    def request_force_stop(self, signum: int, frame: FrameType | None) -> None:
        """A second signal: don't wait out the grace period (rq would fail the job)."""
        self.log.warning("Worker %s: stop requested again", self.name)
        self.hand_back_job()

    def hand_back_job(self) -> None:
        """Interrupt the running job (once); `handle_job_failure` then requeues it."""
        if self._in_job.is_set() and not self._hand_back_asked:
            self._hand_back_asked = True
            signal.pthread_kill(threading.main_thread().ident or 0, HAND_BACK_SIGNAL)

    def _raise_hand_back(self, signum: int, frame: FrameType | None) -> None:
        # Only a job that is still running is interrupted; the flag says that the failure
        # rq is about to handle is ours, not the job's own error.
        if self._in_job.is_set() and not self._handing_back:
            self._handing_back = True
            raise HandBack

    def handle_job_failure(
        self,
        job: Job,
        queue: Queue,
        started_job_registry: Any = None,
        exc_string: str = "",
        execution: Execution | None = None,
    ) -> None:
        if not self._handing_back:
            super().handle_job_failure(
                job,
                queue,
                started_job_registry=started_job_registry,
                exc_string=exc_string,
                execution=execution,
            )
            return
        with self.connection.pipeline() as pipeline:
            pipeline.multi()  # enqueue_job would open the transaction after our first command
            self.cleanup_execution(job, pipeline=pipeline, execution=execution)
            queue.enqueue_job(job, pipeline=pipeline, at_front=True)
            pipeline.execute()
        self._handing_back = False
        self.log.warning(
            "Worker %s: job %s did not finish in time for the shutdown; requeued", self.name, job.id
        )

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        if not self._handing_back:  # a job given back is not an error
            super().handle_exception(job, *exc_info)

    def teardown(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        try:
            super().teardown()  # type: ignore[no-untyped-call]
        finally:
            self.unsubscribe()  # also when register_death failed (Redis away)

    # pub/sub ----------------------------------------------------------------
    def subscribe(self) -> None:
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self._listener = self.pubsub.run_in_thread(
            sleep_time=PUBSUB_POLL_SECONDS,
            daemon=True,
            exception_handler=self._pubsub_exception_handler,
        )

    def unsubscribe(self) -> None:
        thread, self._listener = self._listener, None
        if thread is not None:
            # Its run() closes the connection on the way out, which ends the subscription.
            thread.stop(timeout=2 * PUBSUB_POLL_SECONDS)


class _JobBeats:
    """One thread, for the worker's life, that beats the running job every `interval`:
    a thread started and joined per job cost each short job a start and a join (and two
    waits for the scheduler on a busy machine). A beat runs under the lock, so a job that
    ends never has a beat still in flight for it (rq would put it back in the started
    registry)."""

    def __init__(self, beat: Callable[[Job, Execution], None], interval: float) -> None:
        self._beat = beat
        self._interval = interval
        self._lock = threading.Condition()
        self._running: tuple[Job, Execution] | None = None
        self._due = 0.0
        self._thread: threading.Thread | None = None

    @contextmanager
    def running(self, job: Job, execution: Execution) -> Iterator[None]:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)
                self._thread.start()
            self._running = (job, execution)
            self._due = time.monotonic() + self._interval
            self._lock.notify()
        try:
            yield
        finally:
            with self._lock:
                self._running = None

    def _run(self) -> None:
        with self._lock:
            while True:
                delay = self._due - time.monotonic()
                if self._running is None or delay > 0:
                    self._lock.wait(None if self._running is None else delay)
                    continue
                self._due = time.monotonic() + self._interval
                self._beat(*self._running)
