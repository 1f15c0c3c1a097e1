"""Reading scorecards, reviews, review assignments and calibration sessions (scope `read`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import strawberry
from graphql import GraphQLError

from api import pagination
from api.context import Info
from api.pagination import DEFAULT_FIRST, MAX_FIRST, Connection, page_size
from api.permissions import requires
from api.quality.calibration_types import CalibrationSessionType
from api.quality.inputs import ReviewFilter, opt_id
from api.quality.types import (
    AssignmentReportType,
    AssignmentStatusEnum,
    Review,
    ReviewAssignment,
    SamplingRule,
    ScorecardType,
)
from api.scores.types import read_period
from domain.auth import Scope
from domain.periods import local_midnight
from domain.quality.assignments import AssignmentStatus, assignment_report
from domain.quality.ports import ReviewQuery, StoredReview
from domain.views import TenantReads

READ = requires(Scope.READ)
REVIEWS = "reviews"  # the list its cursors name


@strawberry.type
class QualityQuery:
    @strawberry.field(extensions=READ, description="The latest version of every scorecard.")
    async def scorecards(self, info: Info) -> list[ScorecardType]:
        found = await info.context.read(lambda r: r.quality.scorecards())
        return [ScorecardType.of(s.scorecard, versions=s.versions) for s in found]

    @strawberry.field(extensions=READ, description="A scorecard version (default: the latest).")
    async def scorecard(
        self, info: Info, id: strawberry.ID, version: int | None = None
    ) -> ScorecardType | None:
        if version is not None:
            found = await info.context.loaders.scorecard.load((str(id), version))
        else:
            found = await info.context.read(lambda r: r.quality.latest_scorecard(str(id)))
        return ScorecardType.of(found) if found else None

    @strawberry.field(
        extensions=READ,
        description="Reviews, newest first; `period` filters by review time (tenant-local). "
        f"`limit` is 1–{MAX_FIRST} (more is capped).",
    )
    async def reviews(
        self, info: Info, filter: ReviewFilter | None = None, limit: int = 50
    ) -> list[Review]:
        if limit < 1:
            raise GraphQLError(
                f"limit must be at least 1, got {limit}", extensions={"code": "BAD_USER_INPUT"}
            )
        wanted = filter or ReviewFilter()
        found = await info.context.read(
            lambda r: r.quality.reviews(review_query(r, wanted, limit=min(limit, MAX_FIRST)))
        )
        return [Review.of(s) for s in found]

    @strawberry.field(
        extensions=READ,
        description=f"`reviews` paged: newest first, then by id; `first` at most {MAX_FIRST}, "
        "`after` an endCursor.",
    )
    async def reviews_connection(
        self,
        info: Info,
        filter: ReviewFilter | None = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Review]:
        wanted = filter or ReviewFilter()
        size = page_size(first, DEFAULT_FIRST)
        position = pagination.decode_timed_cursor(after, REVIEWS) if after is not None else None
        found = await info.context.read(
            lambda r: r.quality.reviews(review_query(r, wanted, limit=size + 1, after=position))
        )
        return pagination.connection(
            found,
            size,
            cursor=_cursor,
            node=Review.of,
            counter=lambda r: r.quality.review_count(review_query(r, wanted, limit=None)),
        )

    @strawberry.field(extensions=READ)
    async def review(self, info: Info, id: strawberry.ID) -> Review | None:
        found = await info.context.read(lambda r: r.quality.review(str(id)))
        return Review.of(found) if found else None

    @strawberry.field(extensions=READ, description="The tenant's rule for weekly assignments.")
    async def sampling_rule(self, info: Info) -> SamplingRule | None:
        found = await info.context.read(lambda r: r.quality.rule())
        return SamplingRule.of(found) if found else None

    @strawberry.field(extensions=READ, description="The assignments of an ISO week (its Monday).")
    async def review_assignments(
        self,
        info: Info,
        week_start: date,
        reviewer_id: strawberry.ID | None = None,
        status: AssignmentStatusEnum | None = None,  # type: ignore[valid-type]
    ) -> list[ReviewAssignment]:
        wanted = AssignmentStatus(status).value if status is not None else None
        found = await info.context.read(
            lambda r: r.quality.assignments(
                week_start, reviewer_id=opt_id(reviewer_id), status=wanted
            )
        )
        return [ReviewAssignment.of(a) for a in found]

    @strawberry.field(
        extensions=READ,
        description="Done vs due for an ISO week, in total and per reviewer; skipped "
        "assignments are excused (completion rate = done / (due − skipped)).",
    )
    async def review_assignment_report(self, info: Info, week_start: date) -> AssignmentReportType:
        found = await info.context.read(lambda r: r.quality.assignments(week_start))
        return AssignmentReportType.of(week_start, assignment_report(a.assignment for a in found))

    @strawberry.field(extensions=READ)
    async def calibration_sessions(self, info: Info) -> list[CalibrationSessionType]:
        found = await info.context.read(lambda r: r.quality.calibration_sessions())
        return [CalibrationSessionType.of(s) for s in found]

    @strawberry.field(extensions=READ)
    async def calibration_session(
        self, info: Info, id: strawberry.ID
    ) -> CalibrationSessionType | None:
        found = await info.context.read(lambda r: r.quality.calibration_session(str(id)))
        return CalibrationSessionType.of(found) if found else None


def review_query(
    reads: TenantReads,
    wanted: ReviewFilter,
    *,
    limit: int | None,
    after: tuple[datetime, str] | None = None,
) -> ReviewQuery:
    """The filter as a query; its period is the tenant's local days."""
    query = replace(wanted.query(limit=limit), after=after)
    if wanted.period is None:
        return query
    p, tz = read_period(wanted.period), reads.quality.timezone()
    return replace(query, since=local_midnight(p.start, tz), until=local_midnight(p.end, tz))


def _cursor(stored: StoredReview) -> str:
    return pagination.encode_timed_cursor(REVIEWS, stored.reviewed_at, stored.id)
