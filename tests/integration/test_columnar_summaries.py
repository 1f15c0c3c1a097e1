"""The bulk rebuild's columnar summaries (infra.bulk.columnar, DuckDB) equal the roll-up's
SQL (infra.db.aggregates, PostgreSQL) for every grain, period, level and subject: counts,
distinct tickets, medians and p90s exactly, sums to the last few bits (the order a float
sum adds in differs), and the case-mix moments likewise. The roll-up's SQL is in turn held
to domain.stats and the oracle by the incremental path's tests."""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.casemix import Moments
from domain.metrics import Basis, Level
from domain.periods import GRAINS, Period
from domain.ports import TenantId
from domain.values import Aggregate
from infra.bootstrap import Container
from infra.bulk import columnar as columnar_module
from infra.bulk.columnar import history
from infra.db.aggregates import DISTINCT_TICKETS, DURATIONS
from infra.synthetic import Shape, generate
from tests.integration.test_incremental_equals_bulk import deliver, new_tenant

# Forty days around a month's and a quarter's turn (April 1), priorities included.
SPRING = Shape(
    agents=5,
    teams=2,
    tickets=120,
    days=40,
    start=datetime(2026, 3, 20, tzinfo=UTC),
    seed=11,
    activity=True,
    priorities=True,
)

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@pytest.fixture(params=[None, 40], ids=["whole", "chunked"])
def spring(
    container: Container, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> TenantId:
    """A tenant holding SPRING, summarised whole or in chunks of a few periods each (and
    its samples moved in several runs), as a long history is."""
    if request.param:
        monkeypatch.setattr(columnar_module, "CHUNK", request.param)
        monkeypatch.setattr(columnar_module, "MOVE", request.param * 3)
    tenant = new_tenant(container, "TENANT")
    deliver(container, tenant, [list(generate(SPRING))])
    return tenant


def test_columnar_summaries_equal_the_roll_up_sql(container: Container, spring: TenantId) -> None:
    tenant = spring
    with container.uow(tenant) as uow, history(uow.session, tenant) as columnar:
        for grain in GRAINS:
            summaries = dict(columnar.periods(grain))
            strata = dict(columnar.strata(grain))
            assert summaries, grain
            for start, by_level in summaries.items():
                period = Period(grain, start)
                for level in Level:
                    sql = uow.samples.aggregate(period, level, None)
                    assert _same(by_level[level], sql), (period, level)
                assert _same(strata.get(start, {}), uow.samples.strata(period)), period


def test_subject_periods_are_the_summaries_by_column(
    container: Container, spring: TenantId
) -> None:
    """The pivoted summaries the bulk rebuild reads (one row per subject-period, a
    period too large for one statement summarised a group of metrics at a time) hold
    the statistics of `periods`' rows that the metric values read, in date order."""
    tenant = spring
    with container.uow(tenant) as uow, history(uow.session, tenant) as columnar:
        for grain in GRAINS:
            long = {
                (start, level, subject): {
                    key: _read(key, agg)
                    for key, agg in streams.items()
                    if key[1] is Basis.CALENDAR or key[0] in DURATIONS
                }
                for start, by_level in columnar.periods(grain)
                for level, subjects in by_level.items()
                for subject, streams in subjects.items()
            }
            wide: dict[tuple[Any, ...], Any] = {}
            starts = []
            for fetched in columnar.subject_periods(grain):
                starts.append(min(batch.starts[0] for batch in fetched))
                for batch in fetched:
                    for i, at in enumerate(zip(batch.starts, batch.subjects, strict=True)):
                        wide[(at[0], batch.level, at[1])] = {
                            key: (s.count[i], s.total[i], s.median[i], s.p90[i], s.tickets[i])
                            for key, s in batch.streams.items()
                            if s.count[i]
                        }
            assert starts == sorted(starts)
            assert wide.keys() == long.keys(), grain
            for k, streams in long.items():
                assert wide[k].keys() == streams.keys(), k
                assert all(
                    _same(x, y)
                    for key, numbers in streams.items()
                    for x, y in zip(wide[k][key], numbers, strict=True)
                ), k


def _read(key: tuple[str, Basis], agg: Aggregate) -> tuple[Any, ...]:
    """What the pivot keeps of a summary: medians and p90 of durations, distinct tickets
    where they are counted."""
    duration = key[0] in DURATIONS
    tickets = agg.distinct_tickets if key[0] in DISTINCT_TICKETS else None
    if key[1] is Basis.BUSINESS:
        tickets = None
    median, p90 = (agg.median, agg.p90) if duration else (None, None)
    return (agg.count, agg.total, median, p90, tickets)


def test_a_tenant_without_samples_has_no_summaries(container: Container) -> None:
    tenant = new_tenant(container)
    with container.uow(tenant) as uow, history(uow.session, tenant) as columnar:
        for grain in GRAINS:
            assert list(columnar.periods(grain)) == []
            assert list(columnar.strata(grain)) == []
            assert list(columnar.subject_periods(grain)) == []


def _same(a: Any, b: Any) -> bool:
    """Equal, floats within 1e-12 relative (sums of float8 depend on the adding order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        a, b = _nonempty(a), _nonempty(b)
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, Aggregate | Moments) and type(a) is type(b):
        names = Moments._fields if isinstance(a, Moments) else [f.name for f in fields(a)]
        return all(_same(getattr(a, name), getattr(b, name)) for name in names)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return type(a) is type(b) and a == b


def _nonempty(d: dict[Any, Any]) -> dict[Any, Any]:
    return {k: v for k, v in d.items() if v != {}}
