"""Admin-entered period figures and the scores they move."""

from __future__ import annotations

from domain.metrics import Level
from domain.periods import Period
from domain.ports import UnitOfWork
from domain.services.rescoring import PeriodScorer, Subjects
from domain.values import MetricValue


class FigureError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def set_active_users(uow: UnitOfWork, *, period: Period, count: int) -> MetricValue | None:
    """Record the product's active users in a period; returns the new contact_ratio."""
    if count < 0:
        raise FigureError("active users cannot be negative", "count")
    uow.figures.set_active_users(period, count)
    snapshots = PeriodScorer(uow, period).snapshots(Subjects(agents=set(), teams=set()))
    uow.snapshots.save(snapshots)
    tenant = next(s for s in snapshots if s.level is Level.TENANT)
    return next((v for (key, _), v in tenant.metrics.items() if key == "contact_ratio"), None)
