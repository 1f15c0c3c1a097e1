"""Admin mutations on figures that feed the metrics (contact_ratio's active users)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.context import Info
from api.errors import ValidationError
from api.permissions import requires
from api.scores.types import PeriodInput, PeriodType
from domain.auth import Scope
from domain.periods import PeriodRangeError, normalise
from domain.services.figures import FigureError, set_active_users


@strawberry.type
class ActiveUsers:
    period: PeriodType
    count: int
    contact_ratio: float | None = strawberry.field(
        description="tickets_created / active users in the period, once recomputed"
    )


SetActiveUsersResult = Annotated[
    ActiveUsers | ValidationError, strawberry.union("SetActiveUsersResult")
]


@strawberry.type
class ScoresMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Active users of the tenant's product in a period.",
    )
    async def set_active_users(
        self, info: Info, period: PeriodInput, count: int
    ) -> SetActiveUsersResult:
        try:
            p = normalise(period.grain, period.start)
        except PeriodRangeError as exc:
            return ValidationError(message=str(exc), field="period")
        try:
            ratio = await info.context.write(
                lambda uow: set_active_users(uow, period=p, count=count)
            )
        except FigureError as exc:
            return ValidationError(message=str(exc), field=exc.field)
        return ActiveUsers(
            period=PeriodType.of(p), count=count, contact_ratio=ratio.value if ratio else None
        )
