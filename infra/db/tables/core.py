"""Tenants, their people (teams, agents, identities) and their credentials."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Index, Text
from sqlmodel import Field, SQLModel

from infra.db.tables.keys import TenantKeyed, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, new_id, utcnow


class TenantRow(SQLModel, table=True):
    __tablename__ = "tenant"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    slug: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JsonColumn)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class TeamRow(TenantKeyed, table=True):
    __tablename__ = "team"
    __table_args__ = (tenant_fk(),)

    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class TeamIdentityRow(SQLModel, table=True):
    """A team's id in one source system (`source`, `external_id`)."""

    __tablename__ = "team_identity"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "team_id"], ["team.tenant_id", "team.id"], ondelete="CASCADE"
        ),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=32)
    external_id: str = Field(primary_key=True, max_length=200)
    team_id: str = Field(max_length=32)


class AgentRow(TenantKeyed, table=True):
    __tablename__ = "agent"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(["tenant_id", "team_id"], ["team.tenant_id", "team.id"]),
        Index("ix_agent_email", "tenant_id", "email"),
    )

    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    team_id: str | None = Field(default=None, max_length=32)
    active: bool = True
    # occurred_at of the profile event applied last: an older one arriving late loses.
    profile_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    profile_event: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class AgentIdentityRow(SQLModel, table=True):
    """An agent's id in one source; one person may have several (SPEC §2)."""

    __tablename__ = "agent_identity"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "agent_id"], ["agent.tenant_id", "agent.id"], ondelete="CASCADE"
        ),
        Index("ix_agent_identity_agent", "tenant_id", "agent_id"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=32)
    external_id: str = Field(primary_key=True, max_length=200)
    agent_id: str = Field(max_length=32)


class ApiClientRow(SQLModel, table=True):
    """An OAuth2 client; only a hash of its secret is stored."""

    __tablename__ = "api_client"
    __table_args__ = (
        tenant_fk(),
        Index("ix_api_client_client_id", "client_id"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    client_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(default="", max_length=200)
    secret_hash: str = Field(max_length=128)
    scopes: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    secret_rotated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The secret a rotation replaced, still accepted until its grace window ends.
    previous_secret_hash: str | None = Field(default=None, max_length=128)
    previous_secret_expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class IntegrationRow(TenantKeyed, table=True):
    """A webhook source of a tenant; the secret verifies its signatures."""

    __tablename__ = "integration"
    __table_args__ = (
        tenant_fk(),
        # Webhook URLs find an integration by id alone (the tenant comes from it).
        Index("ix_integration_id", "id", unique=True),
    )

    source: str = Field(max_length=32)
    # Encrypted (infra/secret_box.py): TEXT, as a token's length follows the plaintext's
    # UTF-8 bytes (MAX_SECRET counts characters, up to 4 bytes each).
    secret: str = Field(sa_type=Text)
    options: dict[str, Any] = Field(default_factory=dict, sa_type=JsonColumn)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
