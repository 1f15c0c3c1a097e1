"""Review cycles (SPEC §7): who is reviewed, by whom, how often, on which rating scale.

A cycle's period is a calendar period in the tenant's timezone. WEEKLY, MONTHLY and
QUARTERLY map to the grains of the same name; ANNUAL has no grain of its own, so an annual
review covers a calendar year and freezes the evidence of its four quarters (the year's
total is the mean of the quarters' totals: see `evidence.year_total`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain import limits
from domain.performance_reviews.errors import PerformanceError
from domain.periods import Grain, Period, local_day, normalise, period_end

MIN_SCALE, MAX_SCALE = 2, 10


class Cadence(StrEnum):
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    QUARTERLY = "QUARTERLY"
    ANNUAL = "ANNUAL"


GRAIN_OF: Mapping[Cadence, Grain] = {
    Cadence.WEEKLY: Grain.WEEK,
    Cadence.MONTHLY: Grain.MONTH,
    Cadence.QUARTERLY: Grain.QUARTER,
    Cadence.ANNUAL: Grain.QUARTER,  # an annual review holds its year's four quarters
}


@dataclass(frozen=True, slots=True, order=True)
class ReviewPeriod:
    cadence: Cadence
    start: date

    @property
    def end(self) -> date:
        """The first local day after the period."""
        if self.cadence is Cadence.ANNUAL:
            return date(self.start.year + 1, 1, 1)
        return period_end(GRAIN_OF[self.cadence], self.start)

    @property
    def grain(self) -> Grain:
        return GRAIN_OF[self.cadence]

    def grain_periods(self) -> tuple[Period, ...]:
        """The scored periods the review covers: one, or an annual review's four quarters."""
        out = [Period(self.grain, self.start)]
        while out[-1].end < self.end:
            out.append(Period(self.grain, out[-1].end))
        return tuple(out)


def review_period(cadence: Cadence, day: date) -> ReviewPeriod:
    """The cycle period of `cadence` that contains `day`."""
    if cadence is Cadence.ANNUAL:
        if day.year >= date.max.year:
            raise PerformanceError(f"the year of {day} ends after {date.max}", "periodStart")
        return ReviewPeriod(cadence, date(day.year, 1, 1))
    try:
        return ReviewPeriod(cadence, normalise(GRAIN_OF[cadence], day).start)
    except ValueError as exc:  # PeriodRangeError
        raise PerformanceError(str(exc), "periodStart") from None


def last_complete_period(cadence: Cadence, now: datetime, timezone: str) -> ReviewPeriod:
    """The period before the one the tenant-local day of `now` is in (the cron's period)."""
    current = review_period(cadence, local_day(now, timezone))
    return review_period(cadence, date.fromordinal(current.start.toordinal() - 1))


def check_complete(period: ReviewPeriod, now: datetime, timezone: str) -> None:
    """Refuse a period that has not ended yet, tenant-local: its numbers are still moving."""
    if period.end > local_day(now, timezone):
        raise PerformanceError(
            f"the {period.cadence.value} period from {period.start} has not ended yet "
            f"(it ends on {period.end})",
            "periodStart",
        )


@dataclass(frozen=True, slots=True)
class ReviewCycle:
    """Who is reviewed: the agents in `team_ids` (their team on the period's last day) and
    the agents in `agent_ids`. Who reviews: `team_reviewers[team]` for an agent of that
    team, else `reviewer_id`."""

    id: str
    name: str
    cadence: Cadence
    reviewer_id: str
    rating_scale: tuple[str, ...]  # the overall rating's labels, lowest first
    team_ids: tuple[str, ...] = ()
    agent_ids: tuple[str, ...] = ()
    team_reviewers: tuple[tuple[str, str], ...] = ()  # (team id, reviewer agent id)
    active: bool = True
    created_at: datetime | None = None

    def reviewer_for(self, team_id: str | None) -> str:
        return dict(self.team_reviewers).get(team_id or "", self.reviewer_id)


def check_cycle(cycle: ReviewCycle) -> None:
    """The shape of a definition; that its ids exist is the service's check."""
    if not cycle.name.strip():
        raise PerformanceError("a review cycle needs a name", "name")
    limits.check_length(cycle.name, limit=limits.NAME, field="name", error=PerformanceError)
    if not cycle.team_ids and not cycle.agent_ids:
        raise PerformanceError("a review cycle needs at least one team or agent", "teamIds")
    check_scale(cycle.rating_scale)
    teams = Counter(team for team, _ in cycle.team_reviewers)
    if repeated := sorted(t for t, n in teams.items() if n > 1):
        raise PerformanceError(f"team {repeated[0]!r} has more than one reviewer", "teamReviewers")


def check_scale(labels: tuple[str, ...]) -> None:
    if not MIN_SCALE <= len(labels) <= MAX_SCALE:
        raise PerformanceError(
            f"a rating scale has {MIN_SCALE}–{MAX_SCALE} labels, got {len(labels)}",
            "ratingScale",
        )
    for label in labels:
        if not label.strip():
            raise PerformanceError("a rating label cannot be empty", "ratingScale")
        limits.check_length(label, limit=limits.NAME, field="ratingScale", error=PerformanceError)
    if len(set(labels)) != len(labels):
        raise PerformanceError("rating labels must be unique", "ratingScale")
