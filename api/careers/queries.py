"""careerTracks, agentCareerLevels, careerReadiness (scope people:read)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.careers.readiness import CareerReadiness, TrackReadiness
from api.careers.types import AgentCareerLevel, CareerTrack, careers
from api.context import Info
from api.errors import NotFoundError
from api.permissions import requires
from domain.auth import Scope
from domain.careers.service import agent_levels, career_readiness
from domain.careers.tracks import CareerNotFoundError
from infra.bootstrap import utcnow

PEOPLE_READ = requires(Scope.PEOPLE_READ)

CareerReadinessResult = Annotated[
    CareerReadiness | NotFoundError, strawberry.union("CareerReadinessResult")
]


@strawberry.type
class CareersQuery:
    @strawberry.field(extensions=PEOPLE_READ, description="The tenant's career tracks, by name.")
    async def career_tracks(self, info: Info) -> list[CareerTrack]:
        found = await info.context.read_uow(lambda uow: careers(uow).careers.tracks())
        return [CareerTrack.of(track) for track in found]

    @strawberry.field(
        extensions=PEOPLE_READ,
        description="The agent's current and target level on each track, with the history "
        "of changes (empty for an agent never placed, or an unknown one).",
    )
    async def agent_career_levels(
        self, info: Info, agent_id: strawberry.ID
    ) -> list[AgentCareerLevel]:
        found = await info.context.read_uow(lambda uow: agent_levels(careers(uow), str(agent_id)))
        return [AgentCareerLevel.of(p) for p in found]

    @strawberry.field(
        extensions=PEOPLE_READ,
        description="Per expectation of the agent's target level on each track (or on "
        "`trackId`): the evidence found and the verdict MET | NOT_MET | INSUFFICIENT_DATA | "
        "MANUAL, and a summary. Windows are the last complete period of each expectation's "
        "grain before `asOf` (default: today in the tenant's timezone).",
    )
    async def career_readiness(
        self,
        info: Info,
        agent_id: strawberry.ID,
        track_id: strawberry.ID | None = None,
        as_of: date | None = None,
    ) -> CareerReadinessResult:
        try:
            found = await info.context.read_uow(
                lambda uow: career_readiness(
                    careers(uow),
                    agent_id=str(agent_id),
                    track_id=str(track_id) if track_id is not None else None,
                    as_of=as_of,
                    now=utcnow(),
                )
            )
        except CareerNotFoundError as exc:
            return NotFoundError(message=str(exc))
        return CareerReadiness(
            agent_id=agent_id,
            as_of=found.as_of,
            tracks=[TrackReadiness.of(track) for track in found.tracks],
        )
