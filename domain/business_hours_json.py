"""The JSON form of a `BusinessCalendar`, as stored in the tenant's settings::

    {"timezone": "Europe/Berlin",
     "versions": [{"effective_from": "2026-01-01",
                   "weekly": {"mon": [["09:00", "12:00"], ["13:00", "17:30"]],
                              "sat": [["10:00", "24:00"]]},
                   "holidays": ["2026-12-25"]}]}

Weekday keys are mon..sun (a missing day is closed); times are "HH:MM" or "HH:MM:SS" and an
interval end may be "24:00" (end of day); dates are "YYYY-MM-DD"; "holidays" may be omitted.
Use it through `BusinessCalendar.from_json` / `BusinessCalendar.to_json`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import date, time
from typing import Final

from domain.business_hours import (
    WEEKDAYS,
    BusinessCalendar,
    Interval,
    WeeklySchedule,
    format_clock,
)

_CLOCK: Final = re.compile(r"([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def calendar_from_json(data: object) -> BusinessCalendar:
    """Parse the JSON form (module doc); raises ValueError saying what is wrong."""
    root = _expect_object(data, "business hours", required={"timezone", "versions"}, optional=set())
    timezone = root["timezone"]
    if not isinstance(timezone, str):
        raise ValueError("business hours: 'timezone' must be a string")
    versions = _expect_list(root["versions"], "business hours: 'versions'")
    return BusinessCalendar(
        timezone=timezone, versions=tuple(map(_version_from_json, enumerate(versions)))
    )


def calendar_to_json(calendar: BusinessCalendar) -> dict[str, object]:
    """The JSON form (module doc): plain dicts, lists and strings."""
    return {
        "timezone": calendar.timezone,
        "versions": [_version_to_json(day, schedule) for day, schedule in calendar.versions],
    }


def _version_from_json(numbered: tuple[int, object]) -> tuple[date, WeeklySchedule]:
    number, data = numbered
    try:
        version = _expect_object(
            data, "version", required={"effective_from", "weekly"}, optional={"holidays"}
        )
        holidays = _expect_list(version.get("holidays", []), "holidays")
        return _parse_date(version["effective_from"], "effective_from"), WeeklySchedule(
            intervals=_weekly_from_json(version["weekly"]),
            holidays=frozenset(_parse_date(day, "holidays") for day in holidays),
        )
    except ValueError as error:  # say which version, for an admin editing several
        raise ValueError(f"versions[{number}]: {error}") from None


def _weekly_from_json(data: object) -> dict[int, tuple[Interval, ...]]:
    weekly = _expect_object(data, "weekly")
    for name in weekly:
        if name not in WEEKDAYS:
            raise ValueError(f"unknown weekday {name!r}; expected one of {', '.join(WEEKDAYS)}")
    return {
        WEEKDAYS.index(name): tuple(map(_interval_from_json, _expect_list(day, name)))
        for name, day in weekly.items()
    }


def _version_to_json(effective: date, schedule: WeeklySchedule) -> dict[str, object]:
    return {
        "effective_from": effective.isoformat(),
        "weekly": {
            WEEKDAYS[weekday]: [[format_clock(i.start), format_clock(i.end)] for i in day]
            for weekday, day in schedule.intervals.items()
        },
        "holidays": sorted(day.isoformat() for day in schedule.holidays),
    }


def _interval_from_json(pair: object) -> Interval:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise ValueError(f'an interval must be a ["HH:MM", "HH:MM"] pair, got {pair!r}')
    start = _parse_clock(pair[0])
    if start is None:
        raise ValueError("24:00 can only end an interval")
    return Interval(start=start, end=_parse_clock(pair[1]))


def _parse_clock(text: object) -> time | None:
    """'HH:MM' or 'HH:MM:SS' as a time; '24:00' as None (the end of the day)."""
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"invalid time {text!r}; expected 'HH:MM' or 'HH:MM:SS'")
    hour, minute, second = (int(part or 0) for part in match.groups())
    if (hour, minute, second) == (24, 0, 0):
        return None
    try:
        return time(hour, minute, second)
    except ValueError:
        raise ValueError(f"invalid time {text!r}") from None


def _parse_date(text: object, where: str) -> date:
    if isinstance(text, str) and _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"{where}: invalid date {text!r}; expected 'YYYY-MM-DD'")


def _expect_object(
    data: object,
    where: str,
    *,
    required: AbstractSet[str] = frozenset(),
    optional: AbstractSet[str] | None = None,
) -> Mapping[str, object]:
    """A JSON object with the required keys and, if `optional` is given, no others."""
    if not isinstance(data, Mapping) or not all(isinstance(key, str) for key in data):
        raise ValueError(f"{where} must be a JSON object")
    missing = sorted(required - data.keys())
    unknown = sorted(set(data) - required - optional) if optional is not None else []
    if missing:
        raise ValueError(f"{where}: missing {', '.join(map(repr, missing))}")
    if unknown:
        raise ValueError(f"{where}: unknown {', '.join(map(repr, unknown))}")
    return data


def _expect_list(data: object, where: str) -> list[object]:
    if not isinstance(data, list):
        raise ValueError(f"{where} must be a JSON list")
    return data
