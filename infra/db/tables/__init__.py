"""SQLModel tables. Every tenant-owned table carries `tenant_id` in its primary key
and in every unique and foreign key, so rows can be sharded by tenant (Citus-ready)."""

from sqlalchemy import Table

from infra.db.tables.audit import AuditEventRow
from infra.db.tables.careers import (
    AgentCareerLevelRow,
    CareerLevelChangeRow,
    CareerLevelRow,
    CareerTrackRow,
)
from infra.db.tables.core import (
    AgentIdentityRow,
    AgentRow,
    ApiClientRow,
    IntegrationRow,
    TeamIdentityRow,
    TeamRow,
    TenantRow,
)
from infra.db.tables.goals import GoalProgressRow, GoalRow
from infra.db.tables.identities import AgentMergeRow
from infra.db.tables.one_on_ones import OneOnOneRow
from infra.db.tables.people import (
    AgentTeamRow,
    EnpsAnswerRow,
    PulseAnswerRow,
    PulseSurveyRow,
    SupportValueRow,
    ValueRatingRow,
)
from infra.db.tables.performance_reviews import PerformanceReviewRow, ReviewCycleRow
from infra.db.tables.quality import (
    CalibrationSessionRow,
    CalibrationTicketRow,
    ReviewAssignmentRow,
    ReviewRow,
    SamplingRuleRow,
    ScorecardRow,
)
from infra.db.tables.scoring import (
    ActiveUsersRow,
    DerivationRequestRow,
    DirtyPeriodRow,
    KpiModelRow,
    ScoreSnapshotRow,
    SnapshotScoreRow,
)
from infra.db.tables.tickets import (
    MetricSampleRow,
    RatingRow,
    TicketEventRow,
    TicketRow,
    WebhookDeliveryRow,
)

__all__ = [
    "ACTIVE_USERS",
    "AGENT",
    "AGENT_CAREER_LEVEL",
    "AGENT_IDENTITY",
    "AGENT_MERGE",
    "AGENT_TEAM",
    "API_CLIENT",
    "AUDIT_EVENT",
    "CALIBRATION_SESSION",
    "CALIBRATION_TICKET",
    "CAREER_LEVEL",
    "CAREER_LEVEL_CHANGE",
    "CAREER_TRACK",
    "DERIVATION_REQUEST",
    "DIRTY_PERIOD",
    "ENPS_ANSWER",
    "GOAL",
    "GOAL_PROGRESS",
    "INTEGRATION",
    "KPI_MODEL",
    "METRIC_SAMPLE",
    "ONE_ON_ONE",
    "PERFORMANCE_REVIEW",
    "PULSE_ANSWER",
    "PULSE_SURVEY",
    "RATING",
    "REVIEW",
    "REVIEW_ASSIGNMENT",
    "REVIEW_CYCLE",
    "SAMPLING_RULE",
    "SCORECARD",
    "SCORE_SNAPSHOT",
    "SNAPSHOT_SCORE",
    "SUPPORT_VALUE",
    "TEAM",
    "TEAM_IDENTITY",
    "TENANT",
    "TICKET",
    "TICKET_EVENT",
    "VALUE_RATING",
    "WEBHOOK_DELIVERY",
    "ActiveUsersRow",
    "AgentCareerLevelRow",
    "AgentIdentityRow",
    "AgentMergeRow",
    "AgentRow",
    "AgentTeamRow",
    "ApiClientRow",
    "AuditEventRow",
    "CalibrationSessionRow",
    "CalibrationTicketRow",
    "CareerLevelChangeRow",
    "CareerLevelRow",
    "CareerTrackRow",
    "DerivationRequestRow",
    "DirtyPeriodRow",
    "EnpsAnswerRow",
    "GoalProgressRow",
    "GoalRow",
    "IntegrationRow",
    "KpiModelRow",
    "MetricSampleRow",
    "OneOnOneRow",
    "PerformanceReviewRow",
    "PulseAnswerRow",
    "PulseSurveyRow",
    "RatingRow",
    "ReviewAssignmentRow",
    "ReviewCycleRow",
    "ReviewRow",
    "SamplingRuleRow",
    "ScoreSnapshotRow",
    "ScorecardRow",
    "SnapshotScoreRow",
    "SupportValueRow",
    "TeamIdentityRow",
    "TeamRow",
    "TenantRow",
    "TicketEventRow",
    "TicketRow",
    "ValueRatingRow",
    "WebhookDeliveryRow",
]

# Core `Table` handles for SQL in repositories: typed column expressions (`T.c.col`)
# instead of SQLModel attributes, which type checkers see as plain Python values.
TENANT: Table = TenantRow.__table__  # type: ignore[attr-defined]
TEAM: Table = TeamRow.__table__  # type: ignore[attr-defined]
TEAM_IDENTITY: Table = TeamIdentityRow.__table__  # type: ignore[attr-defined]
AGENT: Table = AgentRow.__table__  # type: ignore[attr-defined]
AGENT_IDENTITY: Table = AgentIdentityRow.__table__  # type: ignore[attr-defined]
AGENT_MERGE: Table = AgentMergeRow.__table__  # type: ignore[attr-defined]
AGENT_TEAM: Table = AgentTeamRow.__table__  # type: ignore[attr-defined]
API_CLIENT: Table = ApiClientRow.__table__  # type: ignore[attr-defined]
AUDIT_EVENT: Table = AuditEventRow.__table__  # type: ignore[attr-defined]
INTEGRATION: Table = IntegrationRow.__table__  # type: ignore[attr-defined]
TICKET: Table = TicketRow.__table__  # type: ignore[attr-defined]
TICKET_EVENT: Table = TicketEventRow.__table__  # type: ignore[attr-defined]
RATING: Table = RatingRow.__table__  # type: ignore[attr-defined]
WEBHOOK_DELIVERY: Table = WebhookDeliveryRow.__table__  # type: ignore[attr-defined]
METRIC_SAMPLE: Table = MetricSampleRow.__table__  # type: ignore[attr-defined]
KPI_MODEL: Table = KpiModelRow.__table__  # type: ignore[attr-defined]
SCORE_SNAPSHOT: Table = ScoreSnapshotRow.__table__  # type: ignore[attr-defined]
SNAPSHOT_SCORE: Table = SnapshotScoreRow.__table__  # type: ignore[attr-defined]
ACTIVE_USERS: Table = ActiveUsersRow.__table__  # type: ignore[attr-defined]
DIRTY_PERIOD: Table = DirtyPeriodRow.__table__  # type: ignore[attr-defined]
DERIVATION_REQUEST: Table = DerivationRequestRow.__table__  # type: ignore[attr-defined]
SCORECARD: Table = ScorecardRow.__table__  # type: ignore[attr-defined]
REVIEW: Table = ReviewRow.__table__  # type: ignore[attr-defined]
SAMPLING_RULE: Table = SamplingRuleRow.__table__  # type: ignore[attr-defined]
REVIEW_ASSIGNMENT: Table = ReviewAssignmentRow.__table__  # type: ignore[attr-defined]
CALIBRATION_SESSION: Table = CalibrationSessionRow.__table__  # type: ignore[attr-defined]
CALIBRATION_TICKET: Table = CalibrationTicketRow.__table__  # type: ignore[attr-defined]
SUPPORT_VALUE: Table = SupportValueRow.__table__  # type: ignore[attr-defined]
VALUE_RATING: Table = ValueRatingRow.__table__  # type: ignore[attr-defined]
PULSE_SURVEY: Table = PulseSurveyRow.__table__  # type: ignore[attr-defined]
PULSE_ANSWER: Table = PulseAnswerRow.__table__  # type: ignore[attr-defined]
ENPS_ANSWER: Table = EnpsAnswerRow.__table__  # type: ignore[attr-defined]
CAREER_TRACK: Table = CareerTrackRow.__table__  # type: ignore[attr-defined]
CAREER_LEVEL: Table = CareerLevelRow.__table__  # type: ignore[attr-defined]
AGENT_CAREER_LEVEL: Table = AgentCareerLevelRow.__table__  # type: ignore[attr-defined]
CAREER_LEVEL_CHANGE: Table = CareerLevelChangeRow.__table__  # type: ignore[attr-defined]
ONE_ON_ONE: Table = OneOnOneRow.__table__  # type: ignore[attr-defined]
GOAL: Table = GoalRow.__table__  # type: ignore[attr-defined]
GOAL_PROGRESS: Table = GoalProgressRow.__table__  # type: ignore[attr-defined]
REVIEW_CYCLE: Table = ReviewCycleRow.__table__  # type: ignore[attr-defined]
PERFORMANCE_REVIEW: Table = PerformanceReviewRow.__table__  # type: ignore[attr-defined]
