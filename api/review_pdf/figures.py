"""How the PDF writes numbers, periods and moments: in the unit of each metric, so a reader
sees "2 h 05 min" and "93.5%", not seconds and ratios."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.guardrails import GUARDRAILS
from domain.metrics import BY_KEY, Basis
from domain.performance_reviews.cycles import Cadence, ReviewPeriod
from domain.periods import Grain, Period

NONE = "–"  # a figure the period does not have (no sample, not scored)
MINUTE, HOUR, DAY = 60, 3600, 86400


def number(value: float | None, digits: int = 1) -> str:
    return NONE if value is None else f"{value:,.{digits}f}"


def percent(value: float | None, digits: int = 1) -> str:
    return NONE if value is None else f"{value * 100:.{digits}f}%"


def count(value: float | None) -> str:
    """A count, or a median of counts (which may fall between two)."""
    if value is None:
        return NONE
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def duration(seconds: float | None, *, precise: bool = False) -> str:
    """Two units, the larger first ("1 h 05 min"); `precise`: down to the second."""
    if seconds is None:
        return NONE
    s = round(seconds)
    if s < MINUTE:
        return f"{s} s"
    if s < HOUR:
        return f"{s // MINUTE} min {s % MINUTE:02d} s"
    rest = f" {s % MINUTE:02d} s" if precise else ""
    if s < DAY:
        return f"{s // HOUR} h {(s % HOUR) // MINUTE:02d} min{rest}"
    minutes = f" {(s % HOUR) // MINUTE:02d} min" if precise else ""
    return f"{s // DAY} d {(s % DAY) // HOUR:02d} h{minutes}{rest}"


def metric_value(key: str, value: float | None, *, precise: bool = False) -> str:
    """A metric's value in its unit (counts whole, rates as percentages); `precise` when
    two values that differ must not read the same."""
    definition = BY_KEY.get(key)
    if definition is None:
        return number(value, 2)
    if definition.unit == "seconds":  # durations, and means of them (handle time)
        return duration(value, precise=precise)
    if definition.is_rate:
        return percent(value, 2 if precise else 1)
    if definition.is_count:
        return count(value)
    return number(value, 4 if precise else 2)


def metric_label(key: str, basis: Basis) -> str:
    definition = BY_KEY.get(key)
    label = definition.label if definition else key
    return f"{label} (business hours)" if basis is Basis.BUSINESS else label


def guardrail_label(key: str) -> str:
    return next((g.label for g in GUARDRAILS if g.key == key), key)


def period_label(period: Period) -> str:
    """A scored period as a person says it: "Mar 2026", "Q1 2026", "week of 2 Mar 2026"."""
    start = period.start
    if period.grain is Grain.MONTH:
        return start.strftime("%b %Y")
    if period.grain is Grain.QUARTER:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if period.grain is Grain.WEEK:
        return f"wk {start.day} {start.strftime('%b %Y')}"
    return f"{start.day} {start.strftime('%b %Y')}"


def review_period_label(period: ReviewPeriod) -> str:
    """The review's period, and its dates (end exclusive, so the last day is shown)."""
    last = date.fromordinal(period.end.toordinal() - 1)
    dates = f"{_day(period.start)} – {_day(last)}"
    if period.cadence is Cadence.ANNUAL:
        return f"{period.start.year} ({dates})"
    return f"{period_label(period.grain_periods()[0])} ({dates})"


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def moment(at: datetime, timezone: str) -> str:
    """A moment on the tenant's clock, its zone named ("2026-04-02 11:30 CEST")."""
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")
