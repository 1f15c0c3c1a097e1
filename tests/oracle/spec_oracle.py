"""Independent, brute-force reference implementation ("oracle") of SPEC.md §4.

Written only from /work/shared/SPEC.md (sections 3 and 4) and the golden fixture's README;
deliberately simple and slow: every ticket's events are sorted and walked, every metric
loops over everything. Calendar basis only (no business hours), no QA / SLA / contact-ratio
metrics, no Wilson intervals.

Entry point::

    compute(events, timezone="Europe/Berlin", grain="MONTH")
    -> result[level][subject][period_start][metric] = {"value": ..., "sample": ..., ...}

``level`` is ``"agent"``, ``"team"`` or ``"tenant"`` (all three keys are always present, possibly
empty); ``subject`` is the agent id / team id as it appears in the events, or ``"tenant"``;
``period_start`` is the ISO date of the first local day of the calendar period.

Every reading of the spec that is not literally spelled out there is marked ``CHOICE:`` in
the modules beside this one: ``ordering`` (events, de-duplication, same-instant order),
``walk`` (what each ticket contributes), ``periods`` (calendar periods, activity hours) and
``aggregate`` (metric values).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from tests.oracle.aggregate import aggregate, median, p90_nearest_rank, subjects_for
from tests.oracle.ordering import AgentTeams, dedupe, group_tickets
from tests.oracle.periods import hours_by_subject, period_start
from tests.oracle.walk import Obs, ticket_observations

__all__ = ["GRAINS", "compute", "median", "p90_nearest_rank"]

GRAINS = ("DAY", "WEEK", "MONTH", "QUARTER")

# Observations that feed a metric under another name: (bucket name) -> metric whose levels apply.
_LEVELS_OF = {"csat_rated": "csat_response_rate", "assigned": "conversations_per_hour"}


def compute(
    events: list[dict], *, timezone: str, grain: str
) -> dict[str, dict[str, dict[str, dict[str, dict]]]]:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, got {grain!r}")
    tz = ZoneInfo(timezone)
    unique = dedupe(events)
    teams = AgentTeams(unique, tz)

    observations: list[Obs] = []
    for ticket in group_tickets(unique):
        observations.extend(ticket_observations(ticket, teams))

    # bucket[(level, subject, period)][metric] -> list of observations
    bucket: dict[tuple[str, str, dt.date], dict[str, list[Obs]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for obs in observations:
        period = period_start(obs.at, tz, grain)
        for level, subject in subjects_for(obs, _LEVELS_OF.get(obs.metric, obs.metric)):
            bucket[(level, subject, period)][obs.metric].append(obs)

    hours = hours_by_subject(unique, teams, tz, grain)
    for key in hours:  # periods with activity hours but no ticket activity exist too
        bucket.setdefault(key, defaultdict(list))

    result: dict[str, dict[str, dict[str, dict[str, dict]]]] = {
        "agent": {},
        "team": {},
        "tenant": {},
    }
    for (level, subject, period), per_metric in bucket.items():
        metrics = aggregate(level, per_metric, hours.get((level, subject, period), 0.0))
        if metrics:
            result[level].setdefault(subject, {})[period.isoformat()] = metrics
    return result
