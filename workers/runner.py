"""`fairscore worker`: an RQ worker on the project's queue, plus its cron schedule."""

from __future__ import annotations

import logging
import multiprocessing

from rq import Queue, Worker
from rq.cron import CronScheduler

from infra.bootstrap import container
from workers.jobs import schedule_review_assignments, sweep_pending

SWEEP_INTERVAL_SECONDS = 60
# Monday 12:00 UTC: by then the previous local week is over in every zone (UTC−12…+14).
REVIEW_ASSIGNMENTS_CRON = "0 12 * * 1"

log = logging.getLogger(__name__)


def run_worker(*, burst: bool = False, with_cron: bool = True) -> None:
    c = container(worker=True)
    if c.redis is None:
        raise SystemExit("fairscore worker needs REDIS_URL (without it jobs run in-process)")
    queue = Queue(c.settings.queue_name, connection=c.redis)
    cron = None
    if with_cron and not burst:
        cron = multiprocessing.get_context("spawn").Process(target=run_cron, daemon=True)
        cron.start()
    sweep_pending()  # anything left pending while no worker ran
    try:
        Worker([queue], connection=c.redis).work(
            burst=burst, with_scheduler=not burst, logging_level=c.settings.log_level
        )
    finally:
        if cron is not None:
            cron.terminate()


def run_cron() -> None:
    c = container(worker=True)
    if c.redis is None:
        raise SystemExit("the cron scheduler needs REDIS_URL")
    scheduler = CronScheduler(connection=c.redis, logging_level=c.settings.log_level)
    scheduler.register(
        sweep_pending, c.settings.queue_name, interval=SWEEP_INTERVAL_SECONDS, result_ttl=0
    )
    scheduler.register(
        schedule_review_assignments, c.settings.queue_name, cron=REVIEW_ASSIGNMENTS_CRON
    )
    scheduler.start()  # type: ignore[no-untyped-call]
