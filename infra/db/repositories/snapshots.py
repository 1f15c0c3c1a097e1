"""Score snapshots: written by the pipeline, read by the API."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import ColumnElement, bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from domain.metrics import Basis, Level
from domain.model import KpiModel, default_model
from domain.periods import GRAINS, Grain, Period, period_start
from domain.ports import Snapshot, TenantId
from infra.db.codec import (
    breakdown_from_json,
    breakdown_to_json,
    metrics_from_json,
    metrics_to_json,
)
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.models import SqlModels
from infra.db.sql import chunks, insert_for, is_postgres
from infra.db.tables import SCORE_SNAPSHOT
from infra.db.types import utcnow

T = SCORE_SNAPSHOT.c
_KEY = ("tenant_id", "subject_type", "subject_id", "grain", "period_start")


class SqlSnapshots(TenantRepository):
    def __init__(self, session: Session, tenant_id: TenantId) -> None:
        super().__init__(session, tenant_id)
        self._models: dict[tuple[str | None, int], KpiModel] | None = None

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

    def scoring_inputs(
        self, *, since: date | None, metrics: Collection[tuple[str, Basis]]
    ) -> list[Snapshot]:
        names = sorted(f"{key}|{basis.value}" for key, basis in metrics)
        where = [T.tenant_id == self.tenant_id]
        if since is not None:
            where.append(T.period_start >= since)
        # Only the metrics the models read leave the database, one JSON key each.
        by_key = is_postgres(self.session)
        picked = [T.metrics[name] for name in names] if by_key else [T.metrics]
        stmt = select(T.subject_type, T.subject_id, T.grain, T.period_start, *picked).where(*where)
        levels = {lv.value: lv for lv in Level}
        grains = {g.value: g for g in Grain}
        out = []
        for row in self.session.execute(stmt):
            found = dict(zip(names, row[4:], strict=True)) if by_key else row[4] or {}
            values = {k: v for k, v in found.items() if v is not None and k in names}
            out.append(
                Snapshot(
                    level=levels[row[0]],
                    subject_id=row[1],
                    period=Period(grains[row[2]], _as_date(row[3])),
                    metrics=metrics_from_json(values, intervals=False),
                    breakdown=None,
                    model_id=None,
                )
            )
        return out

    def update_scores(self, snapshots: Sequence[Snapshot]) -> None:
        rows = [
            {
                "subject_type": s.level.value,
                "subject_id": s.subject_id,
                "grain": s.period.grain.value,
                "period_start": s.period.start,
                "total": s.breakdown.total if s.breakdown else None,
                "model_id": s.model_id,
                "model_version": s.breakdown.model_version if s.breakdown else None,
                "breakdown": breakdown_to_json(s.breakdown) if s.breakdown else {},
            }
            for s in snapshots
        ]
        if not rows:
            return
        if is_postgres(self.session):
            self._update_scores_by_copy(rows)
            return
        stmt = (
            update(SCORE_SNAPSHOT)
            .where(
                T.tenant_id == self.tenant_id,
                T.subject_type == bindparam("k_type"),
                T.subject_id == bindparam("k_id"),
                T.grain == bindparam("k_grain"),
                T.period_start == bindparam("k_start"),
            )
            .values(
                total=bindparam("total"),
                model_id=bindparam("model_id"),
                model_version=bindparam("model_version"),
                breakdown=bindparam("breakdown"),
                computed_at=utcnow(),
            )
        )
        self.session.execute(
            stmt,
            [
                {
                    "k_type": r["subject_type"],
                    "k_id": r["subject_id"],
                    "k_grain": r["grain"],
                    "k_start": r["period_start"],
                    **{k: r[k] for k in ("total", "model_id", "model_version", "breakdown")},
                }
                for r in rows
            ],
        )

    def _update_scores_by_copy(self, rows: list[dict[str, Any]]) -> None:
        """COPY into a temporary table, then one UPDATE … FROM: thousands of rows a second."""
        self.session.execute(
            text(
                "CREATE TEMP TABLE rescored (subject_type text, subject_id text, grain text, "
                "period_start date, total float8, model_id text, model_version int, "
                "breakdown jsonb) ON COMMIT DROP"
            )
        )
        columns = list(rows[0])
        raw: Any = self.session.connection().connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY rescored ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([_copy_value(row[c]) for c in columns])
        self.session.execute(
            text(
                "UPDATE score_snapshot s SET total = r.total, model_id = r.model_id, "
                "model_version = r.model_version, breakdown = r.breakdown, computed_at = now() "
                "FROM rescored r WHERE s.tenant_id = :tenant AND s.subject_type = r.subject_type "
                "AND s.subject_id = r.subject_id AND s.grain = r.grain "
                "AND s.period_start = r.period_start"
            ),
            {"tenant": self.tenant_id},
        )

    def save_many(self, snapshots: Sequence[Snapshot]) -> None:
        rows = [self._row(s) for s in snapshots if _has_data(s)]
        if not rows:
            return
        if not is_postgres(self.session):
            self.session.execute(SCORE_SNAPSHOT.insert(), rows)
            return
        columns = list(rows[0])
        raw: Any = self.session.connection().connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY score_snapshot ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([_copy_value(row[c]) for c in columns])

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

    def _snapshot(self, row: Any) -> Snapshot:
        model = self._model(row.model_id, row.model_version)
        return Snapshot(
            level=Level(row.subject_type),
            subject_id=row.subject_id,
            period=Period(Grain(row.grain), row.period_start),
            metrics=metrics_from_json(row.metrics),
            breakdown=breakdown_from_json(row.breakdown, model) if row.breakdown else None,
            model_id=row.model_id,
            computed_at=row.computed_at,
            signals=dict(row.signals or {}),
        )

    def _model(self, model_id: str | None, version: int | None) -> KpiModel:
        """The model version a snapshot was scored with (its components explain it)."""
        if model_id is None or version is None:
            return default_model()
        if self._models is None:
            self._models = {
                (v.model.id, v.model.version): v.model
                for v in SqlModels(self.session, self.tenant_id).versions()
            }
        return self._models.get((model_id, version)) or default_model()

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
        return {row.subject_id: self._snapshot(row) for row in self.session.execute(stmt)}

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
        return [self._snapshot(row) for row in self.session.execute(stmt)]

    def periods(self, grain: Grain) -> list[Period]:
        stmt = (
            select(T.period_start)
            .distinct()
            .where(T.tenant_id == self.tenant_id, T.grain == grain.value)
        )
        return [Period(grain, start) for start in self.session.execute(stmt).scalars()]


def _copy_value(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, dict | list) else value


def _has_data(s: Snapshot) -> bool:
    return any(v.value is not None or v.sample_size > 0 for v in s.metrics.values())


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
