"""The append-only event log (and the rating projection that rides on it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from domain.events import CanonicalEvent, TicketRated, stream_of, to_json
from domain.stored_events import from_stored
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks, insert_for, is_postgres
from infra.db.tables import RATING, TICKET_EVENT
from infra.db.types import utcnow
from infra.db.unnest import insert_unnest

E = TICKET_EVENT.c
_KEY = ("tenant_id", "source", "event_id")


class SqlEventLog(TenantRepository):
    def add(self, source: str, events: Sequence[CanonicalEvent]) -> list[CanonicalEvent]:
        unique = list({e.id: e for e in events}.values())
        new_ids = self._insert_new([self._row(source, e) for e in unique])
        new = [e for e in unique if e.id in new_ids]
        self._project_ratings(source, [e for e in new if isinstance(e, TicketRated)])
        return new

    def _insert_new(self, rows: list[dict[str, Any]]) -> set[str]:
        """Store the rows not stored before; returns their event ids."""
        if not rows:
            return set()
        if is_postgres(self.session):
            stored = insert_unnest(
                self.session, TICKET_EVENT, rows, conflict=_KEY, returning="event_id"
            )
            return set(stored.scalars())
        new_ids: set[str] = set()
        for part in chunks(rows):
            stmt = (
                insert_for(self.session, TICKET_EVENT)
                .values(list(part))
                .on_conflict_do_nothing(index_elements=list(_KEY))
                .returning(E.event_id)
            )
            new_ids.update(self.session.execute(stmt).scalars())
        return new_ids

    def _row(self, source: str, event: CanonicalEvent) -> dict[str, Any]:
        # received_at is given (not the column default): the PostgreSQL path bypasses it.
        return {
            "tenant_id": self.tenant_id,
            "source": source,
            "event_id": event.id,
            "type": event.type,
            "occurred_at": event.occurred_at,
            "stream": stream_of(event),
            "payload": to_json(event),
            "received_at": utcnow(),
        }

    def _project_ratings(self, source: str, ratings: list[TicketRated]) -> None:
        rows = [
            {
                "tenant_id": self.tenant_id,
                "source": source,
                "event_id": r.id,
                "ticket_id": r.ticket_id,
                "kind": r.kind.value,
                "score": r.score,
                "scale_max": r.scale_max,
                "comment": r.comment,
                "occurred_at": r.occurred_at,
            }
            for r in ratings
        ]
        if rows:
            self.session.execute(RATING.insert(), rows)

    def history(self, source: str, streams: Collection[str]) -> dict[str, list[CanonicalEvent]]:
        out: dict[str, list[CanonicalEvent]] = defaultdict(list)
        for part in chunks(sorted(streams)):
            stmt = select(E.stream, E.payload).where(
                E.tenant_id == self.tenant_id, E.source == source, E.stream.in_(part)
            )
            # validated when stored: decoded as the bulk rebuild decodes them
            for stream, payload in self.session.execute(stmt):
                out[stream].append(from_stored(payload))
        return out

    def streams(self, since: datetime | None, *, prefix: str = "") -> list[tuple[str, str]]:
        stmt = (
            select(E.source, E.stream)
            .distinct()
            .where(E.tenant_id == self.tenant_id, E.type != "agent.upserted")
        )
        if prefix:
            stmt = stmt.where(E.stream.startswith(prefix, autoescape=True))
        if since is not None:
            stmt = stmt.where(E.occurred_at >= since)
        return sorted((source, stream) for source, stream in self.session.execute(stmt))
