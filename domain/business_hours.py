"""Business hours: how much of a time span falls inside a tenant's opening hours (SPEC §2, §4).

A `BusinessCalendar` is an IANA timezone plus schedule versions, each effective from a local
date: the latest version whose date is on or before a local day governs that day, and before
the first version there is no business time. A `WeeklySchedule` gives each weekday zero or more
wall-clock `Interval`s (split shifts) and a set of holidays (local dates with no business time).
Holidays belong to their version: a version's holidays only matter on the days it governs.

Time arithmetic. Each interval is wall-clock time on a local date, turned into a UTC span;
`business_seconds` counts the real elapsed seconds where [start, end) overlaps those spans.
So 00:00–06:00 lasts 5 real hours on a spring-forward day and 7 on a fall-back day, while
09:00–17:00 lasts 8 hours on both. Wall times that occur twice (fall back) use their first
occurrence (fold=0). Wall times that never occur (spring forward) map to the instant the clock
jumps, so the skipped part of an interval counts nothing. Instants outside
1900-01-01 .. 2100-01-01 UTC have no business time: a garbage timestamp cannot make a
calculation walk millennia of days.

The JSON form stored in the tenant's settings is read and written by
`domain.business_hours_json` (through `BusinessCalendar.from_json` / `to_json`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from itertools import accumulate, pairwise
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

from domain.local_time import load_zone, wall_to_utc

WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Span = tuple[float, float]  # a half-open [start, end) in POSIX seconds (UTC)

_DAY_SECONDS: Final = 86_400
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_FIRST_INSTANT: Final = datetime(1900, 1, 1, tzinfo=UTC).timestamp()
_LAST_INSTANT: Final = datetime(2100, 1, 1, tzinfo=UTC).timestamp()
# Days are cached in blocks with prefix sums, so a months-long span costs a few lookups.
_BLOCK_DAYS: Final = 128


@dataclass(frozen=True, slots=True)
class Interval:
    """Opening time within one day, half-open [start, end); `end=None` means 24:00."""

    start: time
    end: time | None

    def __post_init__(self) -> None:
        for clock in (self.start, self.end):
            if clock is not None and not _is_wall_clock(clock):
                raise ValueError("interval times must be naive wall-clock times in whole seconds")
        if self.end is not None and self.start >= self.end:
            hint = " (write 24:00 for the end of the day)" if self.end == time() else ""
            raise ValueError(f"interval {self} must start before it ends{hint}")

    def __str__(self) -> str:
        return f"{format_clock(self.start)}–{format_clock(self.end)}"


@dataclass(frozen=True, slots=True)
class WeeklySchedule:
    """Intervals per weekday (0=Monday .. 6=Sunday; a missing day is closed) plus holidays."""

    intervals: Mapping[int, tuple[Interval, ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "intervals", _normalise_week(self.intervals))
        object.__setattr__(self, "holidays", _normalise_holidays(self.holidays))

    def __hash__(self) -> int:
        return hash((tuple(self.intervals.items()), self.holidays))

    def on(self, day: date) -> tuple[Interval, ...]:
        """The intervals of a local date: its weekday's, or none on a holiday."""
        if day in self.holidays:
            return ()
        return self.intervals.get(day.weekday(), ())


@dataclass(frozen=True, slots=True)
class _Block:
    """Consecutive local days, resolved to UTC once and reused for every later question."""

    midnights: tuple[float, ...]  # local midnight of each day, and of the day after the last
    spans: tuple[tuple[Span, ...], ...]  # business spans of each day, in order
    cumulative: tuple[float, ...]  # business seconds of the days before index i


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """A tenant's business hours: schedule versions in an IANA timezone (see module doc)."""

    timezone: str
    versions: tuple[tuple[date, WeeklySchedule], ...]  # sorted by effective date on creation
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _effective: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _blocks: dict[int, _Block] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        versions = tuple(sorted(map(_check_version, self.versions), key=lambda v: v[0]))
        effective = tuple(day for day, _ in versions)
        if len(set(effective)) != len(effective):
            raise ValueError("two schedule versions take effect on the same date")
        object.__setattr__(self, "versions", versions)
        object.__setattr__(self, "_zone", load_zone(self.timezone))
        object.__setattr__(self, "_effective", effective)
        object.__setattr__(self, "_blocks", {})

    def schedule_on(self, day: date) -> WeeklySchedule | None:
        """The version governing a local date; None before the first version."""
        index = bisect_right(self._effective, day) - 1
        return self.versions[index][1] if index >= 0 else None

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Real seconds of [start, end) inside business hours; 0 if end <= start."""
        low = max(_instant(start), _FIRST_INSTANT)
        high = min(_instant(end), _LAST_INSTANT)
        if high <= low:
            return 0.0
        first, last = self._local_ordinal(low), self._local_ordinal(high)
        head = _overlap(self._spans(first), low, high)
        if first == last:
            return head
        return head + self._full_days(first + 1, last) + _overlap(self._spans(last), low, high)

    def is_open(self, at: datetime) -> bool:
        """Whether `at` falls inside business hours (interval starts count, ends do not)."""
        moment = _instant(at)
        if not _FIRST_INSTANT <= moment < _LAST_INSTANT:
            return False
        return any(a <= moment < b for a, b in self._spans(self._local_ordinal(moment)))

    @classmethod
    def from_json(cls, data: object) -> BusinessCalendar:
        """Parse the JSON form (see domain.business_hours_json); ValueError says what is wrong."""
        from domain.business_hours_json import calendar_from_json  # noqa: PLC0415 (an import cycle)

        return calendar_from_json(data)

    def to_json(self) -> dict[str, object]:
        """The JSON form (domain.business_hours_json): plain dicts, lists and strings."""
        from domain.business_hours_json import calendar_to_json  # noqa: PLC0415 (an import cycle)

        return calendar_to_json(self)

    # -- the cache: local days resolved to UTC spans, in blocks with prefix sums --

    def _block(self, number: int) -> _Block:
        block = self._blocks.get(number)
        if block is None:
            block = self._blocks[number] = self._build_block(number)
        return block

    def _build_block(self, number: int) -> _Block:
        days = [date.fromordinal(number * _BLOCK_DAYS + i) for i in range(_BLOCK_DAYS + 1)]
        midnights = tuple(self._utc(day, time()) for day in days)
        spans = tuple(
            self._day_spans(day, next_midnight)
            for day, next_midnight in zip(days[:-1], midnights[1:], strict=True)
        )
        totals = (sum(end - start for start, end in day) for day in spans)
        return _Block(midnights, spans, tuple(accumulate(totals, initial=0.0)))

    def _day_spans(self, day: date, next_midnight: float) -> tuple[Span, ...]:
        schedule = self.schedule_on(day)
        spans = (
            (self._utc(day, i.start), next_midnight if i.end is None else self._utc(day, i.end))
            for i in (schedule.on(day) if schedule is not None else ())
        )
        # An interval lying wholly in a spring-forward gap never happens.
        return tuple((start, end) for start, end in spans if end > start)

    def _utc(self, day: date, clock: time) -> float:
        return wall_to_utc(datetime.combine(day, clock), self._zone)

    def _spans(self, ordinal: int) -> tuple[Span, ...]:
        number, index = divmod(ordinal, _BLOCK_DAYS)
        return self._block(number).spans[index]

    def _local_ordinal(self, moment: float) -> int:
        """The ordinal of the local date containing `moment`, found from cached midnights."""
        # The UTC date is at most a day off, since UTC offsets stay within ±1 day.
        ordinal = int(moment // _DAY_SECONDS) + _EPOCH_ORDINAL
        number, index = divmod(ordinal, _BLOCK_DAYS)
        midnights = self._block(number).midnights
        if moment < midnights[index]:
            return ordinal - 1
        if moment >= midnights[index + 1]:
            return ordinal + 1
        return ordinal

    def _full_days(self, first: int, stop: int) -> float:
        """Business seconds of the whole local days with ordinals first .. stop-1."""
        first_block, first_index = divmod(first, _BLOCK_DAYS)
        stop_block, stop_index = divmod(stop, _BLOCK_DAYS)
        head = self._block(first_block).cumulative
        if first_block == stop_block:
            return head[stop_index] - head[first_index]
        middle = sum(self._block_total(number) for number in range(first_block + 1, stop_block))
        tail = self._block(stop_block).cumulative[stop_index] if stop_index else 0.0
        return head[-1] - head[first_index] + middle + tail

    def _block_total(self, number: int) -> float:
        # Blocks before the first version are closed: no need to resolve their days.
        last_day = date.fromordinal((number + 1) * _BLOCK_DAYS - 1)
        if not self._effective or last_day < self._effective[0]:
            return 0.0
        return self._block(number).cumulative[-1]


def _instant(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError(f"business hours need aware datetimes, got naive {moment.isoformat()}")
    return moment.timestamp()


def _overlap(spans: Iterable[Span], low: float, high: float) -> float:
    total = 0.0
    for start, end in spans:
        seconds = min(end, high) - max(start, low)
        if seconds > 0:
            total += seconds
    return total


def _is_wall_clock(clock: object) -> bool:
    return isinstance(clock, time) and clock.tzinfo is None and clock.microsecond == 0


def _is_date(day: object) -> bool:
    return isinstance(day, date) and not isinstance(day, datetime)


def _check_version(version: tuple[date, WeeklySchedule]) -> tuple[date, WeeklySchedule]:
    effective, schedule = version
    if not _is_date(effective) or not isinstance(schedule, WeeklySchedule):
        raise ValueError(f"a version is (effective date, WeeklySchedule), got {version!r}")
    return effective, schedule


def _normalise_week(
    intervals: Mapping[int, Iterable[Interval]],
) -> Mapping[int, tuple[Interval, ...]]:
    """Validate weekdays and overlaps; sort each day; drop closed days so equal weeks compare."""
    week: dict[int, tuple[Interval, ...]] = {}
    for weekday in sorted(intervals, key=_check_weekday):
        day = tuple(sorted(intervals[weekday], key=_check_interval))
        for earlier, later in pairwise(day):
            if earlier.end is None or earlier.end > later.start:
                raise ValueError(f"intervals on {_DAY_NAMES[weekday]} overlap: {earlier}, {later}")
        if day:
            week[weekday] = day
    return MappingProxyType(week)


def _check_weekday(weekday: object) -> int:
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"unknown weekday {weekday!r}; expected 0 (Monday) to 6 (Sunday)")
    return weekday


def _check_interval(interval: object) -> time:
    if not isinstance(interval, Interval):
        raise ValueError(f"expected an Interval, got {interval!r}")
    return interval.start


def _normalise_holidays(holidays: Iterable[date]) -> frozenset[date]:
    days = frozenset(holidays)
    for day in days:
        if not _is_date(day):
            raise ValueError(f"holidays must be dates, got {day!r}")
    return days


def format_clock(clock: time | None) -> str:
    """'HH:MM', or 'HH:MM:SS' when there are seconds; None (the end of the day) as '24:00'."""
    if clock is None:
        return "24:00"
    return clock.strftime("%H:%M:%S" if clock.second else "%H:%M")
