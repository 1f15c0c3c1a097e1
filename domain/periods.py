"""Calendar periods in a tenant's timezone (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo


class Grain(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    QUARTER = "QUARTER"


GRAINS: tuple[Grain, ...] = tuple(Grain)


class PeriodRangeError(ValueError):
    """A period that ends after the last representable day (date.max): a client error."""


@dataclass(frozen=True, slots=True, order=True)
class Period:
    grain: Grain
    start: date

    @property
    def end(self) -> date:
        """The first local day after the period."""
        return period_end(self.grain, self.start)

    def days(self) -> int:
        return (self.end - self.start).days


def period_start(grain: Grain, day: date) -> date:
    """The first local day of the period of `grain` that contains `day`."""
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def period_end(grain: Grain, start: date) -> date:
    if grain is Grain.DAY:
        return start + timedelta(days=1)
    if grain is Grain.WEEK:
        return start + timedelta(days=7)
    months = 1 if grain is Grain.MONTH else 3
    month_index = start.month - 1 + months
    return date(start.year + month_index // 12, month_index % 12 + 1, 1)


def normalise(grain: Grain, start: date) -> Period:
    """The period of `grain` containing `start` (a dashboard may pass any day); raises
    PeriodRangeError if its end is past date.max, so `Period.end` never overflows."""
    first = period_start(grain, start)
    try:
        period_end(grain, first)
    except (OverflowError, ValueError):  # date + timedelta, date(10000, …)
        raise PeriodRangeError(
            f"the {grain.value} period containing {start} ends after {date.max}"
        ) from None
    return Period(grain, first)


def periods_of_day(day: date) -> tuple[Period, ...]:
    """The four periods, one per grain, that a local day belongs to."""
    return tuple(Period(grain, period_start(grain, day)) for grain in GRAINS)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_day(at: datetime, timezone: str) -> date:
    """The tenant-local calendar day of an aware instant."""
    return at.astimezone(zone(timezone)).date()


def local_midnight(day: date, timezone: str) -> datetime:
    """The instant a local day starts, in UTC.

    UTC, not the tenant's zone: Python subtracts two datetimes that share a tzinfo as
    wall-clock times, which would make a DST day 24 hours long."""
    local = datetime(day.year, day.month, day.day, tzinfo=zone(timezone))
    return local.astimezone(UTC)


class LocalDays:
    """`local_day` for many instants: the day is looked up once per quarter hour of UTC and
    remembered. Every IANA zone changes offset on a 15-minute boundary and today's offsets
    are whole quarter hours, so a UTC quarter hour lies within one local day; under an
    offset that is not (an old local mean time, such as +00:53:28) each day is worked out."""

    def __init__(self, timezone: str) -> None:
        self.zone = zone(timezone)
        self._days: dict[int, date] = {}
        # the last instant asked, by identity: a ticket's samples often share theirs (a
        # solve dates seven), and the bulk fold asks once per sample
        self._last: tuple[datetime | None, date] = (None, date.min)

    def of(self, at: datetime) -> date:
        last, day = self._last
        if at is last:
            return day
        utc = at.astimezone(UTC)  # the same object when it is in UTC already
        # the quarter's number from the fields: faster than from at.timestamp()
        quarter = (utc.toordinal() * 24 + utc.hour) * 4 + utc.minute // 15
        found = self._days.get(quarter)
        if found is None:
            local = utc.astimezone(self.zone)
            found = local.date()
            if not (local.utcoffset() or _NO_OFFSET) % _QUARTER:  # then one local quarter
                self._days[quarter] = found
        self._last = (at, found)
        return found


_QUARTER, _NO_OFFSET = timedelta(minutes=15), timedelta(0)
