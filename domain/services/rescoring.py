"""Recompute the metric values and scores of the subjects and periods a change touched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from domain.metrics import Level
from domain.periods import Period, periods_of_day
from domain.policy import has_business_hours
from domain.ports import Snapshot, Touch, UnitOfWork
from domain.scoring import score
from domain.values import MetricSet, PeriodContext, metric_values


@dataclass(slots=True)
class Subjects:
    """Agents and teams of one period (None = every one with samples)."""

    agents: set[str] | None = field(default_factory=set)
    teams: set[str] | None = field(default_factory=set)


def plan(touches: Iterable[Touch]) -> dict[Period, Subjects]:
    """Which subjects need new snapshots in which periods (all four grains)."""
    out: dict[Period, Subjects] = defaultdict(Subjects)
    for touch in touches:
        for period in periods_of_day(touch.local_day):
            subjects = out[period]
            if touch.agent_id and subjects.agents is not None:
                subjects.agents.add(touch.agent_id)
            if touch.team_id and subjects.teams is not None:
                subjects.teams.add(touch.team_id)
    return out


def rescore(uow: UnitOfWork, touches: Iterable[Touch]) -> int:
    """Re-aggregate and re-score every touched (subject, period); returns snapshot count."""
    count = 0
    for period, subjects in sorted(plan(touches).items()):
        snapshots = PeriodScorer(uow, period).snapshots(subjects)
        uow.snapshots.save(snapshots)
        count += len(snapshots)
    return count


class PeriodScorer:
    """Aggregates and scores the subjects of one period."""

    def __init__(self, uow: UnitOfWork, period: Period) -> None:
        self.uow = uow
        self.period = period
        self.business = has_business_hours(uow.tenant)

    def snapshots(self, subjects: Subjects) -> list[Snapshot]:
        agents = self.metrics(Level.AGENT, subjects.agents)
        team_of = self.uow.directory.teams_of_agents(agents.keys())
        # Shrinkage leans an agent's rate towards their own team's rate: score teams
        # the agents belong to even when only their agents were touched.
        wanted_teams = (
            None if subjects.teams is None else subjects.teams | {t for t in team_of.values() if t}
        )
        teams = self.metrics(Level.TEAM, wanted_teams)
        out = [
            self.snapshot(Level.TEAM, team_id, values, team=team_id)
            for team_id, values in teams.items()
            if subjects.teams is None or team_id in subjects.teams
        ]
        for agent_id, values in agents.items():
            team = team_of.get(agent_id)
            peer = teams.get(team) if team else None
            out.append(self.snapshot(Level.AGENT, agent_id, values, team=team, team_values=peer))
        tenant_id = self.uow.tenant.id
        tenant = self.metrics(Level.TENANT, None).get(tenant_id)
        out.append(self.snapshot(Level.TENANT, tenant_id, tenant or self.empty(Level.TENANT)))
        return out

    def metrics(self, level: Level, subjects: Collection[str] | None) -> dict[str, MetricSet]:
        if subjects is not None and not subjects:
            return {}
        aggregates = self.uow.samples.aggregate(self.period, level, subjects)
        wanted = subjects if subjects is not None else aggregates.keys()
        context = PeriodContext()
        if level is Level.TENANT:
            context = PeriodContext(active_users=self.uow.figures.active_users(self.period))
        return {
            subject: metric_values(
                aggregates.get(subject, {}),
                level=level,
                context=context,
                has_business_hours=self.business,
            )
            for subject in wanted
        }

    def empty(self, level: Level) -> MetricSet:
        return metric_values({}, level=level, has_business_hours=self.business)

    def snapshot(
        self,
        level: Level,
        subject: str,
        values: MetricSet,
        *,
        team: str | None = None,
        team_values: MetricSet | None = None,
    ) -> Snapshot:
        model = self.uow.models.effective(self.period.start, level, team)
        breakdown = score(model, values, team_metrics=team_values)
        return Snapshot(level, subject, self.period, values, breakdown, model.id)
