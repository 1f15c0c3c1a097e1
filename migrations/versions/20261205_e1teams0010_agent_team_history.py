"""agent_team: an agent's team is a history (SPEC §4), one statement per agent and day

Backfilled from the event log: every stored `agent.upserted` states its agent's team from
its tenant-local day on (per day the latest by occurred_at, event id). An agent with a team
or profile but no stored upsert gets one statement from its profile (or creation) day. The
first statement reaches back to date.min, so an agent that never moved keeps one team for
all its history, as before. `agent.team_id` stays the current team.

Revision ID: e1teams0010
Revises: e2derive0011 (written on d9secrets0009; rebased when the outbox revision landed beside it)
Create Date: 2026-12-05 01:30:00.000000
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "e1teams0010"
down_revision: str | None = "e2derive0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (day, team, stated_at, ref) per (tenant, agent)
Statement = tuple[date, str | None, datetime, str]


def upgrade() -> None:
    op.create_table(
        "agent_team",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("stated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "agent_id"], ["agent.tenant_id", "agent.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["tenant_id", "team_id"], ["team.tenant_id", "team.id"]),
        sa.PrimaryKeyConstraint("tenant_id", "agent_id", "from_day"),
    )
    _backfill()


def downgrade() -> None:
    op.drop_table("agent_team")


def _backfill() -> None:
    bind = op.get_bind()
    zones = {
        tenant: ZoneInfo(tz)
        for tenant, tz in bind.execute(sa.text("SELECT id, timezone FROM tenant"))
    }
    agents = _map(bind, "SELECT tenant_id, source, external_id, agent_id FROM agent_identity")
    teams = _map(bind, "SELECT tenant_id, source, external_id, team_id FROM team_identity")
    stated: dict[tuple[str, str], dict[date, Statement]] = defaultdict(dict)
    event = sa.table(
        "ticket_event",
        sa.column("tenant_id"),
        sa.column("source"),
        sa.column("event_id"),
        sa.column("type"),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("payload", sa.JSON),
    )
    rows = bind.execute(
        sa.select(
            event.c.tenant_id,
            event.c.source,
            event.c.event_id,
            event.c.occurred_at,
            event.c.payload,
        ).where(event.c.type == "agent.upserted")
    )
    for tenant, source, event_id, occurred_at, payload in rows:
        agent = agents.get((tenant, source, str(payload.get("agent_id"))))
        if agent is None:
            continue
        team_key = payload.get("team_id")
        team = teams.get((tenant, source, str(team_key))) if team_key else None
        at = _utc(occurred_at)
        _keep(stated[(tenant, agent)], (at.astimezone(zones[tenant]).date(), team, at, event_id))
    profiles = bind.execute(
        sa.text("SELECT tenant_id, id, team_id, profile_at, profile_event, created_at FROM agent")
    )
    for tenant, agent, team, profile_at, profile_event, created_at in profiles:
        if (tenant, agent) in stated or (team is None and profile_at is None):
            continue
        at = _utc(profile_at or created_at)
        day = at.astimezone(zones[tenant]).date()
        stated[(tenant, agent)][day] = (day, team, at, profile_event or "")
    _insert(bind, stated)


def _map(bind: Any, sql: str) -> dict[tuple[str, str, str], str]:
    return {(t, s, e): owner for t, s, e, owner in bind.execute(sa.text(sql))}


def _utc(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite without type information
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _keep(days: dict[date, Statement], s: Statement) -> None:
    kept = days.get(s[0])
    if kept is None or _order(s) > _order(kept):
        days[s[0]] = s


def _order(s: Statement) -> tuple[datetime, str, str]:
    return (s[2], s[3], s[1] or "")


def _insert(bind: Any, stated: dict[tuple[str, str], dict[date, Statement]]) -> None:
    """Each statement with the days it is in force (domain.memberships.in_force)."""
    table = sa.table(
        "agent_team",
        sa.column("tenant_id"),
        sa.column("agent_id"),
        sa.column("from_day", sa.Date),
        sa.column("team_id"),
        sa.column("stated_at", sa.DateTime(timezone=True)),
        sa.column("ref"),
        sa.column("valid_from", sa.Date),
        sa.column("valid_to", sa.Date),
    )
    sqlite = bind.dialect.name == "sqlite"
    rows = []
    for (tenant, agent), days in stated.items():
        ordered = sorted(days.values())
        winners: list[Statement] = []
        for s in ordered:
            if not winners or _order(s) > _order(winners[-1]):
                winners.append(s)
        ranges = {
            s[0]: (
                date.min if i == 0 else s[0],
                winners[i + 1][0] if i + 1 < len(winners) else None,
            )
            for i, s in enumerate(winners)
        }
        for day, team, at, ref in ordered:
            valid_from, valid_to = ranges.get(day, (day, day))
            rows.append(
                {
                    "tenant_id": tenant,
                    "agent_id": agent,
                    "from_day": day,
                    "team_id": team,
                    "stated_at": at.replace(tzinfo=None) if sqlite else at,
                    "ref": ref,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                }
            )
    for offset in range(0, len(rows), 1000):
        bind.execute(table.insert(), rows[offset : offset + 1000])
