"""Ticket rows: the projection of each ticket's folded facts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from domain.fold import TicketFacts
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks, insert_for, is_postgres
from infra.db.tables import TICKET
from infra.db.types import utcnow
from infra.db.unnest import insert_unnest

_KEY = ("tenant_id", "source", "external_id")


class SqlTickets(TenantRepository):
    def save_facts(
        self,
        source: str,
        facts: Iterable[TicketFacts],
        *,
        agents: Mapping[str, str],
        teams: Mapping[str, str],
    ) -> None:
        now = utcnow()
        rows = [self._row(source, f, agents, teams, now) for f in facts]
        if rows and is_postgres(self.session):
            insert_unnest(self.session, TICKET, rows, conflict=_KEY, update=True)
            return
        for part in chunks(rows):
            stmt = insert_for(self.session, TICKET).values(list(part))
            updated = {c: stmt.excluded[c] for c in part[0] if c not in _KEY}
            self.session.execute(stmt.on_conflict_do_update(index_elements=_KEY, set_=updated))

    def _row(
        self,
        source: str,
        f: TicketFacts,
        agents: Mapping[str, str],
        teams: Mapping[str, str],
        now: datetime,
    ) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "source": source,
            "external_id": f.ticket_id,
            "channel": f.channel,
            "priority": f.priority,
            "requester_id": f.requester_id,
            "team_id": teams.get(f.team) if f.team else None,
            "assignee_id": agents.get(f.assignee) if f.assignee else None,
            "status": f.status.value,
            "created_at": f.created_at,
            "first_reply_at": f.first_reply.at if f.first_reply else None,
            "first_solved_at": f.first_solve.at if f.first_solve else None,
            "reopen_count": f.reopen_count,
            "public_agent_reply_count": f.public_agent_replies,
            "updated_at": now,
        }
