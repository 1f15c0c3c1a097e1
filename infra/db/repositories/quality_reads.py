"""The quality read model the API serves (delegates to the quality repositories)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.orm import Session

from domain.periods import Period
from domain.ports import TenantId
from domain.quality.engagement import EnpsAnswer, PulseAnswer
from domain.quality.ports import (
    CalibrationSession,
    ReviewQuery,
    RuleSettings,
    ScorecardSummary,
    StoredAssignment,
    StoredReview,
    StoredValueRating,
    Survey,
)
from domain.quality.scorecards import Scorecard
from domain.quality.support_values import SupportValue
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.quality import SqlCalibrations, SqlReviews, SqlScorecards
from infra.db.repositories.quality_assignments import SqlReviewAssignments
from infra.db.repositories.quality_people import SqlSupportValues, SqlSurveys
from infra.db.repositories.system import SystemRepository


class SqlQualityReads(TenantRepository):
    def __init__(self, session: Session, tenant_id: TenantId) -> None:
        super().__init__(session, tenant_id)
        self._scorecards = SqlScorecards(session, tenant_id)
        self._reviews = SqlReviews(session, tenant_id)
        self._assignments = SqlReviewAssignments(session, tenant_id)
        self._calibrations = SqlCalibrations(session, tenant_id)
        self._values = SqlSupportValues(session, tenant_id)
        self._surveys = SqlSurveys(session, tenant_id)

    def timezone(self) -> str:
        return SystemRepository(self.session).tenant(self.tenant_id).timezone

    def scorecards(self) -> list[ScorecardSummary]:
        return self._scorecards.summaries()

    def scorecard_versions(
        self, keys: Collection[tuple[str, int]]
    ) -> dict[tuple[str, int], Scorecard]:
        return self._scorecards.versions(keys)

    def latest_scorecard(self, scorecard_id: str) -> Scorecard | None:
        return self._scorecards.latest(scorecard_id)

    def reviews(self, query: ReviewQuery) -> list[StoredReview]:
        return self._reviews.query(query)

    def review_count(self, query: ReviewQuery) -> int:
        return self._reviews.count(query)

    def review(self, review_id: str) -> StoredReview | None:
        return self._reviews.get(review_id)

    def rule(self) -> RuleSettings | None:
        return self._assignments.rule()

    def assignments(
        self, week_start: date, *, reviewer_id: str | None = None, status: str | None = None
    ) -> list[StoredAssignment]:
        return self._assignments.of_week(week_start, reviewer_id=reviewer_id, status=status)

    def calibration_session(self, session_id: str) -> CalibrationSession | None:
        return self._calibrations.get(session_id)

    def calibration_sessions(self) -> list[CalibrationSession]:
        return self._calibrations.sessions()

    def session_reviews(self, session_ids: Collection[str]) -> dict[str, list[StoredReview]]:
        return self._reviews.of_sessions(session_ids)

    def support_values(self, *, active_only: bool = True) -> list[SupportValue]:
        return self._values.all(active_only=active_only)

    def value_ratings(self, agent_id: str, period: Period) -> list[StoredValueRating]:
        return self._values.ratings_of([agent_id], period).get(agent_id, [])

    def value_ratings_of(
        self, agent_ids: Collection[str], period: Period
    ) -> dict[str, list[StoredValueRating]]:
        return self._values.ratings_of(agent_ids, period)

    def surveys(self) -> list[Survey]:
        return self._surveys.all()

    def survey(self, survey_id: str) -> Survey | None:
        return self._surveys.get(survey_id)

    def survey_answers(self, survey_id: str) -> tuple[list[PulseAnswer], list[EnpsAnswer]]:
        return self._surveys.pulse_answers(survey_id), self._surveys.enps_answers(survey_id)
