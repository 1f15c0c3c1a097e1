"""The worker's own /metrics: jobs started, finished and failed, and how long they ran,
per job kind (the job function's name: a handful, never a tenant).

Each `fairscore worker` serves its metrics on its own port (WORKER_METRICS_PORT), a small
HTTP server thread in the worker process: jobs run in that process (no fork per job,
workers/rq_worker.py), so its in-memory registry sees every job, and each worker is a
scrape target of its own, as several workers on several hosts are. (prometheus-client's
multiprocess mode is for processes sharing one directory and one endpoint: the API's
uvicorn workers.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import structlog
from prometheus_client import Counter, Histogram, start_http_server

JOBS_STARTED = Counter("fairscore_jobs_started_total", "Jobs a worker began", ["kind"])
JOBS_FINISHED = Counter("fairscore_jobs_finished_total", "Jobs that succeeded", ["kind"])
JOBS_FAILED = Counter("fairscore_jobs_failed_total", "Jobs that raised or timed out", ["kind"])
JOB_SECONDS = Histogram(
    "fairscore_job_duration_seconds",
    "How long jobs ran, by kind and outcome",
    ["kind", "outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)

log = logging.getLogger(__name__)


def job_kind(func_name: str) -> str:
    """`workers.jobs.reconcile_tenant` → `reconcile_tenant`."""
    return func_name.rsplit(".", 1)[-1]


def counted(job_id: str, func_name: str, perform: Callable[[], bool]) -> bool:
    """Run one job (rq's perform_job: True when it succeeded), counted and timed, with the
    job's id and kind bound to every log record written meanwhile."""
    kind = job_kind(func_name)
    JOBS_STARTED.labels(kind).inc()
    started = time.perf_counter()
    with structlog.contextvars.bound_contextvars(job_id=job_id, job_kind=kind):
        succeeded = perform()
    (JOBS_FINISHED if succeeded else JOBS_FAILED).labels(kind).inc()
    outcome = "finished" if succeeded else "failed"
    JOB_SECONDS.labels(kind, outcome).observe(time.perf_counter() - started)
    return succeeded


def serve_metrics(port: int | None, host: str) -> None:
    """Serve this process's registry on host:port in a daemon thread (None: don't)."""
    if port is None:
        return
    start_http_server(port, addr=host)
    log.info("worker metrics on http://%s:%d/metrics", host, port)
