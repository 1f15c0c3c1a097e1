"""QA mutations. Scorecards, the sampling rule, generating assignments and calibration
sessions need `admin`; submitting or deleting reviews and skipping assignments need
`reviews:write`. Expected failures come back as `ValidationError` / `NotFoundError`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.context import Info
from api.errors import NotFoundError, UnavailableError, ValidationError
from api.permissions import requires
from api.quality.calibration_types import CalibrationSessionType
from api.quality.inputs import (
    CalibrationSessionInput,
    SamplingRuleInput,
    ScorecardInput,
    ScorecardRevisionInput,
    SubmitReviewInput,
    quality,
    user_error,
)
from api.quality.types import (
    AssignmentsRequested,
    Review,
    ReviewAssignment,
    SamplingRule,
    ScorecardType,
)
from domain.auth import Scope
from domain.quality.assignment_service import (
    active_rule,
    check_week,
    save_rule,
    skip_assignment,
)
from domain.quality.calibration_service import create_session
from domain.quality.ports import QualityError
from domain.quality.review_service import delete_review, submit_review
from domain.quality.sampling import SamplingStrategy
from domain.quality.scorecard_service import create_scorecard, revise_scorecard
from infra.bootstrap import QueueUnavailableError, utcnow

ADMIN, REVIEWS_WRITE = requires(Scope.ADMIN), requires(Scope.REVIEWS_WRITE)

ScorecardResult = Annotated[
    ScorecardType | ValidationError | NotFoundError, strawberry.union("ScorecardResult")
]
ReviewResult = Annotated[Review | ValidationError | NotFoundError, strawberry.union("ReviewResult")]
SamplingRuleResult = Annotated[
    SamplingRule | ValidationError | NotFoundError, strawberry.union("SamplingRuleResult")
]
GenerateResult = Annotated[
    AssignmentsRequested | ValidationError | NotFoundError | UnavailableError,
    strawberry.union("GenerateReviewAssignmentsResult"),
]
AssignmentResult = Annotated[
    ReviewAssignment | ValidationError | NotFoundError, strawberry.union("ReviewAssignmentResult")
]
CalibrationSessionResult = Annotated[
    CalibrationSessionType | ValidationError | NotFoundError,
    strawberry.union("CalibrationSessionResult"),
]


@strawberry.type
class DeletedReview:
    id: strawberry.ID


DeleteReviewResult = Annotated[
    DeletedReview | NotFoundError, strawberry.union("DeleteReviewResult")
]


@strawberry.type
class QualityMutation:
    @strawberry.mutation(extensions=ADMIN, description="A new scorecard (version 1).")
    async def create_scorecard(self, info: Info, input: ScorecardInput) -> ScorecardResult:
        specs = [c.spec() for c in input.categories]
        try:
            card = await info.context.write(
                lambda uow: create_scorecard(quality(uow), name=input.name, categories=specs)
            )
        except QualityError as exc:
            return user_error(exc)
        return ScorecardType.of(card, versions=1)

    @strawberry.mutation(
        extensions=ADMIN,
        description="Edit a scorecard: stores its next version; reviews keep the version "
        "they used.",
    )
    async def revise_scorecard(
        self, info: Info, id: strawberry.ID, input: ScorecardRevisionInput
    ) -> ScorecardResult:
        specs = [c.spec() for c in input.categories] if input.categories is not None else None
        try:
            card = await info.context.write(
                lambda uow: revise_scorecard(
                    quality(uow), scorecard_id=str(id), name=input.name, categories=specs
                )
            )
        except QualityError as exc:
            return user_error(exc)
        return ScorecardType.of(card, versions=card.version)

    @strawberry.mutation(
        extensions=REVIEWS_WRITE,
        description="Submit a review. A regular review updates qa_score (reviewee) and "
        "reviews_given (reviewer) at once and completes the matching assignment; "
        "self-reviews are refused.",
    )
    async def submit_review(self, info: Info, input: SubmitReviewInput) -> ReviewResult:
        try:
            submission = input.submission()
            stored = await info.context.write(
                lambda uow: submit_review(quality(uow), submission, now=utcnow())
            )
        except QualityError as exc:
            return user_error(exc)
        return Review.of(stored)

    @strawberry.mutation(
        extensions=REVIEWS_WRITE,
        description="Delete a review: its metrics are withdrawn and its assignment reopens.",
    )
    async def delete_review(self, info: Info, id: strawberry.ID) -> DeleteReviewResult:
        try:
            await info.context.write(lambda uow: delete_review(quality(uow), str(id)))
        except QualityError as exc:
            return NotFoundError(message=str(exc))
        return DeletedReview(id=id)

    @strawberry.mutation(extensions=ADMIN, description="Set the weekly sampling rule.")
    async def set_sampling_rule(self, info: Info, input: SamplingRuleInput) -> SamplingRuleResult:
        try:
            settings = await info.context.write(
                lambda uow: save_rule(
                    quality(uow),
                    per_agent_per_week=input.per_agent_per_week,
                    strategy=SamplingStrategy(input.strategy),
                    seed=input.seed,
                    reviewers=[str(r) for r in input.reviewer_ids],
                    active=input.active,
                )
            )
        except QualityError as exc:
            return user_error(exc)
        return SamplingRule.of(settings)

    @strawberry.mutation(
        extensions=ADMIN,
        description="Queue the job that draws an ISO week's assignments (tickets first "
        "solved that week), as the Monday schedule does for the week before. Idempotent: "
        "a week's job is queued once while it waits or runs.",
    )
    async def generate_review_assignments(self, info: Info, week_start: date) -> GenerateResult:
        try:
            check_week(week_start)
            await info.context.read_uow(lambda uow: active_rule(quality(uow)))
        except QualityError as exc:
            return user_error(exc)
        try:
            queued = info.context.queue_review_assignments(week_start=week_start)
        except QueueUnavailableError:
            return UnavailableError(message="the job queue is unreachable; nothing was queued")
        return AssignmentsRequested(week_start=week_start, queued=queued)

    @strawberry.mutation(extensions=REVIEWS_WRITE, description="Skip an assignment, with a reason.")
    async def skip_review_assignment(
        self, info: Info, id: strawberry.ID, reason: str
    ) -> AssignmentResult:
        try:
            stored = await info.context.write(
                lambda uow: skip_assignment(quality(uow), assignment_id=str(id), reason=reason)
            )
        except QualityError as exc:
            return user_error(exc)
        return ReviewAssignment.of(stored)

    @strawberry.mutation(
        extensions=ADMIN,
        description="A calibration session: reviewers then submit reviews naming it.",
    )
    async def create_calibration_session(
        self, info: Info, input: CalibrationSessionInput
    ) -> CalibrationSessionResult:
        tickets = [(t.external_id, t.source) for t in input.tickets]
        try:
            session = await info.context.write(
                lambda uow: create_session(
                    quality(uow),
                    name=input.name,
                    scorecard_id=str(input.scorecard_id),
                    tickets=tickets,
                    now=utcnow(),
                )
            )
        except QualityError as exc:
            return user_error(exc)
        return CalibrationSessionType.of(session)
