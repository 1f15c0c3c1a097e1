"""Score snapshots: written by the pipeline, read by the API."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, delete, select

from domain.metrics import Level
from domain.periods import GRAINS, Grain, Period, period_start
from domain.ports import Snapshot
from infra.db.codec import (
    breakdown_from_json,
    breakdown_to_json,
    metrics_from_json,
    metrics_to_json,
)
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks, insert_for
from infra.db.tables import SCORE_SNAPSHOT
from infra.db.types import utcnow

T = SCORE_SNAPSHOT.c
_KEY = ("tenant_id", "subject_type", "subject_id", "grain", "period_start")


class SqlSnapshots(TenantRepository):
    def save(self, snapshots: Sequence[Snapshot]) -> None:
        """Upsert snapshots; a subject left without any data loses its snapshot."""
        for s in snapshots:
            if not _has_data(s):
                self.session.execute(delete(SCORE_SNAPSHOT).where(*self._key(s)))
        rows = [self._row(s) for s in snapshots if _has_data(s)]
        for part in chunks(rows):
            stmt = insert_for(self.session, SCORE_SNAPSHOT).values(list(part))
            updated = {c: stmt.excluded[c] for c in part[0] if c not in _KEY}
            self.session.execute(stmt.on_conflict_do_update(index_elements=_KEY, set_=updated))

    def delete_since(self, since: date | None) -> None:
        """Drop the snapshots of every period that ends after `since` (None: all)."""
        mine = T.tenant_id == self.tenant_id
        if since is None:
            self.session.execute(delete(SCORE_SNAPSHOT).where(mine))
            return
        for grain in GRAINS:
            self.session.execute(
                delete(SCORE_SNAPSHOT).where(
                    mine, T.grain == grain.value, T.period_start >= period_start(grain, since)
                )
            )

    def _key(self, s: Snapshot) -> list[ColumnElement[bool]]:
        return [
            T.tenant_id == self.tenant_id,
            T.subject_type == s.level.value,
            T.subject_id == s.subject_id,
            T.grain == s.period.grain.value,
            T.period_start == s.period.start,
        ]

    def _row(self, s: Snapshot) -> dict[str, Any]:
        b = s.breakdown
        return {
            "tenant_id": self.tenant_id,
            "subject_type": s.level.value,
            "subject_id": s.subject_id,
            "grain": s.period.grain.value,
            "period_start": s.period.start,
            "model_id": s.model_id,
            "model_version": b.model_version if b else None,
            "total": b.total if b else None,
            "metrics": metrics_to_json(s.metrics),
            "breakdown": breakdown_to_json(b) if b else {},
            "signals": dict(s.signals),
            "computed_at": utcnow(),
        }

    def for_period(
        self, level: Level, period: Period, subjects: Collection[str] | None = None
    ) -> dict[str, Snapshot]:
        stmt = select(SCORE_SNAPSHOT).where(
            T.tenant_id == self.tenant_id,
            T.subject_type == level.value,
            T.grain == period.grain.value,
            T.period_start == period.start,
        )
        if subjects is not None:
            stmt = stmt.where(T.subject_id.in_(sorted(subjects)))
        return {row.subject_id: _snapshot(row) for row in self.session.execute(stmt)}

    def periods_since(self, since: date | None) -> list[Period]:
        stmt = select(T.grain, T.period_start).distinct().where(T.tenant_id == self.tenant_id)
        if since is not None:
            stmt = stmt.where(T.period_start >= since)
        return sorted(Period(Grain(g), start) for g, start in self.session.execute(stmt))

    def in_period(self, period: Period) -> list[Snapshot]:
        stmt = select(SCORE_SNAPSHOT).where(
            T.tenant_id == self.tenant_id,
            T.grain == period.grain.value,
            T.period_start == period.start,
        )
        return [_snapshot(row) for row in self.session.execute(stmt)]

    def periods(self, grain: Grain) -> list[Period]:
        stmt = (
            select(T.period_start)
            .distinct()
            .where(T.tenant_id == self.tenant_id, T.grain == grain.value)
        )
        return [Period(grain, start) for start in self.session.execute(stmt).scalars()]


def _has_data(s: Snapshot) -> bool:
    return any(v.value is not None or v.sample_size > 0 for v in s.metrics.values())


def _snapshot(row: Any) -> Snapshot:
    return Snapshot(
        level=Level(row.subject_type),
        subject_id=row.subject_id,
        period=Period(Grain(row.grain), row.period_start),
        metrics=metrics_from_json(row.metrics),
        breakdown=breakdown_from_json(row.breakdown) if row.breakdown else None,
        model_id=row.model_id,
        computed_at=row.computed_at,
        signals=dict(row.signals or {}),
    )
