"""GraphQL inputs of the quality mutations, their translation, and the error mapping."""

from __future__ import annotations

from typing import cast

import strawberry

from api.errors import NotFoundError, ValidationError, refused
from api.quality.types import SamplingStrategyEnum, ScaleKindEnum
from api.scores.types import PeriodInput
from domain.ports import UnitOfWork
from domain.quality.ports import NotFoundError as Missing
from domain.quality.ports import QualityError, QualityUnitOfWork, ReviewQuery
from domain.quality.review_service import ReviewSubmission
from domain.quality.sampling import SamplingStrategy
from domain.quality.scorecard_service import CategorySpec


def quality(uow: UnitOfWork) -> QualityUnitOfWork:
    """The request's unit of work; the SQL one carries the quality repositories."""
    return cast(QualityUnitOfWork, uow)


def user_error(exc: QualityError) -> ValidationError | NotFoundError:
    return refused(exc, missing=Missing)


@strawberry.input
class CategoryInput:
    key: str
    label: str
    weight: float = strawberry.field(description="> 0; relative to the other categories")
    scale: ScaleKindEnum  # type: ignore[valid-type]
    allow_na: bool = False
    critical: bool = strawberry.field(
        default=False, description="Failing it (its lowest point) makes the review score 0"
    )
    group: str | None = strawberry.field(default=None, description='e.g. "accuracy", "tone"')

    def spec(self) -> CategorySpec:
        return CategorySpec(
            key=self.key,
            label=self.label,
            weight=self.weight,
            scale=self.scale,
            allow_na=self.allow_na,
            critical=self.critical,
            group=self.group,
        )


@strawberry.input
class ScorecardInput:
    name: str
    categories: list[CategoryInput]


@strawberry.input
class ScorecardRevisionInput:
    name: str | None = None
    categories: list[CategoryInput] | None = strawberry.field(
        default=None, description="The complete new list (omit to keep the current one)"
    )


@strawberry.input
class TicketInput:
    external_id: str
    source: str | None = strawberry.field(
        default=None, description="Needed only when two sources use the same ticket id"
    )


@strawberry.input
class CategoryRatingInput:
    category: str
    rating: int | None = strawberry.field(description="On the category's scale; null = N/A")
    comment: str | None = None


@strawberry.input
class SubmitReviewInput:
    reviewer_id: strawberry.ID = strawberry.field(description="The agent submitting the review")
    ratings: list[CategoryRatingInput] = strawberry.field(
        description="Every category of the scorecard, rated or null (N/A)"
    )
    ticket: TicketInput | None = strawberry.field(
        default=None, description="Optional with an assignment (its ticket is used)"
    )
    reviewee_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An agent who replied publicly on the ticket; needed when several did",
    )
    scorecard_id: strawberry.ID | None = strawberry.field(
        default=None, description="Its latest version is used; a session pins its own"
    )
    assignment_id: strawberry.ID | None = strawberry.field(
        default=None, description="The review assignment this review completes"
    )
    calibration_session_id: strawberry.ID | None = strawberry.field(
        default=None, description="Makes it a calibration review (never counts toward qa_score)"
    )

    def submission(self) -> ReviewSubmission:
        keys = [r.category for r in self.ratings]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise QualityError(f"categories rated twice: {duplicates}", "ratings")
        return ReviewSubmission(
            reviewer_id=str(self.reviewer_id),
            ratings={r.category: r.rating for r in self.ratings},
            comments={r.category: r.comment for r in self.ratings if r.comment},
            ticket_external_id=self.ticket.external_id if self.ticket else None,
            ticket_source=self.ticket.source if self.ticket else None,
            reviewee_id=opt_id(self.reviewee_id),
            scorecard_id=opt_id(self.scorecard_id),
            calibration_session_id=opt_id(self.calibration_session_id),
            assignment_id=opt_id(self.assignment_id),
        )


@strawberry.input
class ReviewFilter:
    reviewee_id: strawberry.ID | None = None
    reviewer_id: strawberry.ID | None = None
    ticket: TicketInput | None = None
    period: PeriodInput | None = None
    include_calibration: bool = False

    def query(self, *, limit: int | None) -> ReviewQuery:
        return ReviewQuery(
            reviewee_id=opt_id(self.reviewee_id),
            reviewer_id=opt_id(self.reviewer_id),
            ticket_external_id=self.ticket.external_id if self.ticket else None,
            ticket_source=self.ticket.source if self.ticket else None,
            include_calibration=self.include_calibration,
            limit=limit,
        )


@strawberry.input
class SamplingRuleInput:
    per_agent_per_week: int = strawberry.field(description="Tickets drawn per agent per week")
    reviewer_ids: list[strawberry.ID] = strawberry.field(
        description="Agents who review; nobody is given their own tickets"
    )
    strategy: SamplingStrategyEnum = SamplingStrategy.RANDOM  # type: ignore[valid-type]
    seed: int = 0
    active: bool = True


@strawberry.input
class CalibrationSessionInput:
    name: str
    scorecard_id: strawberry.ID = strawberry.field(description="Its latest version is pinned")
    tickets: list[TicketInput]


def opt_id(value: strawberry.ID | None) -> str | None:
    return str(value) if value is not None else None
