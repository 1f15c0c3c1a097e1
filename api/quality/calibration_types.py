"""GraphQL types of calibration sessions and their agreement report."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.context import Info
from api.people.types import Agent, load_agent
from api.quality.types import Review, TicketRefType
from domain.quality.calibration import (
    CalibrationReport,
    Deviation,
    Level,
    ReviewerDeviation,
)
from domain.quality.calibration_service import session_report
from domain.quality.ports import CalibrationSession

AgreementLevelEnum = strawberry.enum(
    Level,
    name="AgreementLevel",
    description="Krippendorff's alpha measurement level: ordinal by default (rating points "
    "are ordered, their spacing is not assumed equal); on a binary scale all three agree.",
)


@strawberry.type(name="Deviation")
class DeviationType:
    mean_signed: float | None = strawberry.field(
        description="Mean of (own normalised rating − the other reviewers' mean), on 0–1; "
        "> 0 means more generous than the others"
    )
    mean_absolute: float | None
    compared: int = strawberry.field(description="Ratings that had others' ratings to compare")

    @classmethod
    def of(cls, d: Deviation) -> DeviationType:
        return cls(mean_signed=d.mean_signed, mean_absolute=d.mean_absolute, compared=d.compared)


@strawberry.type
class CategoryDeviation:
    key: str
    deviation: DeviationType


@strawberry.type
class ReviewerCalibration:
    overall: DeviationType
    by_category: list[CategoryDeviation]
    score_deviation: float | None = strawberry.field(
        description="Mean of (own review score − the other reviewers' mean score), in points"
    )
    reviewer_id: strawberry.Private[str]

    @classmethod
    def of(cls, r: ReviewerDeviation) -> ReviewerCalibration:
        return cls(
            overall=DeviationType.of(r.overall),
            by_category=[
                CategoryDeviation(key=key, deviation=DeviationType.of(d))
                for key, d in r.by_category
            ],
            score_deviation=r.score_deviation,
            reviewer_id=r.reviewer_id,
        )

    @strawberry.field
    async def reviewer(self, info: Info) -> Agent | None:
        return await load_agent(info, self.reviewer_id)


@strawberry.type
class CategoryAgreement:
    key: str
    alpha: float | None = strawberry.field(
        description="Krippendorff's alpha (1 = perfect agreement, 0 = chance); null when "
        "undefined (no ticket rated by two reviewers, or no variation at all)"
    )
    pairable_ratings: int


@strawberry.type(name="CalibrationReport")
class CalibrationReportType:
    statistic: str = strawberry.field(description="Always krippendorff_alpha")
    level: AgreementLevelEnum  # type: ignore[valid-type]
    categories: list[CategoryAgreement]
    reviewers: list[ReviewerCalibration]

    @classmethod
    def of(cls, r: CalibrationReport) -> CalibrationReportType:
        return cls(
            statistic="krippendorff_alpha",
            level=r.level,
            categories=[
                CategoryAgreement(key=c.key, alpha=c.alpha, pairable_ratings=c.pairable_ratings)
                for c in r.categories
            ],
            reviewers=[ReviewerCalibration.of(d) for d in r.reviewers],
        )


@strawberry.type(name="CalibrationSession")
class CalibrationSessionType:
    id: strawberry.ID
    name: str
    scorecard_id: strawberry.ID
    scorecard_version: int
    tickets: list[TicketRefType]
    created_at: datetime

    @classmethod
    def of(cls, s: CalibrationSession) -> CalibrationSessionType:
        return cls(
            id=strawberry.ID(s.id),
            name=s.name,
            scorecard_id=strawberry.ID(s.scorecard_id),
            scorecard_version=s.scorecard_version,
            tickets=[TicketRefType.of(t) for t in s.tickets],
            created_at=s.created_at,
        )

    @strawberry.field(description="The calibration reviews submitted so far")
    async def reviews(self, info: Info) -> list[Review]:
        found = await info.context.loaders.session_reviews.load(str(self.id))
        return [Review.of(s) for s in found]

    @strawberry.field(
        description="Agreement per category (Krippendorff's alpha, ordinal level unless "
        "asked otherwise) and each reviewer's deviation from the consensus: the mean of "
        "the *other* reviewers' normalised ratings of the same ticket and category."
    )
    async def report(
        self,
        info: Info,
        level: AgreementLevelEnum = Level.ORDINAL,  # type: ignore[valid-type]
    ) -> CalibrationReportType:
        key = (str(self.scorecard_id), self.scorecard_version)
        scorecard = await info.context.loaders.scorecard.load(key)
        reviews = await info.context.loaders.session_reviews.load(str(self.id))
        if scorecard is None:  # pragma: no cover - a foreign key keeps it
            raise LookupError(f"scorecard {key} of session {self.id} is gone")
        return CalibrationReportType.of(session_report(scorecard, reviews, level=level))
