"""Goal mutations (`people:write`). A change stores the goal and asks the reconciler to
recompute its progress, status and the roll-up above it; the answer shows the goal as
stored, its computed fields as of `computedAt`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import strawberry

from api.context import Info
from api.errors import NotFoundError, ValidationError, refused
from api.goals.types import Goal, GoalKindEnum, GoalMetricInput, GoalOwnerKindEnum
from api.permissions import requires
from domain.auth import Scope
from domain.goals.model import StoredGoal
from domain.goals.ports import GoalError, GoalNotFoundError
from domain.goals.service import GoalChanges, GoalSpec, create_goal, update_goal
from domain.ports import UnitOfWork
from infra.bootstrap import utcnow

PEOPLE_WRITE = requires(Scope.PEOPLE_WRITE)
GoalResult = Annotated[Goal | ValidationError | NotFoundError, strawberry.union("GoalResult")]


@strawberry.input
class CreateGoalInput:
    title: str
    owner_kind: GoalOwnerKindEnum  # type: ignore[valid-type]
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The agent or team; left out for a TENANT goal"
    )
    kind: GoalKindEnum  # type: ignore[valid-type]
    start_date: date
    end_date: date = strawberry.field(description="The last day, included")
    weight: float = strawberry.field(default=1.0, description="> 0: its share in the roll-up")
    description: str | None = None
    parent_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The goal it aligns with: an agent goal's is a TEAM or TENANT goal, a "
        "team goal's a TENANT goal",
    )
    metric: GoalMetricInput | None = strawberry.field(
        default=None, description="For a METRIC goal; its subject is the owner"
    )
    progress: float | None = strawberry.field(
        default=None, description="A MANUAL goal's progress, 0–1"
    )

    def spec(self) -> GoalSpec:
        return GoalSpec(
            title=self.title,
            owner_kind=self.owner_kind,
            owner_id=str(self.owner_id) if self.owner_id is not None else None,
            start=self.start_date,
            end=self.end_date,
            kind=self.kind,
            weight=self.weight,
            description=self.description,
            parent_id=str(self.parent_id) if self.parent_id is not None else None,
            metric=self.metric.to_domain() if self.metric else None,
            progress=self.progress,
        )


@strawberry.input(description="What to change; a field left out stays as it is")
class UpdateGoalInput:
    title: str | None = None
    description: str | None = None
    weight: float | None = None
    start_date: date | None = None
    end_date: date | None = None
    parent_id: strawberry.ID | None = None
    detach_parent: bool = strawberry.field(
        default=False, description="Unlink the goal from its parent"
    )
    metric: GoalMetricInput | None = None
    progress: float | None = strawberry.field(
        default=None, description="A MANUAL goal's progress, 0–1, set by its owner"
    )

    def changes(self) -> GoalChanges:
        return GoalChanges(
            title=self.title,
            description=self.description,
            weight=self.weight,
            start=self.start_date,
            end=self.end_date,
            parent_id=str(self.parent_id) if self.parent_id is not None else None,
            detach_parent=self.detach_parent,
            metric=self.metric.to_domain() if self.metric else None,
            progress=self.progress,
        )


@strawberry.type
class GoalsMutation:
    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="A new goal; the engine computes its progress and status and rolls "
        "it up to its parent.",
    )
    async def create_goal(self, info: Info, input: CreateGoalInput) -> GoalResult:
        spec = input.spec()
        return await _change(info, lambda uow: create_goal(uow, spec, now=utcnow()))

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="Change a goal (a manual goal's progress, its dates, target, parent …); "
        "the engine recomputes it and the goals above it.",
    )
    async def update_goal(
        self, info: Info, id: strawberry.ID, input: UpdateGoalInput
    ) -> GoalResult:
        changes, goal_id = input.changes(), str(id)
        return await _change(info, lambda uow: update_goal(uow, goal_id, changes, now=utcnow()))


async def _change(info: Info, change: Callable[[UnitOfWork], StoredGoal]) -> GoalResult:
    try:
        stored = await info.context.write(change)
    except GoalError as exc:
        return refused(exc, missing=GoalNotFoundError)
    return Goal.of(stored)
