"""Goal queries (`people:read`: HR data, never in `read`)."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.goals.types import PEOPLE_READ, Goal, GoalOwnerKindEnum


@strawberry.type
class GoalsQuery:
    @strawberry.field(
        extensions=PEOPLE_READ,
        description="Goals of an owner (ownerKind and ownerId; for TENANT the id may be "
        "left out), of every owner of a kind, or all; by start date, then title.",
    )
    async def goals(
        self,
        info: Info,
        owner_kind: GoalOwnerKindEnum | None = None,  # type: ignore[valid-type]
        owner_id: strawberry.ID | None = None,
    ) -> list[Goal]:
        owner = str(owner_id) if owner_id is not None else None
        found = await info.context.read_uow(lambda uow: uow.goals.goals_of(owner_kind, owner))
        return [Goal.of(g) for g in found]

    @strawberry.field(extensions=PEOPLE_READ)
    async def goal(self, info: Info, id: strawberry.ID) -> Goal | None:
        goal_id = str(id)
        found = await info.context.read_uow(lambda uow: uow.goals.get(goal_id))
        return Goal.of(found) if found else None
