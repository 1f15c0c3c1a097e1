"""Queries over the tenant's agents and teams."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.people.types import Agent, AgentMerge, Team, load_agent
from api.permissions import requires
from domain.auth import Scope


@strawberry.type
class PeopleQuery:
    @strawberry.field(extensions=requires(Scope.READ))
    async def agents(
        self, info: Info, team_id: strawberry.ID | None = None, active: bool | None = None
    ) -> list[Agent]:
        views = await info.context.read(lambda r: r.agents(team_id=team_id, active=active))
        return [Agent.of(v) for v in views]

    @strawberry.field(extensions=requires(Scope.READ))
    async def agent(self, info: Info, id: strawberry.ID) -> Agent | None:
        return await load_agent(info, str(id))

    @strawberry.field(extensions=requires(Scope.READ))
    async def teams(self, info: Info) -> list[Team]:
        return [Team.of(v) for v in await info.context.read(lambda r: r.teams())]

    @strawberry.field(
        extensions=requires(Scope.ADMIN),
        description="Agent merges and unmerges, newest first (at most 500).",
    )
    async def agent_merges(self, info: Info, limit: int = 50) -> list[AgentMerge]:
        count = max(1, min(limit, 500))
        views = await info.context.read(lambda r: r.integrations.agent_merges(count))
        return [AgentMerge.of(v) for v in views]
