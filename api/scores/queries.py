"""agentScores, teamScores, tenantMetrics (SPEC §6)."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from api.context import Info
from api.people.types import Agent, Team
from api.permissions import requires
from api.scores import reads
from api.scores.types import (
    AgentScore,
    MetricDefinitionType,
    PeriodInput,
    TeamScore,
    TenantScore,
    read_period,
)
from domain import metrics as m
from domain.auth import Scope


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
        if team_id == "":  # as the CSV export: a mistake, not "every team" nor "no team"
            raise GraphQLError(
                "teamId must not be empty; leave it out for every agent",
                extensions={"code": "BAD_USER_INPUT", "field": "teamId"},
            )
        p = read_period(period)
        rows = await info.context.read(lambda r: reads.agent_scores(r, p, team_id=team_id))
        return [AgentScore(agent=Agent.of(a), **fields) for a, fields in rows]  # type: ignore[arg-type]

    @strawberry.field(extensions=requires(Scope.READ))
    async def team_scores(self, info: Info, period: PeriodInput) -> list[TeamScore]:
        p = read_period(period)
        rows = await info.context.read(lambda r: reads.team_scores(r, p))
        return [TeamScore(team=Team.of(t), **fields) for t, fields in rows]  # type: ignore[arg-type]

    @strawberry.field(extensions=requires(Scope.READ))
    async def tenant_metrics(self, info: Info, period: PeriodInput) -> TenantScore:
        p = read_period(period)
        tenant_id = info.context.principal.tenant_id
        fields = await info.context.read(lambda r: reads.tenant_metrics(r, p, tenant_id=tenant_id))
        return TenantScore(**fields)  # type: ignore[arg-type]
