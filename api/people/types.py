"""GraphQL types for agents and teams."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from api.context import Info
from domain.identities import MERGE, UNMERGE, AgentMergeView
from domain.views import AgentView, ExternalId, TeamView


@strawberry.type(name="ExternalId")
class ExternalIdType:
    source: str
    id: str

    @classmethod
    def of(cls, value: ExternalId) -> ExternalIdType:
        return cls(source=value.source, id=value.id)


@strawberry.type
class Team:
    id: strawberry.ID
    name: str
    external_id: str | None = strawberry.field(
        description="The team's id in its first source system (see externalIds for all)"
    )
    external_ids: list[ExternalIdType]

    @classmethod
    def of(cls, view: TeamView) -> Team:
        return cls(
            id=strawberry.ID(view.id),
            name=view.name,
            external_id=view.external_ids[0].id if view.external_ids else None,
            external_ids=[ExternalIdType.of(e) for e in view.external_ids],
        )


@strawberry.type
class Agent:
    id: strawberry.ID
    name: str
    email: str | None
    active: bool
    external_id: str | None = strawberry.field(
        description="The agent's id in its first source system (see externalIds for all)"
    )
    external_ids: list[ExternalIdType]
    team_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, view: AgentView) -> Agent:
        return cls(
            id=strawberry.ID(view.id),
            name=view.name,
            email=view.email,
            active=view.active,
            external_id=view.external_id,
            external_ids=[ExternalIdType.of(e) for e in view.external_ids],
            team_id=view.team_id,
        )

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        return await load_team(info, self.team_id)


async def load_agent(info: Info, agent_id: str | None) -> Agent | None:
    """An agent through the request's DataLoader; None without an id or for an unknown one."""
    if agent_id is None:
        return None
    view = await info.context.loaders.agent.load(agent_id)
    return Agent.of(view) if view else None


async def load_team(info: Info, team_id: str | None) -> Team | None:
    """A team through the request's DataLoader; None without an id or for an unknown one."""
    if team_id is None:
        return None
    view = await info.context.loaders.team.load(team_id)
    return Team.of(view) if view else None


@strawberry.enum(description="What an identity change did")
class MergeAction(Enum):
    MERGE = MERGE
    UNMERGE = UNMERGE


@strawberry.type(description="An admin's merge of two agents, or an identity detached again")
class AgentMerge:
    id: strawberry.ID
    action: MergeAction
    identities: list[ExternalIdType] = strawberry.field(description="The identities that moved")
    actor: str | None = strawberry.field(description="The API client that made the change")
    created_at: datetime
    from_agent_id: strawberry.Private[str]
    to_agent_id: strawberry.Private[str]

    @classmethod
    def of(cls, view: AgentMergeView) -> AgentMerge:
        return cls(
            id=strawberry.ID(view.id),
            action=MergeAction(view.action),
            identities=[ExternalIdType(source=i.source, id=i.external_id) for i in view.identities],
            actor=view.actor,
            created_at=view.created_at,
            from_agent_id=view.from_agent_id,
            to_agent_id=view.to_agent_id,
        )

    @strawberry.field(description="Merge: the agent merged away. Unmerge: the one detached from")
    async def from_agent(self, info: Info) -> Agent | None:
        return await load_agent(info, self.from_agent_id)

    @strawberry.field(description="Merge: the agent that stays. Unmerge: the identity's new agent")
    async def to_agent(self, info: Info) -> Agent | None:
        return await load_agent(info, self.to_agent_id)
