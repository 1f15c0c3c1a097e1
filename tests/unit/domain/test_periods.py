"""Calendar periods in the tenant's timezone (SPEC §4): DAY, ISO WEEK, MONTH, QUARTER."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest

from domain.periods import (
    GRAINS,
    Grain,
    Period,
    local_day,
    local_midnight,
    normalise,
    period_end,
    period_start,
    periods_of_day,
)
from tests.factories import Ticket
from tests.unit.domain.histories import entry, table, utc


def test_a_day_is_its_own_period() -> None:
    assert period_start(Grain.DAY, date(2026, 3, 4)) == date(2026, 3, 4)


@pytest.mark.parametrize("offset", range(7))
def test_an_iso_week_starts_on_monday(offset: int) -> None:
    day = date(2026, 3, 2) + timedelta(days=offset)  # Monday 2 … Sunday 8 March
    assert period_start(Grain.WEEK, day) == date(2026, 3, 2)


def test_sunday_belongs_to_the_week_that_began_the_monday_before() -> None:
    assert period_start(Grain.WEEK, date(2026, 3, 1)) == date(2026, 2, 23)


def test_an_iso_week_may_span_two_years() -> None:
    # Thursday 1 January 2026 is in the ISO week of Monday 29 December 2025.
    assert period_start(Grain.WEEK, date(2026, 1, 1)) == date(2025, 12, 29)
    assert period_end(Grain.WEEK, date(2025, 12, 29)) == date(2026, 1, 5)


def test_a_month_starts_on_its_first_day() -> None:
    assert period_start(Grain.MONTH, date(2026, 2, 28)) == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(2026, 3, 31), date(2026, 1, 1)),
        (date(2026, 4, 1), date(2026, 4, 1)),
        (date(2026, 6, 30), date(2026, 4, 1)),
        (date(2026, 7, 15), date(2026, 7, 1)),
        (date(2026, 9, 30), date(2026, 7, 1)),
        (date(2026, 10, 1), date(2026, 10, 1)),
        (date(2026, 12, 31), date(2026, 10, 1)),
    ],
)
def test_quarters_start_in_january_april_july_and_october(day: date, quarter: date) -> None:
    assert period_start(Grain.QUARTER, day) == quarter


@pytest.mark.parametrize(
    ("grain", "start", "end", "days"),
    [
        (Grain.DAY, date(2026, 12, 31), date(2027, 1, 1), 1),
        (Grain.WEEK, date(2026, 3, 2), date(2026, 3, 9), 7),
        (Grain.MONTH, date(2028, 2, 1), date(2028, 3, 1), 29),
        (Grain.MONTH, date(2026, 12, 1), date(2027, 1, 1), 31),
        (Grain.QUARTER, date(2026, 10, 1), date(2027, 1, 1), 92),
        (Grain.QUARTER, date(2026, 1, 1), date(2026, 4, 1), 90),
    ],
)
def test_a_period_ends_where_the_next_one_begins(
    grain: Grain, start: date, end: date, days: int
) -> None:
    period = Period(grain, start)
    assert (period.end, period.days()) == (end, days)
    assert period_start(grain, end) == end
    assert period_start(grain, end - timedelta(days=1)) == start


def test_any_day_of_a_period_names_that_period() -> None:
    assert normalise(Grain.QUARTER, date(2026, 5, 17)) == Period(Grain.QUARTER, date(2026, 4, 1))
    assert normalise(Grain.WEEK, date(2026, 3, 8)) == Period(Grain.WEEK, date(2026, 3, 2))


def test_a_day_belongs_to_one_period_of_each_grain() -> None:
    assert periods_of_day(date(2026, 5, 17)) == (
        Period(Grain.DAY, date(2026, 5, 17)),
        Period(Grain.WEEK, date(2026, 5, 11)),
        Period(Grain.MONTH, date(2026, 5, 1)),
        Period(Grain.QUARTER, date(2026, 4, 1)),
    )
    assert tuple(p.grain for p in periods_of_day(date(2026, 5, 17))) == GRAINS


# --- the tenant's timezone ------------------------------------------------------------


def test_23_30_utc_on_march_31_is_already_april_in_berlin() -> None:
    late = utc(2026, 3, 31, 23, 30)
    assert local_day(late, "Europe/Berlin") == date(2026, 4, 1)
    assert local_day(late, "UTC") == date(2026, 3, 31)
    assert local_day(late, "America/New_York") == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("grain", "berlin", "utc_start"),
    [
        ("DAY", "2026-04-01", "2026-03-31"),
        ("WEEK", "2026-03-30", "2026-03-30"),
        ("MONTH", "2026-04-01", "2026-03-01"),
        ("QUARTER", "2026-04-01", "2026-01-01"),
    ],
)
def test_a_ticket_created_at_23_30_utc_on_march_31_counts_in_april_for_a_berlin_tenant(
    grain: str, berlin: str, utc_start: str
) -> None:
    t = Ticket(base=utc(2026, 3, 31, 23, 30)).created(0)
    assert set(table(t, timezone="Europe/Berlin", grain=grain)["tenant"]["tenant"]) == {berlin}
    assert set(table(t, timezone="UTC", grain=grain)["tenant"]["tenant"]) == {utc_start}


def test_an_evening_in_new_york_is_the_next_day_in_utc_but_not_locally() -> None:
    t = Ticket(base=utc(2026, 3, 3, 2)).created(0)  # Monday 21:00 in New York
    assert entry(table(t, timezone="America/New_York"), "tickets_created", period="2026-03-02")
    assert entry(table(t, timezone="UTC"), "tickets_created", period="2026-03-03")


def test_a_local_day_starts_at_local_midnight() -> None:
    assert local_midnight(date(2026, 4, 1), "Europe/Berlin").astimezone(UTC) == utc(2026, 3, 31, 22)
    assert local_midnight(date(2026, 3, 1), "Europe/Berlin").astimezone(UTC) == utc(2026, 2, 28, 23)


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 3, 30), 24)],
)
def test_local_days_last_23_or_25_hours_when_the_clocks_change(day: date, hours: int) -> None:
    start = local_midnight(day, "Europe/Berlin").astimezone(UTC)
    end = local_midnight(day + timedelta(days=1), "Europe/Berlin").astimezone(UTC)
    assert end - start == timedelta(hours=hours)
