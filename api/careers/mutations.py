"""createCareerTrack, setAgentLevel (scope people:write, audited)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.careers.inputs import CareerTrackInput, SetAgentLevelInput
from api.careers.types import AgentCareerLevel, CareerTrack, careers
from api.context import Info
from api.errors import NotFoundError, ValidationError, refused
from api.permissions import requires
from domain.auth import Scope
from domain.careers.service import create_track, set_agent_level
from domain.careers.tracks import CareerError, CareerNotFoundError
from infra.bootstrap import utcnow

PEOPLE_WRITE = requires(Scope.PEOPLE_WRITE)

CreateCareerTrackResult = Annotated[
    CareerTrack | ValidationError, strawberry.union("CreateCareerTrackResult")
]
SetAgentLevelResult = Annotated[
    AgentCareerLevel | ValidationError | NotFoundError, strawberry.union("SetAgentLevelResult")
]


@strawberry.type
class CareersMutation:
    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="A career track with its levels, lowest first, and each level's "
        "expectations, optionally linked to evidence readiness judges.",
    )
    async def create_career_track(
        self, info: Info, input: CareerTrackInput
    ) -> CreateCareerTrackResult:
        try:
            levels = [level.spec() for level in input.levels]
            track = await info.context.write(
                lambda uow: create_track(
                    careers(uow),
                    name=input.name,
                    kind=input.kind,
                    description=input.description,
                    levels=levels,
                    now=utcnow(),
                )
            )
        except CareerError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return CareerTrack.of(track)

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="Set an agent's current level on a track and, optionally, a target level "
        "above it. Every call is kept in the level's history (who, when, effective day).",
    )
    async def set_agent_level(self, info: Info, input: SetAgentLevelInput) -> SetAgentLevelResult:
        context = info.context
        try:
            placement = await context.write(
                lambda uow: set_agent_level(
                    careers(uow),
                    input.request(),
                    changed_by=context.principal.client_id,
                    actor=context.actor,
                    now=utcnow(),
                )
            )
        except CareerError as exc:
            return refused(exc, missing=CareerNotFoundError)
        return AgentCareerLevel.of(placement)
