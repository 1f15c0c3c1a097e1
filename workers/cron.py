"""The cron child of `fairscore worker`: rq's CronScheduler in a process of its own.

It waits out Redis outages like the worker does, and never outlives the worker: the
worker stops it on every way out, and the kernel stops it when the worker is killed.

It also moves abandoned jobs (their worker was SIGKILLed, so no heartbeat for two
JOB_HEARTBEAT_SECONDS) out of the queue's started registry into the failed one: rq's
workers do that only between jobs and every 10 minutes, so an idle queue kept them
"started" for long. The work itself is not lost either way: it stays in the outbox and
the sweeper requests it again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from types import FrameType

from redis.exceptions import RedisError
from rq.cron import CronJob, CronScheduler
from rq.registry import StartedJobRegistry

from infra.bootstrap import container
from infra.logging import configure_logging
from workers.jobs import (
    refresh_goal_statuses,
    schedule_performance_reviews,
    schedule_review_assignments,
    sweep_pending,
)
from workers.lifeline import die_with_parent
from workers.reconnect import Reconnect, patient_redis

SWEEP_INTERVAL_SECONDS = 60
# Monday 12:00 UTC: by then the previous local week is over in every zone (UTC−12…+14).
REVIEW_ASSIGNMENTS_CRON = "0 12 * * 1"
# Hourly: a goal's status follows the tenant's calendar within the hour of its midnight.
GOAL_STATUS_CRON = "7 * * * *"
# Daily at 12:00 UTC: by then yesterday is over in every zone, so a period that ended
# (tenant-local) is reviewed the day after, whatever its cadence.
PERFORMANCE_REVIEWS_CRON = "0 12 * * *"
STOP_TIMEOUT_SECONDS = 3.0

log = logging.getLogger(__name__)


@contextmanager
def cron_child(*, sweep_interval: int = SWEEP_INTERVAL_SECONDS) -> Iterator[BaseProcess]:
    """Run the cron scheduler in a child process for the duration of the block; it may be
    terminated earlier (the block still waits for it)."""
    process = multiprocessing.get_context("spawn").Process(
        target=run_cron, args=(os.getpid(), sweep_interval), name="fairscore-cron", daemon=True
    )
    process.start()
    try:
        yield process
    finally:
        process.terminate()
        process.join(STOP_TIMEOUT_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()


class _Scheduler(CronScheduler):
    def __init__(
        self, reconnect: Reconnect, *, queue_name: str, clean_every: float, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.reconnect = reconnect
        self.started = StartedJobRegistry(queue_name, connection=self.connection)
        self.clean_every = clean_every
        self._cleaned_at: float | None = None

    def enqueue_jobs(self) -> list[CronJob]:
        """Each tick (at least every sweep interval): the due jobs, then the clean-up."""
        enqueued = super().enqueue_jobs()
        self.clean_abandoned()
        return enqueued

    def clean_abandoned(self) -> None:
        """Fail the started jobs whose heartbeat expired (idempotent: several workers' crons
        may do it at once)."""
        now = time.monotonic()
        if self._cleaned_at is not None and now - self._cleaned_at < self.clean_every:
            return
        self._cleaned_at = now
        self.started.cleanup()

    def _request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.reconnect.give_up()  # its register_death must not wait for an absent Redis
        super()._request_stop(signum, frame)  # type: ignore[no-untyped-call]


def run_cron(parent_pid: int, sweep_interval: int) -> None:
    die_with_parent(parent_pid)
    settings = container(worker=True).settings
    configure_logging(settings)
    if not settings.redis_url:
        raise SystemExit("the cron scheduler needs REDIS_URL")
    reconnect = Reconnect("cron")
    scheduler = _Scheduler(
        reconnect,
        queue_name=settings.queue_name,
        clean_every=settings.job_heartbeat_seconds,
        connection=patient_redis(settings.redis_url, reconnect),
        logging_level=settings.log_level,
    )
    scheduler.register(sweep_pending, settings.queue_name, interval=sweep_interval, result_ttl=0)
    scheduler.register(
        schedule_review_assignments, settings.queue_name, cron=REVIEW_ASSIGNMENTS_CRON
    )
    scheduler.register(refresh_goal_statuses, settings.queue_name, cron=GOAL_STATUS_CRON)
    scheduler.register(
        schedule_performance_reviews, settings.queue_name, cron=PERFORMANCE_REVIEWS_CRON
    )
    try:
        scheduler.start()  # type: ignore[no-untyped-call]
    except RedisError as exc:  # stopped while Redis was away: nothing left to record
        log.warning("cron scheduler stopped without Redis: %s", exc)
