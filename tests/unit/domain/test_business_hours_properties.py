"""Business hours, property-tested against an independent brute-force reference.

The reference resolves each interval to UTC on its own (a wall time is the earliest instant
showing it; in a spring-forward gap, the first minute after the jump) and then counts minute by
minute, or sums day by day for long spans, never touching the calendar's cache or prefix sums.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.business_hours import WEEKDAYS, BusinessCalendar

HOUR, MINUTE = 3600, 60
TIMEZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
    "UTC",
]
# Clock changes in 2026 across those zones, including a half-hour one and one at midnight.
ANCHORS = [
    date(2026, m, d)
    for m, d in [(3, 8), (3, 29), (4, 4), (4, 5), (9, 6), (10, 4), (10, 25), (11, 1)]
]


Weekly = dict[int, list[tuple[int, int]]]  # weekday → [(start, end)] in minutes of the day


@dataclass(frozen=True)
class CalendarSpec:
    """Plain data for a calendar, read by the reference without the code under test."""

    timezone: str
    versions: list[tuple[date, Weekly, set[date]]]  # (effective from, weekly, holidays)

    def build(self) -> BusinessCalendar:
        return BusinessCalendar.from_json(
            {
                "timezone": self.timezone,
                "versions": [
                    {
                        "effective_from": effective.isoformat(),
                        "weekly": {
                            WEEKDAYS[wd]: [[_clock_text(a), _clock_text(b)] for a, b in day]
                            for wd, day in weekly.items()
                        },
                        "holidays": [holiday.isoformat() for holiday in holidays],
                    }
                    for effective, weekly, holidays in self.versions
                ],
            }
        )


def reference_to_utc(wall: datetime, zone: ZoneInfo) -> int:
    """Earliest instant showing `wall`; in a gap, the first minute after the clock jumps."""
    candidates = [int(wall.replace(tzinfo=zone, fold=fold).timestamp()) for fold in (0, 1)]
    real = [t for t in candidates if datetime.fromtimestamp(t, zone).replace(tzinfo=None) == wall]
    if real:
        return min(real)
    moment = min(candidates)
    before = datetime.fromtimestamp(moment, zone).utcoffset()
    while datetime.fromtimestamp(moment, zone).utcoffset() == before:
        moment += MINUTE
    return moment


def reference_spans(spec: CalendarSpec, day: date) -> list[tuple[int, int]]:
    governing = [version for version in spec.versions if version[0] <= day]
    if not governing:
        return []
    _, weekly, holidays = max(governing, key=lambda version: version[0])
    if day in holidays:
        return []
    zone, midnight = ZoneInfo(spec.timezone), datetime.combine(day, time())
    return [
        (
            reference_to_utc(midnight + timedelta(minutes=start), zone),
            reference_to_utc(midnight + timedelta(minutes=end), zone),
        )
        for start, end in weekly.get(day.weekday(), [])
    ]


def reference_days(spec: CalendarSpec, start: int, end: int) -> list[date]:
    first = datetime.fromtimestamp(start, UTC).date() - timedelta(days=2)
    count = (end - start) // 86_400 + 5
    return [first + timedelta(days=i) for i in range(count)]


def minute_by_minute(spec: CalendarSpec, start: int, end: int) -> int:
    spans = [
        span for day in reference_days(spec, start, end) for span in reference_spans(spec, day)
    ]
    open_minutes = sum(
        any(a <= minute < b for a, b in spans) for minute in range(start, end, MINUTE)
    )
    return open_minutes * MINUTE


def day_by_day(spec: CalendarSpec, start: int, end: int) -> int:
    days = reference_days(spec, start, end)
    spans = [span for day in days for span in reference_spans(spec, day)]
    return sum(max(0, min(b, end) - max(a, start)) for a, b in spans)


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _pair_up(points: list[int]) -> list[tuple[int, int]]:
    return [(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)]


# Half-hour boundaries make intervals meet the 02:00–03:00 clock changes often.
day_intervals = st.lists(st.integers(0, 48).map(lambda n: n * 30), unique=True, max_size=6).map(
    lambda points: _pair_up(sorted(points))
)


@st.composite
def calendar_specs(draw: st.DrawFn, around: date) -> CalendarSpec:
    nearby = st.integers(-6, 6).map(lambda days: around + timedelta(days=days))
    effective_dates = draw(st.lists(nearby, min_size=1, max_size=3, unique=True))
    versions = [
        (
            effective,
            draw(st.dictionaries(st.integers(0, 6), day_intervals, max_size=7)),
            draw(st.sets(nearby, max_size=3)),
        )
        for effective in effective_dates
    ]
    return CalendarSpec(draw(st.sampled_from(TIMEZONES)), versions)


@st.composite
def calendars_and_spans(draw: st.DrawFn, max_minutes: int) -> tuple[CalendarSpec, int, int]:
    anchor = draw(st.sampled_from(ANCHORS))
    spec = draw(calendar_specs(anchor))
    origin = int(datetime.combine(anchor - timedelta(days=4), time(), UTC).timestamp())
    start = origin + draw(st.integers(0, 8 * 1440)) * MINUTE
    return spec, start, start + draw(st.integers(0, max_minutes)) * MINUTE


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@settings(max_examples=150, deadline=None)
@given(calendars_and_spans(max_minutes=3 * 1440))
def test_business_seconds_match_a_minute_by_minute_count(
    case: tuple[CalendarSpec, int, int],
) -> None:
    spec, start, end = case
    assert spec.build().business_seconds(utc(start), utc(end)) == minute_by_minute(spec, start, end)


@settings(max_examples=150, deadline=None)
@given(calendars_and_spans(max_minutes=3 * 1440))
def test_is_open_matches_the_reference_at_every_sampled_minute(
    case: tuple[CalendarSpec, int, int],
) -> None:
    spec, start, _ = case
    cal = spec.build()
    for moment in range(start, start + 6 * HOUR, 17 * MINUTE):
        assert cal.is_open(utc(moment)) == (minute_by_minute(spec, moment, moment + MINUTE) > 0)


@settings(max_examples=100, deadline=None)
@given(calendars_and_spans(max_minutes=400 * 1440))
def test_long_spans_match_a_day_by_day_sum(case: tuple[CalendarSpec, int, int]) -> None:
    spec, start, end = case
    assert spec.build().business_seconds(utc(start), utc(end)) == day_by_day(spec, start, end)


@settings(max_examples=200, deadline=None)
@given(
    calendar_specs(date(2026, 3, 29)),
    st.lists(st.integers(0, 500 * 86_400), min_size=3, max_size=3).map(sorted),
)
def test_business_seconds_are_additive(spec: CalendarSpec, offsets: list[int]) -> None:
    cal, origin = spec.build(), datetime(2026, 1, 1, tzinfo=UTC)
    a, b, c = (origin + timedelta(seconds=offset) for offset in offsets)
    assert cal.business_seconds(a, c) == cal.business_seconds(a, b) + cal.business_seconds(b, c)
