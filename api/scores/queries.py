"""agentScores, teamScores, tenantMetrics (SPEC §6)."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.people.types import Agent, Team
from api.permissions import requires
from api.scores.types import (
    AgentScore,
    MetricDefinitionType,
    PeriodInput,
    TeamScore,
    TenantScore,
    scored_fields,
)
from domain import metrics as m
from domain.auth import Scope
from domain.metrics import Level
from domain.periods import Period, normalise
from domain.values import with_nulls


def _period(period: PeriodInput) -> Period:
    return normalise(period.grain, period.start)


@strawberry.type
class ScoresQuery:
    @strawberry.field(
        extensions=requires(Scope.READ),
        description="The metric dictionary: every metric and how it is measured.",
    )
    def metrics(self) -> list[MetricDefinitionType]:
        return [MetricDefinitionType.of(d) for d in m.DEFINITIONS]

    @strawberry.field(
        extensions=requires(Scope.READ),
        description="Every active agent's metrics and score in the period; "
        "agents without data have null values.",
    )
    async def agent_scores(
        self, info: Info, period: PeriodInput, team_id: strawberry.ID | None = None
    ) -> list[AgentScore]:
        p = _period(period)
        agents, snapshots = await info.context.read(
            lambda r: (r.agents(team_id=team_id, active=True), r.snapshots(Level.AGENT, p))
        )
        empty = with_nulls({}, level=Level.AGENT)
        scores = [
            AgentScore(agent=Agent.of(a), **scored_fields(p, snapshots.get(a.id), empty))  # type: ignore[arg-type]
            for a in agents
        ]
        return sorted(scores, key=lambda s: (s.total is None, -(s.total or 0), s.agent.name))

    @strawberry.field(extensions=requires(Scope.READ))
    async def team_scores(self, info: Info, period: PeriodInput) -> list[TeamScore]:
        p = _period(period)
        teams, snapshots = await info.context.read(
            lambda r: (r.teams(), r.snapshots(Level.TEAM, p))
        )
        empty = with_nulls({}, level=Level.TEAM)
        return [
            TeamScore(team=Team.of(t), **scored_fields(p, snapshots.get(t.id), empty))  # type: ignore[arg-type]
            for t in teams
        ]

    @strawberry.field(extensions=requires(Scope.READ))
    async def tenant_metrics(self, info: Info, period: PeriodInput) -> TenantScore:
        p = _period(period)
        tenant_id = info.context.principal.tenant_id
        snapshots = await info.context.read(lambda r: r.snapshots(Level.TENANT, p, [tenant_id]))
        empty = with_nulls({}, level=Level.TENANT)
        return TenantScore(**scored_fields(p, snapshots.get(tenant_id), empty))  # type: ignore[arg-type]
