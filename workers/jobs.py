"""RQ job functions: thin shells that take ids and call the domain services.

They are referenced by dotted path (`workers.jobs.reconcile_tenant`) and must stay
importable without side effects; the container is built on first use. Every job that
touches the database runs again once when the database dropped its connection
(`again_if_dropped`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

from domain.goals.service import refresh_statuses
from domain.performance_reviews.cycles import Cadence, last_complete_period
from domain.performance_reviews.errors import PerformanceError
from domain.performance_reviews.service import create_reviews
from domain.periods import local_day
from domain.ports import TenantId
from domain.quality.assignment_service import generate_assignments, last_complete_week
from domain.quality.ports import QualityError
from infra.bootstrap import Container, container
from infra.db.types import utcnow
from infra.queue import (
    CREATE_PERFORMANCE_REVIEWS,
    GENERATE_REVIEW_ASSIGNMENTS,
    RECONCILE_TENANT,
    performance_reviews_job_id,
    review_assignments_job_id,
)

log = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(seconds=30)  # the default of SWEEP_AFTER_SECONDS
DISPATCH_LOCK_SECONDS = 86400  # the weekly dispatch runs once per (UTC) day at most
GOAL_REFRESH_LOCK_SECONDS = 3600  # the goal status refresh runs once per hour at most

P = ParamSpec("P")
R = TypeVar("R")


def again_if_dropped(job: Callable[P, R]) -> Callable[P, R]:
    """Run the (idempotent) `job` once more, at once, when it failed because the database
    dropped its connection. The worker's pools do not ping a connection at checkout (the
    ping was 5% of a busy worker: infra/db/engine.py `make_worker_engine`), so after a
    PostgreSQL restart the first job to use a pooled connection fails; without this its
    work waited for the sweeper (SWEEP_AFTER_SECONDS + a sweep interval). SQLAlchemy has
    marked every connection of the failing engine's pool stale by then; the other
    engine's (the system login's) died in the same restart, so both pools are emptied."""

    @functools.wraps(job)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return job(*args, **kwargs)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("the database dropped the connection (%s); once more", exc.orig)
        c = container(worker=True)
        for engine in {c.engine, c.system_engine}:
            engine.dispose()  # the next checkout connects afresh
        return job(*args, **kwargs)

    return run


@again_if_dropped
def reconcile_tenant(tenant_id: str) -> dict[str, int]:
    """Bring one tenant's derived data up to date (idempotent): the only derivation job."""
    c = container(worker=True)
    c.queue.started(RECONCILE_TENANT, tenant_id)
    result = c.reconciler(TenantId(tenant_id)).run()
    log.info("tenant %s: %s", tenant_id, result)
    return {
        "deliveries": result.intake.processed + result.intake.failed + result.intake.ignored,
        "requests": result.requests,
        "rolled_up": result.rolled_up,
        "busy": int(result.busy),
    }


@again_if_dropped
def sweep_pending() -> int:
    """Request a reconcile for every tenant whose outbox or pending deliveries have waited
    longer than a job would (e.g. Redis was down when their commit asked)."""
    c = container(worker=True)
    waited = timedelta(seconds=c.settings.sweep_after_seconds)
    with c.system() as uow:
        tenants = uow.system.tenants_with_derivation_work(utcnow() - waited)
    for tenant in tenants:
        c.queue.request(RECONCILE_TENANT, tenant, force=True)
    return len(tenants)


@again_if_dropped
def generate_review_assignments(tenant_id: str, week_start: str | None = None) -> int:
    """Draw a tenant's review assignments for an ISO week (default: the last complete
    one, tenant-local); idempotent. Returns how many assignments were added."""
    c = container(worker=True)
    with c.uow(TenantId(tenant_id), exclusive=True) as uow:
        tz = uow.tenant.timezone
        week = date.fromisoformat(week_start) if week_start else last_complete_week(utcnow(), tz)
        try:
            added = generate_assignments(uow, week_start=week)
        except QualityError as exc:  # e.g. the rule was switched off since it was queued
            log.warning("tenant %s: no review assignments for %s: %s", tenant_id, week, exc)
            return 0
        uow.commit()
    log.info("tenant %s: %d review assignments for the week of %s", tenant_id, len(added), week)
    return len(added)


def schedule_review_assignments() -> int:
    """The weekly dispatcher: one generation job per tenant with an active sampling rule,
    for its last complete week. Every `fairscore worker` runs the cron, so the first to
    get here takes the day's lock and the others stop; and the jobs' ids (tenant, week)
    keep a week from being queued twice anyway. Returns how many jobs were queued."""
    c = container(worker=True)
    now = utcnow()
    if not _first_dispatch_today(c, "review-assignments", now):
        return 0
    return _queue_review_assignments(c, now)


@again_if_dropped  # after the day's lock: the whole job again would find it taken
def _queue_review_assignments(c: Container, now: datetime) -> int:
    with c.system() as uow:
        tenants = uow.system.tenants_with_sampling_rule()
    queued = 0
    for tenant, timezone in tenants:
        week = last_complete_week(now, timezone)
        job_id = review_assignments_job_id(tenant, week)
        queued += c.queue.enqueue(
            GENERATE_REVIEW_ASSIGNMENTS, tenant, week.isoformat(), job_id=job_id
        )
    return queued


def _first_dispatch_today(c: Container, what: str, now: datetime) -> bool:
    """Whether this worker takes the (UTC) day's lock of a dispatcher: every `fairscore
    worker` runs the cron, and the first to get here dispatches."""
    lock = f"schedule-{what}-{now.date().isoformat()}"
    if c.queue.claim(lock, ttl_seconds=DISPATCH_LOCK_SECONDS):
        return True
    log.info("%s already dispatched today (%s)", what.replace("-", " "), lock)
    return False


def refresh_goal_statuses() -> int:
    """Hourly: in every tenant with a goal still running, ask the reconciler to recompute
    the goals' statuses (progress against the days elapsed moves with the calendar, not
    only with the metrics). Every worker runs the cron: the first of the hour takes the
    lock. Returns how many tenants were asked."""
    c = container(worker=True)
    now = utcnow()
    lock = f"refresh-goal-statuses-{now:%Y-%m-%dT%H}"
    if not c.queue.claim(lock, ttl_seconds=GOAL_REFRESH_LOCK_SECONDS):
        return 0
    return _ask_for_goal_refresh(c, now)


@again_if_dropped  # after the hour's lock; asking a tenant twice is harmless
def _ask_for_goal_refresh(c: Container, now: datetime) -> int:
    with c.system() as system:
        # a day back: a tenant west of UTC may still be on yesterday
        tenants = system.system.tenants_with_goals(ending_since=now.date() - timedelta(days=1))
    asked = 0
    for tenant, timezone in tenants:
        with c.uow(tenant) as uow:
            asked += refresh_statuses(uow, today=local_day(now, timezone))
            uow.commit()
    return asked


@again_if_dropped
def create_performance_reviews(tenant_id: str, cycle_id: str, period_start: str) -> int:
    """Create the cycle's performance reviews of the period containing `period_start`
    (idempotent: one per agent and period). Returns how many were created."""
    c = container(worker=True)
    with c.uow(TenantId(tenant_id), exclusive=True) as uow:
        try:
            created = create_reviews(
                uow, cycle_id=cycle_id, period_start=date.fromisoformat(period_start), now=utcnow()
            )
        except PerformanceError as exc:  # e.g. the cycle is gone since it was queued
            log.warning(
                "tenant %s: no performance reviews for cycle %s: %s", tenant_id, cycle_id, exc
            )
            return 0
        uow.commit()
    log.info(
        "tenant %s: %d performance reviews of cycle %s for %s",
        tenant_id,
        len(created),
        cycle_id,
        period_start,
    )
    return len(created)


def schedule_performance_reviews() -> int:
    """The daily dispatcher: for every active review cycle, a job for its last complete
    period (tenant-local). Every `fairscore worker` runs the cron: the first to get here
    takes the day's lock; the jobs' ids (tenant, cycle, period) keep a period from being
    queued twice, and the job adds nothing to a period already reviewed. Returns how many
    jobs were queued."""
    c = container(worker=True)
    now = utcnow()
    if not _first_dispatch_today(c, "performance-reviews", now):
        return 0
    return _queue_performance_reviews(c, now)


@again_if_dropped  # after the day's lock, as _queue_review_assignments
def _queue_performance_reviews(c: Container, now: datetime) -> int:
    with c.system() as uow:
        cycles = uow.system.active_review_cycles()
    queued = 0
    for tenant, timezone, cycle_id, cadence in cycles:
        period = last_complete_period(Cadence(cadence), now, timezone)
        job_id = performance_reviews_job_id(tenant, cycle_id, period.start)
        queued += c.queue.enqueue(
            CREATE_PERFORMANCE_REVIEWS, tenant, cycle_id, period.start.isoformat(), job_id=job_id
        )
    return queued
