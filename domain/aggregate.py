"""In-memory aggregation of samples: the reference the SQL repository must match.

Production aggregates in SQL (infra); unit tests and small previews use this.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from domain.memberships import TeamHistory
from domain.metrics import Basis, Level
from domain.periods import Period, local_day, period_start
from domain.samples import Sample
from domain.values import Aggregate, StreamKey


@dataclass(frozen=True, slots=True)
class Located:
    """A sample with the ticket it came from (for distinct-ticket counts)."""

    ticket: str
    sample: Sample


def aggregate_samples(
    located: Iterable[Located],
    *,
    timezone: str,
    period: Period,
    level: Level,
    team_of_agent: Mapping[str, str | None] | TeamHistory | None = None,
) -> dict[str, dict[StreamKey, Aggregate]]:
    """subject → stream → Aggregate, for the samples dated inside `period`; an agent's
    team is a fixed mapping, or its team on the sample's local day (a TeamHistory)."""
    subject = _subject_function(level, team_of_agent or {}, timezone)
    values: dict[str, dict[StreamKey, list[float]]] = defaultdict(lambda: defaultdict(list))
    tickets: dict[str, dict[StreamKey, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in located:
        s = item.sample
        if period_start(period.grain, local_day(s.at, timezone)) != period.start:
            continue
        who = subject(s)
        if who is None:
            continue
        values[who][(s.metric, Basis.CALENDAR)].append(s.value)
        tickets[who][(s.metric, Basis.CALENDAR)].append(item.ticket)
        if s.business is not None:
            values[who][(s.metric, Basis.BUSINESS)].append(s.business)
    return {
        who: {key: Aggregate.of(vals, tickets[who].get(key, ())) for key, vals in streams.items()}
        for who, streams in values.items()
    }


def _subject_function(
    level: Level, team_of_agent: Mapping[str, str | None] | TeamHistory, timezone: str
) -> Callable[[Sample], str | None]:
    if level is Level.AGENT:
        return lambda s: s.agent
    if level is Level.TEAM:
        # The ticket's team at the time, else the attributed agent's team then (SPEC §4).
        if isinstance(team_of_agent, TeamHistory):
            history = team_of_agent
            return lambda s: (
                s.team or (history.team_on(s.agent, local_day(s.at, timezone)) if s.agent else None)
            )
        teams = team_of_agent
        return lambda s: s.team or (teams.get(s.agent) if s.agent else None)
    return lambda s: "tenant"
