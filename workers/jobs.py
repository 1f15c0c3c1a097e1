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
from domain.services.intake import process_pending
from domain.services.models import rescore_from
from domain.services.recompute import rebuild
from domain.services.rescoring import roll_up
from infra.bootstrap import container
from infra.db.types import utcnow
from infra.queue import ROLLUP_TENANT

log = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(seconds=30)


def process_tenant(tenant_id: str) -> dict[str, int]:
    """Process every pending delivery of one tenant (idempotent)."""
    c = container(worker=True)
    c.queue.processing_started(tenant_id)
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


def sweep_pending() -> int:
    """Re-request processing for deliveries left pending (e.g. Redis was down)."""
    c = container(worker=True)
    with c.system() as uow:
        tenants = uow.system.tenants_with_pending(utcnow() - SWEEP_AFTER)
    for tenant in tenants:
        c.queue.request_processing(tenant, force=True)
    return len(tenants)


GENERATE_REVIEW_ASSIGNMENTS = "workers.jobs.generate_review_assignments"


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
    """The weekly dispatcher: one generation job per tenant with an active sampling rule."""
    c = container(worker=True)
    with c.system() as uow:
        tenants = uow.system.tenants_with_sampling_rule()
    for tenant in tenants:
        c.queue.enqueue(GENERATE_REVIEW_ASSIGNMENTS, tenant)
    return len(tenants)
