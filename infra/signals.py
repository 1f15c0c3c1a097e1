"""Operator signals: the gauges computed at scrape time and the registry a scrape reads.

Counters and histograms (webhooks, HTTP requests, jobs) count in the process that saw the
event. With several uvicorn workers those are several processes, so `fairscore serve
--workers N` runs prometheus-client's multiprocess mode: each process writes its values
to files in PROMETHEUS_MULTIPROC_DIR and a scrape, whichever process answers it, adds
them up. The backlog gauges are not counted anywhere: they are read from PostgreSQL and
Redis when scraped (tenant-less counts and minima), so every API process reports the
same value.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from infra.db.repositories.system import DerivationBacklog

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w+_(\d+)\.db$")

log = logging.getLogger(__name__)


class BacklogCollector(Collector):
    """Queue depth, pending deliveries and invalidations, and the derivation lag (the
    oldest pending change to now). A source that cannot be read is left out of the
    scrape (and logged) rather than failing it: the other series still matter then."""

    def __init__(
        self,
        backlog: Callable[[], DerivationBacklog],
        queue_depths: Callable[[], Mapping[str, int]],
        now: Callable[[], datetime],
    ) -> None:
        self._backlog = backlog
        self._queue_depths = queue_depths
        self._now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            depths = self._queue_depths()
        except RedisError:
            log.warning("queue depth not scraped: Redis unavailable", exc_info=True)
        else:
            queue = GaugeMetricFamily(
                "fairscore_queue_depth", "Jobs waiting in the queue", labels=["queue"]
            )
            for name, depth in sorted(depths.items()):
                queue.add_metric([name], depth)
            yield queue
        try:
            backlog = self._backlog()
        except SQLAlchemyError:
            log.warning("derivation backlog not scraped: database unavailable", exc_info=True)
            return
        yield GaugeMetricFamily(
            "fairscore_pending_deliveries",
            "Webhook deliveries stored and not yet processed (all tenants)",
            value=backlog.pending_deliveries,
        )
        invalidations = GaugeMetricFamily(
            "fairscore_pending_invalidations",
            "Outbox rows waiting for the reconciler (all tenants)",
            labels=["kind"],
        )
        invalidations.add_metric(["subject_period"], backlog.subject_periods)
        invalidations.add_metric(["request"], backlog.requests)
        yield invalidations
        lag = 0.0 if backlog.oldest is None else (self._now() - backlog.oldest).total_seconds()
        yield GaugeMetricFamily(
            "fairscore_derivation_lag_seconds",
            "Age of the oldest pending delivery or outbox row (0 when nothing waits)",
            value=max(lag, 0.0),
        )


def exposition(extra: Iterable[Collector] = ()) -> bytes:
    """The text a scrape returns: this process's metrics, or in multiprocess mode every
    process's, plus `extra` collectors (computed now)."""
    registry = CollectorRegistry()
    path = os.environ.get(MULTIPROC_ENV)
    if path:
        _forget_dead_processes(path)
        MultiProcessCollector(registry, path)  # type: ignore[no-untyped-call]
    else:
        registry.register(REGISTRY)
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry)


def _forget_dead_processes(path: str) -> None:
    """uvicorn has no child-exit hook to call `mark_process_dead` from, so a scrape drops
    the live-gauge files of processes that are gone (a restarted worker's subscribers)."""
    for name in glob.glob(os.path.join(path, "gauge_live*.db")):
        match = _LIVE_GAUGE_FILE.search(name)
        if match and not _alive(int(match.group(1))):
            mark_process_dead(int(match.group(1)), path)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def multiprocess_metrics(processes: int) -> Iterator[None]:
    """For the block (the server's life): multiprocess mode when more than one process
    serves, or when PROMETHEUS_MULTIPROC_DIR is set. That directory is emptied first (the
    library requires it wiped between runs: a previous run's counts would be added in);
    unset, a temporary one is used and removed afterwards. The variable is set before
    uvicorn spawns its workers, which import prometheus-client afresh."""
    given = os.environ.get(MULTIPROC_ENV)
    if processes <= 1 and not given:
        yield
        return
    path = given or tempfile.mkdtemp(prefix="fairscore-metrics-")
    for stale in glob.glob(os.path.join(path, "*.db")):
        os.remove(stale)
    os.environ[MULTIPROC_ENV] = path
    try:
        yield
    finally:
        if not given:
            os.environ.pop(MULTIPROC_ENV, None)
            shutil.rmtree(path, ignore_errors=True)
