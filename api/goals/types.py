"""GraphQL types of goals (SPEC §7): the objective tree, progress, status and history.

`progress`, `value`, `status` and `completed` are what the engine stored when the
metrics or the goal last changed (`computedAt`); reading never computes them."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.context import Info
from api.permissions import requires
from api.scores.types import BasisEnum, DirectionEnum, StatisticEnum
from domain.auth import Scope
from domain.goals.model import GoalKind, GoalStatus, MetricTarget, OwnerKind, StoredGoal
from domain.metrics import Basis, Statistic

GoalOwnerKindEnum = strawberry.enum(OwnerKind, name="GoalOwnerKind")
GoalKindEnum = strawberry.enum(GoalKind, name="GoalKind")
GoalStatusEnum = strawberry.enum(
    GoalStatus,
    name="GoalStatus",
    description="Progress against the share of the goal's days elapsed: ON_TRACK at or "
    "above it, AT_RISK from 80% of it, OFF_TRACK below",
)
PEOPLE_READ = requires(Scope.PEOPLE_READ)


@strawberry.type(description="What a metric goal measures, read like a KPI component")
class GoalMetric:
    metric: str = strawberry.field(description="A key of the metric dictionary")
    statistic: StatisticEnum  # type: ignore[valid-type]
    basis: BasisEnum  # type: ignore[valid-type]
    target: float
    direction: DirectionEnum  # type: ignore[valid-type]

    @classmethod
    def of(cls, target: MetricTarget) -> GoalMetric:
        return cls(
            metric=target.metric,
            statistic=target.statistic,
            basis=target.basis,
            target=target.target,
            direction=target.direction,
        )


@strawberry.input
class GoalMetricInput:
    metric: str
    target: float = strawberry.field(description="> 0")
    direction: DirectionEnum  # type: ignore[valid-type]
    statistic: StatisticEnum = Statistic.VALUE  # type: ignore[valid-type]
    basis: BasisEnum = Basis.CALENDAR  # type: ignore[valid-type]

    def to_domain(self) -> MetricTarget:
        return MetricTarget(
            metric=self.metric,
            target=self.target,
            direction=self.direction,
            statistic=self.statistic,
            basis=self.basis,
        )


@strawberry.type(description="One change of a goal's progress or value")
class GoalProgressPoint:
    at: datetime
    progress: float | None
    value: float | None
    status: GoalStatusEnum | None  # type: ignore[valid-type]


@strawberry.type(description="An objective: tenant → team → agent, metric-linked or manual")
class Goal:
    id: strawberry.ID
    title: str
    description: str | None
    owner_kind: GoalOwnerKindEnum  # type: ignore[valid-type]
    owner_id: strawberry.ID
    parent_id: strawberry.ID | None
    weight: float = strawberry.field(description="Its share in its parent's roll-up")
    start_date: date
    end_date: date = strawberry.field(description="The last day, included")
    kind: GoalKindEnum  # type: ignore[valid-type]
    metric: GoalMetric | None
    manual_progress: float | None = strawberry.field(
        description="A manual goal's progress as its owner set it"
    )
    progress: float | None = strawberry.field(
        description="0–1: attainment of the metric (value/target or target/value, at most "
        "1), the manual progress, or for a goal with children their weighted mean"
    )
    value: float | None = strawberry.field(
        description="A metric goal's metric for its owner over its days"
    )
    sample_size: int
    status: GoalStatusEnum | None  # type: ignore[valid-type]
    completed: bool = strawberry.field(description="progress has reached 1")
    computed_at: datetime | None = strawberry.field(
        description="When the engine last computed progress and status"
    )
    created_at: datetime
    updated_at: datetime

    @strawberry.field(extensions=PEOPLE_READ, description="The goal this one aligns with")
    async def parent(self, info: Info) -> Goal | None:
        if self.parent_id is None:
            return None
        found = await info.context.loaders.goal.load(str(self.parent_id))
        return Goal.of(found) if found else None

    @strawberry.field(extensions=PEOPLE_READ, description="The goals aligned with this one")
    async def children(self, info: Info) -> list[Goal]:
        return [Goal.of(g) for g in await info.context.loaders.goal_children.load(str(self.id))]

    @strawberry.field(
        extensions=PEOPLE_READ, description="Every change of progress or value, oldest first"
    )
    async def progress_history(self, info: Info) -> list[GoalProgressPoint]:
        points = await info.context.loaders.goal_history.load(str(self.id))
        return [
            GoalProgressPoint(at=p.at, progress=p.progress, value=p.value, status=p.status)
            for p in points
        ]

    @classmethod
    def of(cls, stored: StoredGoal) -> Goal:
        goal, state = stored.goal, stored.state
        return cls(
            id=strawberry.ID(goal.id),
            title=goal.title,
            description=goal.description,
            owner_kind=goal.owner.kind,
            owner_id=strawberry.ID(goal.owner.id),
            parent_id=strawberry.ID(goal.parent_id) if goal.parent_id else None,
            weight=goal.weight,
            start_date=goal.start,
            end_date=goal.end,
            kind=goal.kind,
            metric=GoalMetric.of(goal.metric) if goal.metric else None,
            manual_progress=goal.manual_progress,
            progress=state.progress,
            value=state.value,
            sample_size=state.sample_size,
            status=state.status,
            completed=state.completed,
            computed_at=state.computed_at,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
        )
