"""RQ job functions: thin shells that take ids and call the domain services.

They are referenced by dotted path (`workers.jobs.process_tenant`) and must stay
importable without side effects; the container is built on first use.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, timedelta

from domain.ports import TenantId
from domain.quality.assignment_service import generate_assignments, last_complete_week
from domain.quality.ports import QualityError
from domain.services.identities import reattribute_change
from domain.services.intake import process_pending
from domain.services.models import rescore_from
from domain.services.recompute import rebuild
from domain.services.rescoring import roll_up
from infra.bootstrap import container
from infra.db.types import utcnow
from infra.queue import (
    GENERATE_REVIEW_ASSIGNMENTS,
    PROCESS_TENANT,
    ROLLUP_TENANT,
    review_assignments_job_id,
)

log = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(seconds=30)
DISPATCH_LOCK_SECONDS = 86400  # the weekly dispatch runs once per (UTC) day at most


def process_tenant(tenant_id: str) -> dict[str, int]:
    """Process every pending delivery of one tenant (idempotent)."""
    c = container(worker=True)
    c.queue.started(PROCESS_TENANT, tenant_id)
    tenant = TenantId(tenant_id)
    result = process_pending(lambda: c.uow(tenant, exclusive=True), c.decoder)
    log.info("tenant %s: %s", tenant_id, result)
    if result.processed:
        c.queue.request(ROLLUP_TENANT, tenant_id)
    return asdict(result)


def rollup_tenant(tenant_id: str) -> int:
    """Re-score the team/tenant snapshots that processing left for a roll-up."""
    c = container(worker=True)
    c.queue.started(ROLLUP_TENANT, tenant_id)
    total = 0
    while True:
        with c.uow(TenantId(tenant_id), exclusive=True) as uow:
            done = roll_up(uow)
            uow.commit()
        total += done
        if not done:
            return total


def recompute_tenant(tenant_id: str, since: str | None = None) -> dict[str, int]:
    """Rebuild a tenant's facts, samples and scores from its event log (idempotent)."""
    c = container(worker=True)
    start = date.fromisoformat(since) if since else None
    result = rebuild(lambda: c.uow(TenantId(tenant_id), exclusive=True), since=start)
    return asdict(result)


def rescore_tenant(tenant_id: str, since: str | None = None) -> int:
    """Re-score stored metrics with the models now effective (after a model change)."""
    c = container(worker=True)
    with c.uow(TenantId(tenant_id), exclusive=True) as uow:
        count = rescore_from(uow, since=date.fromisoformat(since) if since else None)
        uow.commit()
    return count


def reattribute_agents(tenant_id: str, change_id: str) -> int:
    """Re-fold and re-score after an agent merge or unmerge (idempotent)."""
    c = container(worker=True)
    with c.uow(TenantId(tenant_id), exclusive=True) as uow:
        count = reattribute_change(uow, change_id=change_id)
        uow.commit()
    log.info("tenant %s: agent change %s re-scored %d snapshots", tenant_id, change_id, count)
    return count


def sweep_pending() -> int:
    """Re-request processing for deliveries left pending (e.g. Redis was down)."""
    c = container(worker=True)
    with c.system() as uow:
        tenants = uow.system.tenants_with_pending(utcnow() - SWEEP_AFTER)
    for tenant in tenants:
        c.queue.request(PROCESS_TENANT, tenant, force=True)
    return len(tenants)


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
    lock = f"schedule-review-assignments-{now.date().isoformat()}"
    if not c.queue.claim(lock, ttl_seconds=DISPATCH_LOCK_SECONDS):
        log.info("review assignments already dispatched today (%s)", lock)
        return 0
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
