"""Admin-entered period figures and the scores they move."""

from __future__ import annotations

from domain.derivation.outbox import DirtyEntry
from domain.metrics import Level
from domain.periods import Period
from domain.ports import UnitOfWork
from domain.services.rescoring import PeriodScorer
from domain.values import MetricValue


class FigureError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def set_active_users(uow: UnitOfWork, *, period: Period, count: int) -> MetricValue | None:
    """Record the product's active users in a period and invalidate the tenant's snapshot
    of it (only the tenant level reads the figure: contact_ratio); returns the new
    contact_ratio. The reconciler re-scores the snapshot (STYLE 15): writing it here
    would wait on a bulk rebuild's score stage, which holds the period's rows."""
    if count < 0:
        raise FigureError("active users cannot be negative", "count")
    uow.figures.set_active_users(period, count)
    tenant_id = uow.tenant.id
    uow.outbox.reaggregate([DirtyEntry(period, Level.TENANT, tenant_id)])
    # The answer is measured as the roll-up will measure it, without writing: one
    # aggregate of the tenant's samples in the period, nothing scored or stored.
    scorer = PeriodScorer(uow, period, active_users=count)
    measured = scorer.measure(Level.TENANT, [tenant_id])[tenant_id]
    return next((v for (key, _), v in measured.metrics.items() if key == "contact_ratio"), None)
