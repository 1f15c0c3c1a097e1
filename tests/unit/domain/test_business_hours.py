"""Business hours: real seconds inside a tenant's opening hours (SPEC §2, §4)."""

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.business_hours import BusinessCalendar, Interval, WeeklySchedule

HOUR = 3600
NINE_TO_FIVE = (Interval(time(9), time(17)),)
WORKWEEK = {weekday: NINE_TO_FIVE for weekday in range(5)}
EVERY_DAY = range(7)


def calendar(
    weekly: Mapping[int, tuple[Interval, ...]],
    *,
    holidays: tuple[date, ...] = (),
    timezone: str = "Europe/Berlin",
    effective: date = date(2020, 1, 1),
) -> BusinessCalendar:
    schedule = WeeklySchedule(intervals=weekly, holidays=frozenset(holidays))
    return BusinessCalendar(timezone=timezone, versions=((effective, schedule),))


def berlin(*args: int) -> datetime:
    """A Berlin wall time from (year, month, day, hour, minute, second, microsecond)."""
    return datetime(*args).replace(tzinfo=ZoneInfo("Europe/Berlin"))  # type: ignore[arg-type]


def whole_local_day(cal: BusinessCalendar, day: date) -> float:
    zone = ZoneInfo(cal.timezone)
    start = datetime.combine(day, time(), zone)
    return cal.business_seconds(start, datetime.combine(day + timedelta(days=1), time(), zone))


# 2026-03-02 is a Monday; Berlin springs forward on Sunday 2026-03-29.


def test_a_span_inside_one_interval_counts_in_full() -> None:
    assert (
        calendar(WORKWEEK).business_seconds(berlin(2026, 3, 2, 10), berlin(2026, 3, 2, 11, 30))
        == 5400
    )


def test_only_the_overlap_with_an_interval_counts() -> None:
    cal = calendar(WORKWEEK)
    assert cal.business_seconds(berlin(2026, 3, 2, 8), berlin(2026, 3, 2, 10)) == HOUR
    assert cal.business_seconds(berlin(2026, 3, 2, 16), berlin(2026, 3, 2, 19)) == HOUR


def test_a_span_outside_business_hours_counts_nothing() -> None:
    assert calendar(WORKWEEK).business_seconds(berlin(2026, 3, 2, 18), berlin(2026, 3, 3, 8)) == 0


def test_split_shifts_skip_the_break() -> None:
    cal = calendar({0: (Interval(time(9), time(12)), Interval(time(13), time(17, 30)))})
    assert cal.business_seconds(berlin(2026, 3, 2, 11), berlin(2026, 3, 2, 14)) == 2 * HOUR
    assert whole_local_day(cal, date(2026, 3, 2)) == 7.5 * HOUR


def test_a_span_across_a_night_counts_both_days() -> None:
    assert (
        calendar(WORKWEEK).business_seconds(berlin(2026, 3, 2, 16), berlin(2026, 3, 3, 10))
        == 2 * HOUR
    )


def test_a_span_across_a_weekend_skips_the_closed_days() -> None:
    assert (
        calendar(WORKWEEK).business_seconds(berlin(2026, 3, 6, 16), berlin(2026, 3, 9, 10))
        == 2 * HOUR
    )


def test_four_weeks_sum_every_open_day() -> None:
    assert (
        calendar(WORKWEEK).business_seconds(berlin(2026, 3, 2), berlin(2026, 3, 30))
        == 20 * 8 * HOUR
    )


def test_a_holiday_has_no_business_time() -> None:
    cal = calendar(WORKWEEK, holidays=(date(2026, 3, 2),))
    assert cal.business_seconds(berlin(2026, 3, 2), berlin(2026, 3, 3, 12)) == 3 * HOUR


def test_an_interval_may_run_until_midnight() -> None:
    cal = calendar({weekday: (Interval(time(18), None),) for weekday in EVERY_DAY})
    assert cal.business_seconds(berlin(2026, 3, 2, 20), berlin(2026, 3, 3, 2)) == 4 * HOUR


def test_adjacent_intervals_are_allowed_and_both_count() -> None:
    cal = calendar({0: (Interval(time(9), time(12)), Interval(time(12), time(13)))})
    assert whole_local_day(cal, date(2026, 3, 2)) == 4 * HOUR


CLOCK_CHANGES = [
    pytest.param("Europe/Berlin", date(2026, 3, 29), -1, id="Berlin spring forward"),
    pytest.param("Europe/Berlin", date(2026, 10, 25), +1, id="Berlin fall back"),
    pytest.param("America/New_York", date(2026, 3, 8), -1, id="New York spring forward"),
    pytest.param("America/New_York", date(2026, 11, 1), +1, id="New York fall back"),
]


@pytest.mark.parametrize(("timezone", "day", "change"), CLOCK_CHANGES)
def test_a_night_interval_lasts_the_real_time_elapsed(
    timezone: str, day: date, change: int
) -> None:
    cal = calendar({wd: (Interval(time(0), time(6)),) for wd in EVERY_DAY}, timezone=timezone)
    assert whole_local_day(cal, day) == (6 + change) * HOUR


@pytest.mark.parametrize(("timezone", "day", "change"), CLOCK_CHANGES)
def test_office_hours_last_eight_hours_on_clock_change_days(
    timezone: str, day: date, change: int
) -> None:
    cal = calendar({wd: NINE_TO_FIVE for wd in EVERY_DAY}, timezone=timezone)
    assert whole_local_day(cal, day) == 8 * HOUR


@pytest.mark.parametrize(("timezone", "day", "change"), CLOCK_CHANGES)
def test_a_whole_day_interval_follows_the_length_of_the_day(
    timezone: str, day: date, change: int
) -> None:
    cal = calendar({wd: (Interval(time(0), None),) for wd in EVERY_DAY}, timezone=timezone)
    assert whole_local_day(cal, day) == (24 + change) * HOUR


def test_an_interval_starting_in_the_spring_forward_gap_opens_when_the_clock_jumps() -> None:
    cal = calendar({6: (Interval(time(2, 30), time(4)),)})
    assert whole_local_day(cal, date(2026, 3, 29)) == HOUR
    assert cal.is_open(berlin(2026, 3, 29, 3))


def test_an_interval_wholly_inside_the_spring_forward_gap_never_happens() -> None:
    cal = calendar({6: (Interval(time(2, 15), time(2, 45)),)})
    assert whole_local_day(cal, date(2026, 3, 29)) == 0
    assert whole_local_day(cal, date(2026, 3, 22)) == 30 * 60


def test_a_repeated_wall_time_means_its_first_occurrence() -> None:
    # 02:30 CEST is 00:30 UTC; 03:30 CET is 02:30 UTC.
    cal = calendar({6: (Interval(time(2, 30), time(3, 30)),)})
    assert whole_local_day(cal, date(2026, 10, 25)) == 2 * HOUR
    assert not cal.is_open(datetime(2026, 10, 25, 0, 29, tzinfo=UTC))
    assert cal.is_open(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))


def test_a_schedule_change_takes_effect_from_its_date() -> None:
    short_days = WeeklySchedule({wd: (Interval(time(10), time(12)),) for wd in range(5)})
    cal = BusinessCalendar(
        timezone="Europe/Berlin",
        versions=((date(2020, 1, 1), WeeklySchedule(WORKWEEK)), (date(2026, 3, 4), short_days)),
    )
    # Monday and Tuesday under the old hours, Wednesday to Friday under the new.
    assert (
        cal.business_seconds(berlin(2026, 3, 2), berlin(2026, 3, 7)) == (8 + 8 + 2 + 2 + 2) * HOUR
    )
    assert cal.schedule_on(date(2026, 3, 3)) == WeeklySchedule(WORKWEEK)
    assert cal.schedule_on(date(2026, 3, 4)) == short_days


def test_there_is_no_business_time_before_the_first_version() -> None:
    cal = calendar(WORKWEEK, effective=date(2026, 3, 4))
    assert cal.business_seconds(berlin(2026, 3, 1), berlin(2026, 3, 5)) == 8 * HOUR
    assert cal.business_seconds(berlin(2019, 1, 1), berlin(2026, 3, 4)) == 0
    assert not cal.is_open(berlin(2026, 3, 3, 10))
    assert cal.schedule_on(date(2026, 3, 3)) is None


def test_an_empty_or_reversed_span_counts_nothing() -> None:
    cal = calendar(WORKWEEK)
    assert cal.business_seconds(berlin(2026, 3, 2, 10), berlin(2026, 3, 2, 10)) == 0
    assert cal.business_seconds(berlin(2026, 3, 2, 12), berlin(2026, 3, 2, 10)) == 0


def test_the_timezone_of_the_arguments_does_not_matter() -> None:
    cal = calendar(WORKWEEK)
    start, end = berlin(2026, 3, 2, 10), berlin(2026, 3, 4, 15, 45)
    tokyo = ZoneInfo("Asia/Tokyo")
    expected = cal.business_seconds(start, end)
    assert cal.business_seconds(start.astimezone(UTC), end.astimezone(tokyo)) == expected


@pytest.mark.parametrize(
    ("timezone", "interval", "moment"),
    [
        # Local evening falls on the next UTC date west of UTC...
        ("America/New_York", Interval(time(20), None), datetime(2026, 3, 3, 2, tzinfo=UTC)),
        # ...and local early morning on the previous UTC date east of it.
        ("Asia/Tokyo", Interval(time(0), time(9)), datetime(2026, 3, 2, 20, tzinfo=UTC)),
    ],
)
def test_local_days_are_found_across_the_utc_date_line(
    timezone: str, interval: Interval, moment: datetime
) -> None:
    cal = calendar({0: (interval,), 1: (interval,)}, timezone=timezone)
    assert cal.is_open(moment)
    assert cal.business_seconds(moment, moment + timedelta(minutes=30)) == 30 * 60


def test_fractions_of_a_second_count() -> None:
    start = berlin(2026, 3, 2, 8, 59, 59, 500_000)
    assert calendar(WORKWEEK).business_seconds(start, berlin(2026, 3, 2, 9, 0, 1, 250_000)) == 1.25


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar(WORKWEEK).business_seconds(datetime(2026, 3, 2, 9), berlin(2026, 3, 2, 10))
    with pytest.raises(ValueError, match="aware"):
        calendar(WORKWEEK).is_open(datetime(2026, 3, 2, 9))


def test_there_is_no_business_time_from_the_year_2100() -> None:
    cal = calendar({wd: (Interval(time(0), None),) for wd in EVERY_DAY}, timezone="UTC")
    assert (
        cal.business_seconds(datetime(2099, 12, 31, tzinfo=UTC), datetime.max.replace(tzinfo=UTC))
        == 86_400
    )
    assert not cal.is_open(datetime(2150, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (berlin(2026, 3, 2, 9), True),
        (berlin(2026, 3, 2, 11, 59, 59), True),
        (berlin(2026, 3, 2, 12), False),
        (berlin(2026, 3, 2, 12, 30), False),
        (berlin(2026, 3, 2, 13), True),
        (berlin(2026, 3, 2, 8, 59, 59), False),
        (berlin(2026, 3, 7, 10), False),
    ],
)
def test_is_open_counts_an_interval_start_but_not_its_end(moment: datetime, expected: bool) -> None:
    cal = calendar(
        {wd: (Interval(time(9), time(12)), Interval(time(13), time(17))) for wd in range(5)}
    )
    assert cal.is_open(moment) is expected


def test_is_open_is_false_on_a_holiday() -> None:
    assert not calendar(WORKWEEK, holidays=(date(2026, 3, 2),)).is_open(berlin(2026, 3, 2, 10))


# -- JSON --

EXAMPLE_JSON = {
    "timezone": "Europe/Berlin",
    "versions": [
        {
            "effective_from": "2026-01-01",
            "weekly": {
                "mon": [["09:00", "12:00"], ["13:00", "17:30"]],
                "fri": [["09:00", "15:00"]],
                "sat": [["22:00:30", "24:00"]],
            },
            "holidays": ["2026-05-01", "2026-12-25"],
        },
        {"effective_from": "2027-01-01", "weekly": {"tue": [["08:00", "16:00"]]}, "holidays": []},
    ],
}


def test_the_json_form_round_trips() -> None:
    cal = BusinessCalendar.from_json(EXAMPLE_JSON)
    stored = json.loads(json.dumps(cal.to_json()))
    assert stored == EXAMPLE_JSON
    assert BusinessCalendar.from_json(stored) == cal


def test_the_json_form_reads_into_the_model() -> None:
    cal = BusinessCalendar.from_json(EXAMPLE_JSON)
    first = cal.versions[0][1]
    assert cal.versions[0][0] == date(2026, 1, 1)
    assert first.intervals[0] == (Interval(time(9), time(12)), Interval(time(13), time(17, 30)))
    assert first.intervals[5] == (Interval(time(22, 0, 30), None),)
    assert date(2026, 12, 25) in first.holidays


def test_holidays_may_be_omitted_from_json() -> None:
    data = {"timezone": "UTC", "versions": [{"effective_from": "2026-01-01", "weekly": {}}]}
    assert BusinessCalendar.from_json(data).versions[0][1].holidays == frozenset()


def _with_version(**changes: object) -> dict[str, object]:
    version = {"effective_from": "2026-01-01", "weekly": {"mon": [["09:00", "17:00"]]}} | changes
    return {"timezone": "Europe/Berlin", "versions": [version]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be a JSON object"),
        ({"versions": []}, "missing 'timezone'"),
        ({"timezone": "UTC", "versions": [], "tz": "x"}, "unknown 'tz'"),
        ({"timezone": "Mars/Olympus", "versions": []}, "unknown timezone"),
        ({"timezone": 1, "versions": []}, "'timezone' must be a string"),
        ({"timezone": "UTC", "versions": {}}, "must be a JSON list"),
        (_with_version(weekly={"funday": []}), "unknown weekday 'funday'"),
        (_with_version(weekly={"mon": [["9:00", "17:00"]]}), "invalid time '9:00'"),
        (_with_version(weekly={"mon": [["09:00", "12:60"]]}), "invalid time '12:60'"),
        (_with_version(weekly={"mon": [["24:00", "24:00"]]}), "24:00 can only end"),
        (_with_version(weekly={"mon": [["09:00"]]}), "pair"),
        (_with_version(weekly={"mon": [["12:00", "09:00"]]}), "must start before it ends"),
        (_with_version(effective_from="2026-1-1"), "invalid date"),
        (_with_version(holidays=["2026-02-30"]), "invalid date"),
        (_with_version(holiday=["2026-12-25"]), "unknown 'holiday'"),
    ],
)
def test_from_json_rejects_malformed_data_with_a_clear_message(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_json(data)


def test_a_json_error_names_the_version_it_is_in() -> None:
    good = {"effective_from": "2026-01-01", "weekly": {}}
    bad = {"effective_from": "2027-01-01", "weekly": {"mon": [["09:00", "25:00"]]}}
    with pytest.raises(ValueError, match=r"versions\[1\]: invalid time '25:00'"):
        BusinessCalendar.from_json({"timezone": "UTC", "versions": [good, bad]})


# -- validation --


@pytest.mark.parametrize(
    ("start", "end"), [(time(17), time(9)), (time(9), time(9)), (time(9), time(0))]
)
def test_an_interval_must_start_before_it_ends(start: time, end: time) -> None:
    with pytest.raises(ValueError, match="must start before it ends"):
        Interval(start, end)


def test_an_interval_ending_at_midnight_is_told_to_write_24_00() -> None:
    with pytest.raises(ValueError, match="24:00"):
        Interval(time(9), time(0))


def test_interval_times_must_be_naive_whole_seconds() -> None:
    with pytest.raises(ValueError, match="naive"):
        Interval(time(9, tzinfo=UTC), time(17))
    with pytest.raises(ValueError, match="whole seconds"):
        Interval(time(9), time(17, 0, 0, 1))


@pytest.mark.parametrize(
    "day",
    [
        (Interval(time(9), time(12)), Interval(time(11), time(13))),
        (Interval(time(10), time(11)), Interval(time(9), None)),
        (Interval(time(9), time(12)), Interval(time(9), time(12))),
    ],
)
def test_intervals_on_one_day_must_not_overlap(day: tuple[Interval, ...]) -> None:
    with pytest.raises(ValueError, match="intervals on Tuesday overlap"):
        WeeklySchedule({1: day})


@pytest.mark.parametrize("weekday", [7, -1])
def test_weekdays_run_from_0_monday_to_6_sunday(weekday: int) -> None:
    with pytest.raises(ValueError, match="unknown weekday"):
        WeeklySchedule({weekday: NINE_TO_FIVE})


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "", "../etc/passwd", "CEST"])
def test_an_unknown_timezone_is_rejected(timezone: str) -> None:
    with pytest.raises(ValueError, match="unknown timezone"):
        calendar(WORKWEEK, timezone=timezone)


def test_two_versions_cannot_take_effect_on_the_same_date() -> None:
    schedule = WeeklySchedule(WORKWEEK)
    with pytest.raises(ValueError, match="same date"):
        BusinessCalendar("UTC", ((date(2026, 1, 1), schedule), (date(2026, 1, 1), schedule)))


def test_versions_and_holidays_must_hold_plain_dates() -> None:
    noon = datetime(2026, 1, 1, 12, tzinfo=UTC)
    with pytest.raises(ValueError, match="effective date"):
        BusinessCalendar("UTC", ((noon, WeeklySchedule(WORKWEEK)),))
    with pytest.raises(ValueError, match="holidays must be dates"):
        WeeklySchedule(WORKWEEK, frozenset({noon}))


def test_versions_are_kept_in_date_order() -> None:
    old, new = WeeklySchedule(WORKWEEK), WeeklySchedule({})
    cal = BusinessCalendar("UTC", ((date(2026, 6, 1), new), (date(2026, 1, 1), old)))
    assert cal.versions == ((date(2026, 1, 1), old), (date(2026, 6, 1), new))


def test_equal_schedules_compare_and_hash_equal() -> None:
    a = WeeklySchedule({0: NINE_TO_FIVE, 6: ()}, frozenset({date(2026, 1, 1)}))
    b = WeeklySchedule({0: NINE_TO_FIVE}, frozenset({date(2026, 1, 1)}))
    assert a == b
    assert hash(a) == hash(b)
