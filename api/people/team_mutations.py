"""createTeam, updateTeam (admin scope): teams that no helpdesk sends, or better names."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.context import Info
from api.errors import NotFoundError, ValidationError
from api.people.types import Team
from api.permissions import requires
from domain.auth import Scope
from domain.services.teams import TeamError, create_team, update_team

CreateTeamResult = Annotated[Team | ValidationError, strawberry.union("CreateTeamResult")]
UpdateTeamResult = Annotated[
    Team | ValidationError | NotFoundError, strawberry.union("UpdateTeamResult")
]


@strawberry.type
class TeamsMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="A new team. With externalId it is the team that the source's data "
        "(default generic) names so: its tickets and agents join it instead of a new one.",
    )
    async def create_team(
        self,
        info: Info,
        name: str,
        external_id: str | None = None,
        # Not `source`: permission extensions take a positional argument of that name.
        source_name: Annotated[str, strawberry.argument(name="source")] = "generic",
    ) -> CreateTeamResult:
        try:
            view = await info.context.write(
                lambda uow: create_team(uow, name=name, external_id=external_id, source=source_name)
            )
        except TeamError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return Team.of(view)

    @strawberry.mutation(extensions=requires(Scope.ADMIN), description="Rename a team.")
    async def update_team(self, info: Info, id: strawberry.ID, name: str) -> UpdateTeamResult:
        try:
            view = await info.context.write(
                lambda uow: update_team(uow, team_id=str(id), name=name)
            )
        except TeamError as exc:
            if exc.not_found:
                return NotFoundError(message=str(exc))
            return ValidationError(message=str(exc), field=exc.field)
        return Team.of(view)
