"""People beside the KPIs: team memberships over time, support values and their ratings,
pulse surveys and eNPS."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Index
from sqlmodel import Field, SQLModel

from infra.db.tables.keys import TenantKeyed, agent_fk, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, utcnow


def _survey_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "survey_id"],
        ["pulse_survey.tenant_id", "pulse_survey.id"],
        ondelete="CASCADE",
    )


class AgentTeamRow(SQLModel, table=True):
    """One statement of an agent's team from a tenant-local day on (domain.memberships):
    per day only the one made last is kept. `valid_from`/`valid_to` are the days it is in
    force, derived from all of the agent's rows, so attribution is a range join: the first
    row reaches back to date.min, the last is open (NULL); an overridden row has an empty
    range (`valid_from` = `valid_to`)."""

    __tablename__ = "agent_team"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "agent_id"], ["agent.tenant_id", "agent.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "team_id"], ["team.tenant_id", "team.id"]),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    agent_id: str = Field(primary_key=True, max_length=32)
    from_day: date = Field(primary_key=True)
    team_id: str | None = Field(default=None, max_length=32)
    stated_at: datetime = Field(sa_type=UtcDateTime)
    ref: str = Field(max_length=200)
    valid_from: date
    valid_to: date | None = None


class SupportValueRow(SQLModel, table=True):
    """A tenant's soft-skill value; a value dropped from the set is kept, inactive."""

    __tablename__ = "support_value"
    __table_args__ = (tenant_fk(),)

    tenant_id: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=64)
    label: str = Field(max_length=200)
    description: str = Field(default="", max_length=1000)
    position: int = 0
    active: bool = True


class ValueRatingRow(SQLModel, table=True):
    """A manager's 1–5 rating of one agent on one value for one period."""

    __tablename__ = "value_rating"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "value_key"], ["support_value.tenant_id", "support_value.key"]
        ),
        agent_fk("agent_id"),
        agent_fk("rater_id"),
        Index("ix_value_rating_agent", "tenant_id", "agent_id", "period_start"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    agent_id: str = Field(primary_key=True, max_length=32)
    value_key: str = Field(primary_key=True, max_length=64)
    grain: str = Field(primary_key=True, max_length=8)
    period_start: date = Field(primary_key=True)
    rater_id: str = Field(primary_key=True, max_length=32)
    rating: int
    comment: str | None = Field(default=None, max_length=2000)
    rated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class PulseSurveyRow(TenantKeyed, table=True):
    """Up to 10 pulse questions, optionally with the eNPS question."""

    __tablename__ = "pulse_survey"
    __table_args__ = (tenant_fk(),)

    title: str = Field(max_length=200)
    questions: list[dict[str, Any]] = Field(sa_type=JsonColumn)
    enps: bool = False
    min_group_size: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class PulseAnswerRow(SQLModel, table=True):
    """One respondent's answer to one question; the team is fixed when answering."""

    __tablename__ = "pulse_answer"
    __table_args__ = (
        tenant_fk(),
        _survey_fk(),
        agent_fk("respondent_id"),
        ForeignKeyConstraint(["tenant_id", "team_id"], ["team.tenant_id", "team.id"]),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    survey_id: str = Field(primary_key=True, max_length=32)
    respondent_id: str = Field(primary_key=True, max_length=32)
    question_key: str = Field(primary_key=True, max_length=64)
    team_id: str | None = Field(default=None, max_length=32)
    value: int


class EnpsAnswerRow(SQLModel, table=True):
    """One respondent's eNPS score (0–10) in a survey."""

    __tablename__ = "enps_answer"
    __table_args__ = (
        tenant_fk(),
        _survey_fk(),
        agent_fk("respondent_id"),
        ForeignKeyConstraint(["tenant_id", "team_id"], ["team.tenant_id", "team.id"]),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    survey_id: str = Field(primary_key=True, max_length=32)
    respondent_id: str = Field(primary_key=True, max_length=32)
    team_id: str | None = Field(default=None, max_length=32)
    score: int
