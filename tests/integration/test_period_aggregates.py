"""A roll-up reads each level's aggregates of all its periods in one statement
(`Samples.aggregate_periods`); they equal the one-period statement's, period by period,
also for periods that start on the same date (a day, a month and a quarter on April 1)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.metrics import Level
from domain.periods import periods_of_day
from infra.bootstrap import Container
from infra.synthetic import generate
from tests.integration.test_columnar_summaries import SPRING, _same
from tests.integration.test_incremental_equals_bulk import deliver, new_tenant

pytestmark = pytest.mark.parametrize("database_url", ["postgres", "sqlite"], indirect=True)


def test_several_periods_at_once_equal_one_period_at_a_time(container: Container) -> None:
    tenant = new_tenant(container, "TENANT")
    deliver(container, tenant, [list(generate(SPRING))])
    periods = [*periods_of_day(date(2026, 4, 1)), *periods_of_day(date(2026, 3, 25))]
    with container.uow(tenant) as uow:
        for level in Level:
            every = {p: sorted(uow.samples.aggregate(p, level, None)) for p in periods}
            # a few subjects per period, not the same ones everywhere
            wanted = {p: set(subjects[k % 2 :: 2]) for k, (p, subjects) in enumerate(every.items())}
            assert any(wanted.values()), level
            read = uow.samples.aggregate_periods(level, wanted)
            assert read.keys() == set(periods)
            for period, subjects in wanted.items():
                one = uow.samples.aggregate(period, level, subjects) if subjects else {}
                assert one or not subjects, (period, level)
                assert _same(_only(read[period], subjects), one), (period, level)


def test_no_subjects_no_rows(container: Container) -> None:
    tenant = new_tenant(container)
    period = periods_of_day(date(2026, 4, 1))[0]
    with container.uow(tenant) as uow:
        assert uow.samples.aggregate_periods(Level.AGENT, {period: set()}) == {period: {}}


def _only(read: dict[str, object], subjects: set[str]) -> dict[str, object]:
    return {s: v for s, v in read.items() if s in subjects}
