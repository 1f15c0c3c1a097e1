"""Calendar periods in the tenant's timezone, and agents' activity hours per period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from tests.oracle.ordering import AgentTeams, parse_time


def period_start(moment: dt.datetime, tz: ZoneInfo, grain: str) -> dt.date:
    """First local day of the calendar period (in the tenant's timezone) containing `moment`."""
    day = moment.astimezone(tz).date()
    if grain == "DAY":
        return day
    if grain == "WEEK":
        return day - dt.timedelta(days=day.weekday())  # ISO week: Monday
    if grain == "MONTH":
        return day.replace(day=1)
    if grain == "QUARTER":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown grain {grain!r}")


def next_period_start(start: dt.date, grain: str) -> dt.date:
    if grain == "DAY":
        return start + dt.timedelta(days=1)
    if grain == "WEEK":
        return start + dt.timedelta(days=7)
    months = 1 if grain == "MONTH" else 3
    month_index = start.month - 1 + months
    return dt.date(start.year + month_index // 12, month_index % 12 + 1, 1)


def local_midnight_utc(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(dt.UTC)


def activity_hours(events: list[dict], tz: ZoneInfo, grain: str) -> dict[str, dict[dt.date, float]]:
    """Hours of agent.activity per agent and period (the part of each interval inside it).

    CHOICE: overlapping/duplicate activity intervals of one agent are merged first (an agent is
    not online twice at once); intervals with a missing or non-positive length are ignored.
    """
    intervals: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for event in events:
        if event["type"] != "agent.activity":
            continue
        if not event.get("started_at") or not event.get("ended_at"):
            continue
        start, end = parse_time(event["started_at"]), parse_time(event["ended_at"])
        if end > start:
            intervals[event["agent_id"]].append((start, end))

    hours: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for agent, spans in intervals.items():
        merged: list[list[dt.datetime]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            period = period_start(start, tz, grain)
            while True:
                p_start = local_midnight_utc(period, tz)
                p_end = local_midnight_utc(next_period_start(period, grain), tz)
                if p_start >= end:
                    break
                overlap = (min(end, p_end) - max(start, p_start)).total_seconds()
                if overlap > 0:
                    hours[agent][period] += overlap / 3600
                period = next_period_start(period, grain)
    return hours


def hours_by_subject(
    events: list[dict], teams: AgentTeams, tz: ZoneInfo, grain: str
) -> dict[tuple[str, str, dt.date], float]:
    """Activity hours per (level, subject, period) for the agent and team levels.

    CHOICE: a team's hours are the hours its agents were online while in that team (each
    local day's hours go to the agent's team of that day), while the team's conversations
    are attributed by the general team rule (ticket's team at assignment time, else the
    assignee's team then); a ticket counts once per team however many of its agents it was
    assigned to.
    """
    hours: dict[tuple[str, str, dt.date], float] = defaultdict(float)
    for agent, per_day in activity_hours(events, tz, "DAY").items():
        for day, value in per_day.items():
            period = period_start(local_midnight_utc(day, tz), tz, grain)
            hours[("agent", agent, period)] += value
            team = teams.on_day(agent, day)
            if team is not None:
                hours[("team", team, period)] += value
    return hours
