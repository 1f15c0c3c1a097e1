"""The derivation outbox (domain.derivation.outbox): subject-periods and coarse requests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Engine, Select, case, delete, exists, select, tuple_

from domain.derivation.outbox import DerivationRequest, DirtyEntry, Redo
from domain.integrations import PENDING
from domain.metrics import Level
from domain.periods import Grain, Period
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks, insert_for, is_postgres
from infra.db.tables import DERIVATION_REQUEST, DIRTY_PERIOD, WEBHOOK_DELIVERY
from infra.db.types import utcnow
from infra.db.unnest import insert_unnest

D = DIRTY_PERIOD.c
R = DERIVATION_REQUEST.c
W = WEBHOOK_DELIVERY.c
_DIRTY_KEY = ("tenant_id", "grain", "period_start", "level", "subject_id")


class SqlOutbox(TenantRepository):
    _recorded = False

    @property
    def recorded(self) -> bool:
        return self._recorded

    def reaggregate(self, entries: Iterable[DirtyEntry]) -> int:
        now = utcnow()
        rows = [
            {
                "tenant_id": self.tenant_id,
                "grain": e.period.grain.value,
                "period_start": e.period.start,
                "level": e.level.value,
                "subject_id": e.subject_id,
                "marked_at": now,
            }
            for e in set(entries)
        ]
        self._insert_new(rows)
        self._recorded = self._recorded or bool(rows)
        return len(rows)

    def _insert_new(self, rows: list[dict[str, Any]]) -> None:
        if rows and is_postgres(self.session):
            # one constant statement, whatever the row count (infra/db/unnest.py)
            insert_unnest(self.session, DIRTY_PERIOD, rows, conflict=_DIRTY_KEY)
            return
        for part in chunks(rows):
            stmt = insert_for(self.session, DIRTY_PERIOD).values(list(part))
            self.session.execute(stmt.on_conflict_do_nothing(index_elements=_DIRTY_KEY))

    def take(self, limit: int) -> list[DirtyEntry]:
        stmt = (
            select(D.grain, D.period_start, D.level, D.subject_id)
            .where(D.tenant_id == self.tenant_id)
            .order_by(D.grain, D.period_start)
            .limit(limit)
        )
        if is_postgres(self.session):
            # One statement: delete the first `limit` and return them (the tenant's claim
            # keeps any other taker away meanwhile).
            taken = delete(DIRTY_PERIOD).where(
                D.tenant_id == self.tenant_id,
                tuple_(D.grain, D.period_start, D.level, D.subject_id).in_(stmt),
            )
            returned = taken.returning(D.grain, D.period_start, D.level, D.subject_id)
            rows = sorted(self.session.execute(returned), key=lambda r: (r[0], r[1]))
            return [
                DirtyEntry(Period(Grain(g), start), Level(level), subject)
                for g, start, level, subject in rows
            ]
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

    def request(self, kind: Redo, *, key: str = "", since: date | None = None) -> None:
        stmt = insert_for(self.session, DERIVATION_REQUEST).values(
            tenant_id=self.tenant_id,
            kind=kind.value,
            key=key,
            since=since,
            revision=1,
            requested_at=utcnow(),
        )
        earliest = case(
            (R.since.is_(None), None),
            (stmt.excluded.since.is_(None), None),
            (stmt.excluded.since < R.since, stmt.excluded.since),
            else_=R.since,
        )
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=("tenant_id", "kind", "key"),
                set_={"since": earliest, "revision": R.revision + 1},
            )
        )
        self._recorded = True

    def requests(self) -> list[DerivationRequest]:
        stmt = (
            select(R.kind, R.key, R.since, R.revision)
            .where(R.tenant_id == self.tenant_id)
            .order_by(R.requested_at, R.kind, R.key)
        )
        return [
            DerivationRequest(Redo(kind), key, since, revision)
            for kind, key, since, revision in self.session.execute(stmt)
        ]

    def settle(self, request: DerivationRequest) -> bool:
        result = self.session.execute(
            delete(DERIVATION_REQUEST).where(
                R.tenant_id == self.tenant_id,
                R.kind == request.kind.value,
                R.key == request.key,
                R.revision == request.revision,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def pending(self) -> bool:
        """Whether any derivation work waits, pending deliveries included (the reconciler
        checks before it lets go): one statement."""
        return bool(self.session.execute(work_waits(self.tenant_id)).scalar())


def work_waits(tenant_id: str) -> Select[tuple[bool]]:
    """Whether a subject-period, a request or a pending delivery of the tenant waits (also
    the system login's look, which no policy scopes: hence the tenant in every clause)."""
    dirty = exists().where(D.tenant_id == tenant_id)
    asked = exists().where(R.tenant_id == tenant_id)
    waiting = exists().where(W.tenant_id == tenant_id, W.status == PENDING)
    return select(dirty | asked | waiting)


def waits_after_release(system_engine: Engine, tenant_id: str) -> bool:
    """The reconciler's last look once it has let the tenant go (PostgreSQL), on the system
    login: one statement in autocommit, without BEGIN, tenant scope or ROLLBACK round trips."""
    with system_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return bool(conn.execute(work_waits(tenant_id)).scalar())
