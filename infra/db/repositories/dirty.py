"""Snapshots waiting for the next roll-up (see DirtyPeriodRow)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, tuple_

from domain.metrics import Level
from domain.periods import Grain, Period
from domain.ports import DirtyEntry
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks, insert_for
from infra.db.tables import DIRTY_PERIOD

D = DIRTY_PERIOD.c
_KEY = ("tenant_id", "grain", "period_start", "level", "subject_id")


class SqlDirty(TenantRepository):
    def mark(self, entries: Iterable[DirtyEntry]) -> int:
        rows = [
            {
                "tenant_id": self.tenant_id,
                "grain": e.period.grain.value,
                "period_start": e.period.start,
                "level": e.level.value,
                "subject_id": e.subject_id,
            }
            for e in set(entries)
        ]
        for part in chunks(rows):
            stmt = insert_for(self.session, DIRTY_PERIOD).values(list(part))
            self.session.execute(stmt.on_conflict_do_nothing(index_elements=_KEY))
        return len(rows)

    def take(self, limit: int) -> list[DirtyEntry]:
        """Up to `limit` entries, removed as they are taken (the caller's transaction
        decides whether that sticks)."""
        stmt = (
            select(D.grain, D.period_start, D.level, D.subject_id)
            .where(D.tenant_id == self.tenant_id)
            .order_by(D.grain, D.period_start)
            .limit(limit)
        )
        rows = list(self.session.execute(stmt))
        for part in chunks(rows):
            self.session.execute(
                delete(DIRTY_PERIOD).where(
                    D.tenant_id == self.tenant_id,
                    tuple_(D.grain, D.period_start, D.level, D.subject_id).in_(
                        [tuple(r) for r in part]
                    ),
                )
            )
        return [
            DirtyEntry(Period(Grain(g), start), Level(level), subject)
            for g, start, level, subject in rows
        ]
