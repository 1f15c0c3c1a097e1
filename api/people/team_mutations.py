"""createTeam, updateTeam (admin scope): teams that no helpdesk sends, or better names;
updateAgent: an agent's team from a date on (its team is a history) and its active flag."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types.unset import UNSET

from api.context import Info
from api.errors import NotFoundError, ValidationError
from api.people.types import Agent, Team
from api.permissions import requires
from domain.auth import Scope
from domain.services.agents import AgentError, TeamChange, update_agent
from domain.services.teams import TeamError, create_team, update_team

CreateTeamResult = Annotated[Team | ValidationError, strawberry.union("CreateTeamResult")]
UpdateTeamResult = Annotated[
    Team | ValidationError | NotFoundError, strawberry.union("UpdateTeamResult")
]
UpdateAgentResult = Annotated[
    Agent | ValidationError | NotFoundError, strawberry.union("UpdateAgentResult")
]


@strawberry.input(description="What to change of an agent; an omitted field is kept.")
class UpdateAgentInput:
    agent_id: strawberry.ID
    team_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="The agent's team from `from` on; null = no team. Omit to keep the team.",
    )
    since: date | None = strawberry.field(
        name="from",
        default=UNSET,
        description="First day (tenant-local) in the new team; default today. Days before "
        "keep the team they had: past periods of the old team keep their numbers.",
    )
    active: bool | None = strawberry.field(default=UNSET, description="Omit to keep it.")

    def team_change(self) -> TeamChange | None:
        if self.team_id is UNSET:
            if self.since not in (UNSET, None):
                raise AgentError("`from` dates a team change: give teamId too", "from")
            return None
        team = str(self.team_id) if self.team_id is not None else None
        return TeamChange(team, self.since if isinstance(self.since, date) else None)


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

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Move an agent to a team (or none) from a day on, and/or set whether it "
        "is active. An agent's team is a history: only periods from that day on are "
        "re-attributed (in the background, like events: scores follow within moments); a "
        "helpdesk profile sent after this change states the team anew from its day.",
    )
    async def update_agent(self, info: Info, input: UpdateAgentInput) -> UpdateAgentResult:
        try:
            change = input.team_change()
            active = input.active if isinstance(input.active, bool) else None
            view = await info.context.write(
                lambda uow: update_agent(
                    uow, agent_id=str(input.agent_id), team=change, active=active
                )
            )
        except AgentError as exc:
            if exc.not_found:
                return NotFoundError(message=str(exc))
            return ValidationError(message=str(exc), field=exc.field)
        return Agent.of(view)
