"""RQ job functions: thin shells that take ids and call the domain services.

They are referenced by dotted path (`workers.jobs.process_tenant`) and must stay
importable without side effects; the container is built on first use.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, timedelta

from domain.ports import TenantId
from domain.services.intake import process_pending
from domain.services.models import rescore_from
from domain.services.recompute import rebuild
from infra.bootstrap import container
from infra.db.types import utcnow

log = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(seconds=30)


def process_tenant(tenant_id: str) -> dict[str, int]:
    """Process every pending delivery of one tenant (idempotent)."""
    c = container(worker=True)
    c.queue.processing_started(tenant_id)
    tenant = TenantId(tenant_id)
    result = process_pending(lambda: c.uow(tenant, exclusive=True), c.decoder)
    log.info("tenant %s: %s", tenant_id, result)
    return asdict(result)


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
