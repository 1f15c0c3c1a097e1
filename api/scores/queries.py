"""agentScores, teamScores, tenantMetrics (SPEC §6)."""

from __future__ import annotations

import strawberry

from api import pagination
from api.context import Info
from api.narrowing import EmptyNarrowingError, narrowing
from api.pagination import DEFAULT_FIRST, MAX_FIRST, Connection, bad_input, page_size
from api.people.types import Agent, Team
from api.permissions import requires
from api.scores import connection, reads
from api.scores.reads import AgentRow
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
        p = read_period(period)
        team = _team_id(team_id)
        rows = await info.context.read(lambda r: reads.agent_scores(r, p, team_id=team))
        return [_agent_score(row) for row in rows]

    @strawberry.field(
        extensions=requires(Scope.READ),
        description=f"`agentScores` paged, in its order (best total first, no total last, "
        f"then by name and id); `first` at most {MAX_FIRST}, `after` an endCursor.",
    )
    async def agent_scores_connection(
        self,
        info: Info,
        period: PeriodInput,
        team_id: strawberry.ID | None = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[AgentScore]:
        p = read_period(period)
        team = _team_id(team_id)
        size = page_size(first, DEFAULT_FIRST)
        position = connection.decode_cursor(after) if after is not None else None
        rows = await info.context.read(
            lambda r: connection.past(reads.agent_scores(r, p, team_id=team), position, size + 1)
        )
        return pagination.connection(
            rows,
            size,
            cursor=connection.encode_cursor,
            node=_agent_score,
            counter=lambda r: r.agent_count(team_id=team, active=True),
        )

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


def _team_id(team_id: strawberry.ID | None) -> str | None:
    try:
        return narrowing(team_id, "teamId", "agent")
    except EmptyNarrowingError as exc:
        raise bad_input(str(exc), "teamId") from None


def _agent_score(row: AgentRow) -> AgentScore:
    agent, fields = row
    return AgentScore(agent=Agent.of(agent), **fields)  # type: ignore[arg-type]
