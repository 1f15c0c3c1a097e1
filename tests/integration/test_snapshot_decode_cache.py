"""Snapshot reads keep their decoded values in a process-wide cache keyed by the stored
text (issue 12): a rewritten snapshot must read its new values at once, and a caller
changing the metrics it was given must not change what the next read sees."""

from __future__ import annotations

from datetime import date

from domain.metrics import Basis, Level
from domain.periods import Grain, Period
from domain.ports import TenantProfile
from domain.scoring import score
from domain.snapshots import Snapshot
from domain.values import Aggregate, MetricSet, metric_values
from infra.bootstrap import Container

MONTH = Period(Grain.MONTH, date(2025, 3, 1))
AGENT = "agent-cache"


def _values(solved: int, satisfied: int) -> MetricSet:
    return metric_values(
        {
            ("tickets_solved", Basis.CALENDAR): Aggregate(solved, solved),
            ("csat", Basis.CALENDAR): Aggregate(solved, satisfied),
        },
        level=Level.AGENT,
    )


def _write(container: Container, tenant: TenantProfile, values: MetricSet) -> None:
    with container.uow(tenant.id, exclusive=True) as uow:
        model = uow.models.effective(MONTH.start, Level.AGENT, None)
        breakdown = score(model, values)
        uow.snapshots.save([Snapshot(Level.AGENT, AGENT, MONTH, values, breakdown, model.id)])
        uow.commit()


def _read(container: Container, tenant: TenantProfile) -> Snapshot:
    with container.read_uow(tenant.id) as uow:
        return uow.snapshots.for_period(Level.AGENT, MONTH)[AGENT]


def test_a_rewritten_snapshot_reads_its_new_values(
    container: Container, tenant: TenantProfile
) -> None:
    _write(container, tenant, _values(40, 10))
    first, again = _read(container, tenant), _read(container, tenant)  # the second from cache
    assert first.metrics == again.metrics and first.breakdown == again.breakdown
    csat = ("csat", Basis.CALENDAR)
    assert first.metrics[csat].positives == 10 and first.metrics[csat].sample_size == 40

    _write(container, tenant, _values(40, 30))
    rewritten = _read(container, tenant)
    assert rewritten.metrics[csat].positives == 30
    assert rewritten.metrics[csat].interval != first.metrics[csat].interval
    assert rewritten.breakdown is not None and first.breakdown is not None
    assert rewritten.breakdown.total != first.breakdown.total


def test_changing_a_read_snapshot_does_not_change_the_next_read(
    container: Container, tenant: TenantProfile
) -> None:
    _write(container, tenant, _values(20, 5))
    given = _read(container, tenant)
    kept = dict(given.metrics)
    given.metrics.clear()
    assert _read(container, tenant).metrics == kept
