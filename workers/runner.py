"""`fairscore worker`: an RQ worker on the project's queue, plus its cron child.

It stops within seconds of SIGTERM (its job finished or requeued, the cron child stopped)
and outlives Redis restarts: see `rq_worker`, `cron` and `reconnect`.
"""

from __future__ import annotations

import logging
import os
import signal
from contextlib import ExitStack
from types import FrameType

from redis.exceptions import RedisError
from rq import Queue

from infra.bootstrap import container
from infra.signals import MULTIPROC_ENV
from workers.cron import SWEEP_INTERVAL_SECONDS, cron_child
from workers.jobs import sweep_pending
from workers.metrics import serve_metrics
from workers.reconnect import Reconnect, patient_redis
from workers.rq_worker import FairscoreWorker

log = logging.getLogger(__name__)


def run_worker(
    *, burst: bool = False, with_cron: bool = True, sweep_interval: int = SWEEP_INTERVAL_SECONDS
) -> None:
    settings = container(worker=True).settings
    if not settings.redis_url:
        raise SystemExit("fairscore worker needs REDIS_URL (without it jobs run in-process)")
    container().check_row_level_security()
    if os.environ.get(MULTIPROC_ENV):  # a shared environment (compose, a pod template)
        log.warning(
            "%s is meant for `fairscore serve` only: this worker's job series are written "
            "to it too, so the API's /metrics also shows them; unset it for the worker",
            MULTIPROC_ENV,
        )
    reconnect = Reconnect("worker")
    _exit_on_sigterm(reconnect)  # until rq installs its own handlers in work()
    with ExitStack() as stack:
        cron = None
        if with_cron and not burst:
            cron = stack.enter_context(cron_child(sweep_interval=sweep_interval))
        serve_metrics(settings.worker_metrics_port, settings.worker_metrics_host)
        sweep_pending()  # anything left pending while no worker ran
        redis = patient_redis(settings.redis_url, reconnect)
        worker = FairscoreWorker(
            [Queue(settings.queue_name, connection=redis)],
            connection=redis,
            reconnect=reconnect,
            on_shutdown=cron.terminate if cron else None,  # it stops while the job finishes
            job_monitoring_interval=settings.job_heartbeat_seconds,
        )
        try:
            # No rq scheduler process: Fairscore queues no delayed jobs (enqueue_at/_in,
            # retry intervals); periodic jobs come from the cron child.
            worker.work(burst=burst, with_scheduler=False, logging_level=settings.log_level)
        except RedisError as exc:
            if not reconnect.leaving:
                raise
            log.warning("worker stopped without Redis: %s", exc)


def _exit_on_sigterm(reconnect: Reconnect) -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        reconnect.give_up()
        raise SystemExit(0)  # unwinds through the finally blocks that stop the children

    signal.signal(signal.SIGTERM, stop)
