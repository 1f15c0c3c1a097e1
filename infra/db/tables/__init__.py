"""SQLModel tables. Every tenant-owned table carries `tenant_id` in its primary key
and in every unique and foreign key, so rows can be sharded by tenant (Citus-ready)."""

from sqlalchemy import Table

from infra.db.tables.core import (
    AgentIdentityRow,
    AgentRow,
    ApiClientRow,
    IntegrationRow,
    TeamIdentityRow,
    TeamRow,
    TenantRow,
)
from infra.db.tables.quality import ReviewRow, ScorecardRow
from infra.db.tables.scoring import ActiveUsersRow, KpiModelRow, ScoreSnapshotRow
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
    "AGENT_IDENTITY",
    "API_CLIENT",
    "INTEGRATION",
    "KPI_MODEL",
    "METRIC_SAMPLE",
    "RATING",
    "REVIEW",
    "SCORECARD",
    "SCORE_SNAPSHOT",
    "TEAM",
    "TEAM_IDENTITY",
    "TENANT",
    "TICKET",
    "TICKET_EVENT",
    "WEBHOOK_DELIVERY",
    "ActiveUsersRow",
    "AgentIdentityRow",
    "AgentRow",
    "ApiClientRow",
    "IntegrationRow",
    "KpiModelRow",
    "MetricSampleRow",
    "RatingRow",
    "ReviewRow",
    "ScoreSnapshotRow",
    "ScorecardRow",
    "TeamIdentityRow",
    "TeamRow",
    "TenantRow",
    "TicketEventRow",
    "TicketRow",
    "WebhookDeliveryRow",
]

# Core `Table` handles for SQL in repositories: typed column expressions (`T.c.col`)
# instead of SQLModel attributes, which type checkers see as plain Python values.
TENANT: Table = TenantRow.__table__  # type: ignore[attr-defined]
TEAM: Table = TeamRow.__table__  # type: ignore[attr-defined]
TEAM_IDENTITY: Table = TeamIdentityRow.__table__  # type: ignore[attr-defined]
AGENT: Table = AgentRow.__table__  # type: ignore[attr-defined]
AGENT_IDENTITY: Table = AgentIdentityRow.__table__  # type: ignore[attr-defined]
API_CLIENT: Table = ApiClientRow.__table__  # type: ignore[attr-defined]
INTEGRATION: Table = IntegrationRow.__table__  # type: ignore[attr-defined]
TICKET: Table = TicketRow.__table__  # type: ignore[attr-defined]
TICKET_EVENT: Table = TicketEventRow.__table__  # type: ignore[attr-defined]
RATING: Table = RatingRow.__table__  # type: ignore[attr-defined]
WEBHOOK_DELIVERY: Table = WebhookDeliveryRow.__table__  # type: ignore[attr-defined]
METRIC_SAMPLE: Table = MetricSampleRow.__table__  # type: ignore[attr-defined]
KPI_MODEL: Table = KpiModelRow.__table__  # type: ignore[attr-defined]
SCORE_SNAPSHOT: Table = ScoreSnapshotRow.__table__  # type: ignore[attr-defined]
ACTIVE_USERS: Table = ActiveUsersRow.__table__  # type: ignore[attr-defined]
SCORECARD: Table = ScorecardRow.__table__  # type: ignore[attr-defined]
REVIEW: Table = ReviewRow.__table__  # type: ignore[attr-defined]
