"""Queries over the tenant's agents and teams."""

from __future__ import annotations

import strawberry

from api import pagination
from api.context import Info
from api.pagination import DEFAULT_FIRST, MAX_FIRST, Connection, page_size
from api.people.types import Agent, AgentMerge, Team, load_agent
from api.permissions import requires
from domain.auth import Scope
from domain.identities import AgentMergeView
from domain.views import AgentView

AGENTS, AGENT_MERGES = "agents", "agentMerges"  # the lists their cursors name


@strawberry.type
class PeopleQuery:
    @strawberry.field(extensions=requires(Scope.READ), description="By name, then id.")
    async def agents(
        self, info: Info, team_id: strawberry.ID | None = None, active: bool | None = None
    ) -> list[Agent]:
        views = await info.context.read(lambda r: r.agents(team_id=team_id, active=active))
        return [Agent.of(v) for v in views]

    @strawberry.field(
        extensions=requires(Scope.READ),
        description=f"`agents` paged: by name, then id; `first` at most {MAX_FIRST}, "
        "`after` an endCursor.",
    )
    async def agents_connection(
        self,
        info: Info,
        team_id: strawberry.ID | None = None,
        active: bool | None = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Agent]:
        size = page_size(first, DEFAULT_FIRST)
        position = _agent_position(after) if after is not None else None
        views = await info.context.read(
            lambda r: r.agents(team_id=team_id, active=active, first=size + 1, after=position)
        )
        return pagination.connection(
            views,
            size,
            cursor=_agent_cursor,
            node=Agent.of,
            counter=lambda r: r.agent_count(team_id=team_id, active=active),
        )

    @strawberry.field(extensions=requires(Scope.READ))
    async def agent(self, info: Info, id: strawberry.ID) -> Agent | None:
        return await load_agent(info, str(id))

    @strawberry.field(extensions=requires(Scope.READ))
    async def teams(self, info: Info) -> list[Team]:
        return [Team.of(v) for v in await info.context.read(lambda r: r.teams())]

    @strawberry.field(
        extensions=requires(Scope.ADMIN),
        description=f"Agent merges and unmerges, newest first (at most {MAX_FIRST}).",
    )
    async def agent_merges(self, info: Info, limit: int = 50) -> list[AgentMerge]:
        count = max(1, min(limit, MAX_FIRST))
        views = await info.context.read(lambda r: r.integrations.agent_merges(count))
        return [AgentMerge.of(v) for v in views]

    @strawberry.field(
        extensions=requires(Scope.ADMIN),
        description=f"`agentMerges` paged: newest first; `first` at most {MAX_FIRST}, "
        "`after` an endCursor.",
    )
    async def agent_merges_connection(
        self, info: Info, first: int | None = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[AgentMerge]:
        size = page_size(first, DEFAULT_FIRST)
        position = (
            pagination.decode_timed_cursor(after, AGENT_MERGES) if after is not None else None
        )
        views = await info.context.read(
            lambda r: r.integrations.agent_merges(size + 1, after=position)
        )
        return pagination.connection(
            views,
            size,
            cursor=_merge_cursor,
            node=AgentMerge.of,
            counter=lambda r: r.integrations.agent_merge_count(),
        )


def _agent_cursor(view: AgentView) -> str:
    return pagination.encode_cursor(AGENTS, view.name, view.id)


def _agent_position(cursor: str) -> tuple[str, str]:
    name, agent_id = pagination.decode_cursor(cursor, AGENTS, 2)
    if not agent_id:
        raise pagination.bad_input(f"not a cursor from {AGENTS}", "after")
    return name, agent_id


def _merge_cursor(view: AgentMergeView) -> str:
    return pagination.encode_timed_cursor(AGENT_MERGES, view.created_at, view.id)
