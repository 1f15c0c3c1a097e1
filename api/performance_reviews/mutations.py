"""Review cycles and performance reviews: every mutation needs `people:write` (and is
audited). Expected failures come back typed: `ValidationError`, `NotFoundError`,
`InvalidTransitionError` (the review's state does not allow the step), `UnavailableError`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Protocol

import strawberry

from api.context import Info
from api.errors import NotFoundError, UnavailableError, UserError, ValidationError, refused
from api.performance_reviews.queries import people
from api.performance_reviews.review_type import PerformanceReviewType
from api.performance_reviews.types import (
    CadenceEnum,
    ReviewCycleType,
    ReviewStatusEnum,
    SectionEnum,
)
from api.permissions import requires
from domain.auth import Scope
from domain.performance_reviews import errors, service
from domain.performance_reviews.cycles import Cadence
from domain.performance_reviews.errors import PerformanceError
from domain.performance_reviews.ports import PerformanceUnitOfWork
from domain.performance_reviews.reviews import PerformanceReview, ReviewStatus, Section
from domain.ports import UnitOfWork
from infra.bootstrap import (
    CREATE_PERFORMANCE_REVIEWS,
    QueueUnavailableError,
    performance_reviews_job_id,
    utcnow,
)

PEOPLE_WRITE = requires(Scope.PEOPLE_WRITE)


@strawberry.type
class InvalidTransitionError(UserError):
    status: ReviewStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="The review's status, which refused the step"
    )


@strawberry.input
class TeamReviewerInput:
    team_id: strawberry.ID
    reviewer_id: strawberry.ID


@strawberry.input
class ReviewCycleInput:
    name: str
    cadence: CadenceEnum  # type: ignore[valid-type]
    reviewer_id: strawberry.ID = strawberry.field(description="Reviews the cycle's agents")
    rating_scale: list[str] = strawberry.field(
        description="2–10 labels of the overall rating, lowest first"
    )
    team_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Agents of these teams (on a period's last day)"
    )
    agent_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    team_reviewers: list[TeamReviewerInput] = strawberry.field(
        default_factory=list, description="A team's own reviewer, instead of reviewerId"
    )


@strawberry.type
class ReviewCycleRun:
    cycle_id: strawberry.ID
    period_start: date = strawberry.field(description="The start of the cycle period run")
    queued: bool = strawberry.field(
        description="True: the job creating the period's reviews was queued; false: that "
        "period's job already waits or runs, and will do the work"
    )


ReviewCycleResult = Annotated[
    ReviewCycleType | ValidationError | NotFoundError, strawberry.union("ReviewCycleResult")
]
RunResult = Annotated[
    ReviewCycleRun | ValidationError | NotFoundError | UnavailableError,
    strawberry.union("RunReviewCycleResult"),
]
ReviewResult = Annotated[
    PerformanceReviewType | ValidationError | NotFoundError | InvalidTransitionError,
    strawberry.union("PerformanceReviewResult"),
]


def cycle_error(exc: PerformanceError) -> ValidationError | NotFoundError:
    return refused(exc, missing=errors.NotFoundError)


def user_error(exc: PerformanceError) -> ValidationError | NotFoundError | InvalidTransitionError:
    if isinstance(exc, errors.InvalidTransitionError):
        return InvalidTransitionError(message=str(exc), status=ReviewStatus(exc.status))
    return cycle_error(exc)


async def _review_step(info: Info, step: Callable[[UnitOfWork], PerformanceReview]) -> ReviewResult:
    try:
        review = await info.context.write(step)
    except PerformanceError as exc:
        return user_error(exc)
    return PerformanceReviewType.of(review)


class ActorStep(Protocol):
    """A step a named person takes (share, acknowledge): it records who, and when."""

    def __call__(
        self,
        uow: PerformanceUnitOfWork,
        *,
        review_id: str,
        client_id: str,
        name: str | None,
        now: datetime,
    ) -> PerformanceReview: ...


async def _actor_step(
    info: Info, step: ActorStep, review_id: strawberry.ID, actor_name: str | None
) -> ReviewResult:
    """`step` by the token's client and the person named (else the Fairscore-Actor header)."""
    client, name = info.context.principal.client_id, actor_name or info.context.actor or None
    return await _review_step(
        info,
        lambda uow: step(
            people(uow), review_id=str(review_id), client_id=client, name=name, now=utcnow()
        ),
    )


@strawberry.type
class PerformanceReviewsMutation:
    @strawberry.mutation(extensions=PEOPLE_WRITE, description="Define a review cycle.")
    async def create_review_cycle(self, info: Info, input: ReviewCycleInput) -> ReviewCycleResult:
        try:
            cycle = await info.context.write(
                lambda uow: service.create_cycle(
                    people(uow),
                    name=input.name,
                    cadence=Cadence(input.cadence),
                    reviewer_id=str(input.reviewer_id),
                    rating_scale=input.rating_scale,
                    team_ids=[str(t) for t in input.team_ids],
                    agent_ids=[str(a) for a in input.agent_ids],
                    team_reviewers=[
                        (str(r.team_id), str(r.reviewer_id)) for r in input.team_reviewers
                    ],
                    now=utcnow(),
                )
            )
        except PerformanceError as exc:
            return cycle_error(exc)
        return ReviewCycleType.of(cycle)

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="Create a cycle's reviews for a period that has ended (any day of it), "
        "as the daily schedule does: queued as a job; agents already reviewed for the "
        "period are left as they are.",
    )
    async def run_review_cycle(
        self, info: Info, cycle_id: strawberry.ID, period_start: date
    ) -> RunResult:
        try:
            start = await info.context.read_uow(
                lambda uow: service.check_run(
                    people(uow), cycle_id=str(cycle_id), period_start=period_start, now=utcnow()
                )
            )
        except PerformanceError as exc:
            return cycle_error(exc)
        tenant = info.context.principal.tenant_id
        job_id = performance_reviews_job_id(tenant, str(cycle_id), start)
        try:
            queued = info.context.container.queue.enqueue(
                CREATE_PERFORMANCE_REVIEWS, tenant, str(cycle_id), start.isoformat(), job_id=job_id
            )
        except QueueUnavailableError:
            return UnavailableError(message="the job queue is unreachable; nothing was queued")
        return ReviewCycleRun(cycle_id=cycle_id, period_start=start, queued=queued)

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="The reviewer's feedback on one section of a DRAFT review (empty: clear).",
    )
    async def set_performance_review_feedback(
        self,
        info: Info,
        id: strawberry.ID,
        section: SectionEnum,  # type: ignore[valid-type]
        text: str,
    ) -> ReviewResult:
        return await _review_step(
            info,
            lambda uow: service.set_feedback(
                people(uow), review_id=str(id), section=Section(section), text=text
            ),
        )

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="The overall rating of a DRAFT review: a label of its cycle's scale "
        "(null: clear).",
    )
    async def rate_performance_review(
        self, info: Info, id: strawberry.ID, rating: str | None
    ) -> ReviewResult:
        return await _review_step(
            info, lambda uow: service.set_rating(people(uow), review_id=str(id), rating=rating)
        )

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="The agent's self-assessment, until they acknowledge the review.",
    )
    async def set_performance_review_self_assessment(
        self, info: Info, id: strawberry.ID, text: str
    ) -> ReviewResult:
        return await _review_step(
            info,
            lambda uow: service.set_self_assessment(people(uow), review_id=str(id), text=text),
        )

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="DRAFT → SHARED: the reviewer's feedback and rating are fixed from now on. "
        "`actorName`: the person sharing (default: the Fairscore-Actor header).",
    )
    async def share_performance_review(
        self, info: Info, id: strawberry.ID, actor_name: str | None = None
    ) -> ReviewResult:
        return await _actor_step(info, service.share_review, id, actor_name)

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="SHARED → ACKNOWLEDGED, by the agent. `actorName`: the person "
        "acknowledging (default: the Fairscore-Actor header).",
    )
    async def acknowledge_performance_review(
        self, info: Info, id: strawberry.ID, actor_name: str | None = None
    ) -> ReviewResult:
        return await _actor_step(info, service.acknowledge_review, id, actor_name)
