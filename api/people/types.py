"""GraphQL types for agents and teams."""

from __future__ import annotations

import strawberry

from api.context import Info
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
    external_ids: list[ExternalIdType]

    @classmethod
    def of(cls, view: TeamView) -> Team:
        return cls(
            id=strawberry.ID(view.id),
            name=view.name,
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
        if self.team_id is None:
            return None
        view = await info.context.loaders.team.load(self.team_id)
        return Team.of(view) if view else None
