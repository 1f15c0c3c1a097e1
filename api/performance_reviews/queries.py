"""reviewCycles, performanceReviews, performanceReview (scope `people:read`)."""

from __future__ import annotations

from typing import cast

import strawberry

from api import pagination
from api.context import Info
from api.narrowing import EmptyNarrowingError, narrowing
from api.pagination import DEFAULT_FIRST, MAX_FIRST, Connection, InUnitOfWork, bad_input, page_size
from api.performance_reviews.review_type import PerformanceReviewType
from api.performance_reviews.types import ReviewCycleType, ReviewStatusEnum
from api.permissions import requires
from domain.auth import Scope
from domain.performance_reviews.ports import PerformanceUnitOfWork, ReviewQuery
from domain.performance_reviews.reviews import PerformanceReview, ReviewStatus
from domain.ports import UnitOfWork

PEOPLE_READ = requires(Scope.PEOPLE_READ)
LIST = "performanceReviews"  # the list its cursors name


def people(uow: UnitOfWork) -> PerformanceUnitOfWork:
    """The request's unit of work; the SQL one carries the performance-review repository."""
    return cast(PerformanceUnitOfWork, uow)


@strawberry.type
class PerformanceReviewsQuery:
    @strawberry.field(extensions=PEOPLE_READ, description="The tenant's review cycles.")
    async def review_cycles(self, info: Info) -> list[ReviewCycleType]:
        found = await info.context.read_uow(lambda uow: people(uow).performance_reviews.cycles())
        return [ReviewCycleType.of(c) for c in found]

    @strawberry.field(
        extensions=PEOPLE_READ,
        description=f"Performance reviews, newest period first, then by id; `first` at most "
        f"{MAX_FIRST}, `after` an endCursor.",
    )
    async def performance_reviews(
        self,
        info: Info,
        *,
        cycle_id: strawberry.ID | None = None,
        agent_id: strawberry.ID | None = None,
        status: ReviewStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[PerformanceReviewType]:
        size = page_size(first, DEFAULT_FIRST)
        wanted = ReviewQuery(
            cycle_id=_narrowing(cycle_id, "cycleId"),
            agent_id=_narrowing(agent_id, "agentId"),
            status=ReviewStatus(status) if status is not None else None,
        )
        position = pagination.decode_dated_cursor(after, LIST) if after is not None else None
        page = ReviewQuery(wanted.cycle_id, wanted.agent_id, wanted.status, size + 1, position)
        found = await info.context.read_uow(lambda uow: people(uow).performance_reviews.page(page))
        return pagination.connection(
            found,
            size,
            cursor=_cursor,
            node=PerformanceReviewType.of,
            counter=InUnitOfWork(lambda uow: people(uow).performance_reviews.count(wanted)),
        )

    @strawberry.field(extensions=PEOPLE_READ)
    async def performance_review(
        self, info: Info, id: strawberry.ID
    ) -> PerformanceReviewType | None:
        found = await info.context.read_uow(
            lambda uow: people(uow).performance_reviews.get(str(id))
        )
        return PerformanceReviewType.of(found) if found else None


def _narrowing(value: strawberry.ID | None, field: str) -> str | None:
    try:
        return narrowing(value, field, "performance review")
    except EmptyNarrowingError as exc:
        raise bad_input(str(exc), field) from None


def _cursor(review: PerformanceReview) -> str:
    return pagination.encode_dated_cursor(LIST, review.period.start, review.id)
