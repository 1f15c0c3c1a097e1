"""An agent's team is a history (SPEC §4): past periods keep the team they had.

A *statement* says "from this tenant-local day on, the agent is in this team (or none)":
an `agent.upserted` states its `team_id` from the local day of its `occurred_at` — an
upsert without a team states *no team*, as a profile is the agent's whole profile — and
`updateAgent` states a team from the day an admin picks, made at the time of the change.

The history is a function of the *set* of statements, so events that arrive late, twice
or out of order give the same history: on a day, the statement in force is the one made
last (greatest `(at, ref)`) among those from that day or earlier. For events alone that is
the latest upsert on or before the day; an admin's change, made later than the events it
knew of, overrides them from its day on until a statement made after it. Before the first
statement's day the first day's team applies (an agent that never moved keeps one team
for all its history). An agent without statements has no team.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Statement:
    day: date  # tenant-local day it applies from
    team_id: str | None
    at: datetime  # when it was made: the event's occurred_at, or the admin's change time
    ref: str  # the event id or admin change id: breaks ties of `at`

    def made_after(self, other: Statement) -> bool:
        return self._order() > other._order()

    def _order(self) -> tuple[datetime, str, str]:
        # the team last: a total order, even for one ref stated twice (two sources' ids)
        return (self.at, self.ref, self.team_id or "")


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of days in one team: [start, end); None = unbounded on that side."""

    start: date | None
    end: date | None
    team_id: str | None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class TeamMove:
    """Days [start, end) of an agent whose team changed from `old_team` to `new_team`."""

    agent_id: str
    start: date | None
    end: date | None
    old_team: str | None
    new_team: str | None


def per_day(statements: Iterable[Statement]) -> dict[date, Statement]:
    """Only the statement made last counts among those of one day."""
    out: dict[date, Statement] = {}
    for s in statements:
        kept = out.get(s.day)
        if kept is None or s.made_after(kept):
            out[s.day] = s
    return out


def in_force(statements: Iterable[Statement]) -> list[tuple[Statement, Span]]:
    """The statements in force, each with the days it covers (ordered, disjoint, no gaps).
    A statement that a later-made one from an earlier day overrides covers no day."""
    winners: list[Statement] = []
    for s in sorted(per_day(statements).values(), key=lambda s: s.day):
        if not winners or s.made_after(winners[-1]):
            winners.append(s)
    out = []
    for i, s in enumerate(winners):
        start = None if i == 0 else s.day
        end = winners[i + 1].day if i + 1 < len(winners) else None
        out.append((s, Span(start, end, s.team_id)))
    return out


def spans(statements: Iterable[Statement]) -> list[Span]:
    return [span for _, span in in_force(statements)]


def current_team(statements: Iterable[Statement]) -> str | None:
    """The team from the last statement's day on (None without statements)."""
    found = in_force(statements)
    return found[-1][1].team_id if found else None


def team_on(timeline: Sequence[Span], day: date) -> str | None:
    """The team of `timeline` (ordered spans, as `spans` gives) on `day`."""
    if len(timeline) <= 1:  # most agents never moved: no search by day
        return timeline[0].team_id if timeline else None
    starts = [s.start or date.min for s in timeline]
    return timeline[max(bisect_right(starts, day) - 1, 0)].team_id


def moves(agent_id: str, old: Sequence[Span], new: Sequence[Span]) -> list[TeamMove]:
    """The stretches of days whose team differs between two timelines of one agent."""
    cuts = sorted({s.start for s in [*old, *new] if s.start is not None})
    bounds: list[date | None] = [None, *cuts, None]
    out: list[TeamMove] = []
    for start, end in pairwise(bounds):
        probe = start or date.min  # every timeline's first span reaches back unbounded
        before, after = team_on(old, probe), team_on(new, probe)
        if before == after:
            continue
        last = out[-1] if out else None
        if last and last.end == start and (last.old_team, last.new_team) == (before, after):
            out[-1] = TeamMove(agent_id, last.start, end, before, after)
        else:
            out.append(TeamMove(agent_id, start, end, before, after))
    return out


class TeamHistory:
    """Each agent's timeline: the team on a day, for attribution and peers (SPEC §4)."""

    def __init__(self, timelines: Mapping[str, Sequence[Span]]) -> None:
        self.timelines = dict(timelines)

    @classmethod
    def of(cls, statements: Mapping[str, Iterable[Statement]]) -> TeamHistory:
        return cls({agent: spans(found) for agent, found in statements.items()})

    def team_on(self, agent_id: str, day: date) -> str | None:
        return team_on(self.timelines.get(agent_id, ()), day)

    def on(self, day: date) -> dict[str, str | None]:
        """Every known agent's team on `day`."""
        return {agent: team_on(timeline, day) for agent, timeline in self.timelines.items()}
