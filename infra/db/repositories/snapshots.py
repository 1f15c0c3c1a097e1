"""Snapshots: metric values per subject and period (score_snapshot) and their weighted
scores (snapshot_score). Written by the pipeline, read by the API."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Select, Table, Text, and_, cast, delete, select
from sqlalchemy.orm import Session

from domain.casemix import ADJUSTED_METRICS
from domain.metrics import Basis, Level
from domain.model import KpiModel, default_model
from domain.periods import Grain, Period
from domain.ports import TenantId
from domain.scoring import MetricField, ScoreBreakdown
from domain.snapshots import ScoredGroup, ScoreKey, ScoringRow, Snapshot, WrittenScores
from domain.values import MetricSet, has_data, is_empty, with_counts
from infra.db.codec import (
    breakdown_from_json,
    breakdown_to_json,
    metrics_from_json,
    metrics_to_json,
)
from infra.db.copy import bulk_insert
from infra.db.repositories import rescoring
from infra.db.repositories import snapshot_deletes as deletes
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.models import SqlModels
from infra.db.sql import as_date, chunks, insert_for, is_postgres
from infra.db.tables import SCORE_SNAPSHOT, SNAPSHOT_SCORE
from infra.db.types import utcnow
from infra.db.unnest import insert_unnest

T, S = SCORE_SNAPSHOT.c, SNAPSHOT_SCORE.c
_KEY = ("tenant_id", "subject_type", "subject_id", "grain", "period_start")
# The stored keys of the case-mix adjusted streams (codec: "key|BASIS").
_ADJUSTED = tuple(f"{key}|{basis.value}" for key in ADJUSTED_METRICS for basis in Basis)


class SqlSnapshots(TenantRepository):
    def __init__(self, session: Session, tenant_id: TenantId) -> None:
        super().__init__(session, tenant_id)
        self._models: dict[tuple[str | None, int], KpiModel] | None = None
        # The scores written in this transaction: the unit of work announces them once
        # they are committed (infra/live), one key per subject-period however many writes.
        self.written = WrittenScores()

    def take_written(self) -> WrittenScores:
        """The scores written since the last call (the unit of work's commit or rollback)."""
        written, self.written = self.written, WrittenScores()
        return written

    # writing ---------------------------------------------------------------------------
    def save(self, snapshots: Sequence[Snapshot]) -> None:
        """Upsert snapshots; a subject left without any data loses its snapshot."""
        self._note(snapshots)
        emptied = [_key(s) for s in snapshots if not _has_data(s)]
        deletes.delete_keys(self.session, self.tenant_id, emptied)
        kept = [s for s in snapshots if _has_data(s)]
        self._upsert(SCORE_SNAPSHOT, [self._metrics_row(s) for s in kept])
        self._upsert(SNAPSHOT_SCORE, [self._score_row(s) for s in kept])

    def _upsert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if is_postgres(self.session):
            # One constant statement over arrays, whatever the row count (infra/db/unnest.py):
            # a roll-up's multi-row VALUES was compiled and parsed afresh for each count.
            insert_unnest(self.session, table, rows, conflict=_KEY, update=True)
            return
        for part in chunks(rows):
            stmt = insert_for(self.session, table).values(list(part))
            updated = {c: stmt.excluded[c] for c in part[0] if c not in _KEY}
            self.session.execute(stmt.on_conflict_do_update(index_elements=_KEY, set_=updated))

    def save_many(self, snapshots: Sequence[Snapshot]) -> None:
        self._note(snapshots)
        kept = [s for s in snapshots if _has_data(s)]
        bulk_insert(self.session, SCORE_SNAPSHOT, [self._metrics_row(s) for s in kept])
        bulk_insert(self.session, SNAPSHOT_SCORE, [self._score_row(s) for s in kept])

    def update_scores(self, snapshots: Sequence[Snapshot], *, since: date | None) -> None:
        """Replace the scores of every period starting on/after `since` (a re-score):
        narrow rows, deleted and re-inserted in bulk."""
        self._note(snapshots)
        mine = [S.tenant_id == self.tenant_id]
        if since is not None:
            mine.append(S.period_start >= since)
        self.session.execute(delete(SNAPSHOT_SCORE).where(*mine))
        bulk_insert(self.session, SNAPSHOT_SCORE, [self._score_row(s) for s in snapshots])

    def replace_scores(
        self, batches: Iterable[Iterable[ScoredGroup]], *, since: date | None
    ) -> int:
        """A re-score's fast path: every score since `since` deleted, these written in bulk
        (see infra.db.repositories.rescoring)."""
        noted = (self._note_rows(batch) for batch in batches)
        return rescoring.replace(
            self.session, self.tenant_id, noted, since=since, scored_at=utcnow()
        )

    def _note(self, snapshots: Iterable[Snapshot]) -> None:
        for s in snapshots:
            self.written.add(ScoreKey(s.level, s.subject_id, s.period))

    def _note_rows(self, groups: Iterable[ScoredGroup]) -> Iterator[ScoredGroup]:
        written = self.written
        for group in groups:
            if not written.overflow:  # past the limit only "more" is announced
                for s in group.rows:
                    written.add(ScoreKey(s.level, s.subject_id, s.period))
            yield group

    def replace_period(self, period: Period, snapshots: Sequence[Snapshot]) -> None:
        # the stored subjects not among these go here; those among them `save` upserts,
        # or deletes where they are left without data
        named = {_key(s) for s in snapshots}
        stored = deletes.keys_of_period(self.session, self.tenant_id, period)
        deletes.delete_keys(self.session, self.tenant_id, [k for k in stored if k not in named])
        self.save(snapshots)

    def delete_since(self, since: date | None, *, keep: Collection[Period] = ()) -> None:
        if not keep:  # every period since: a range per grain
            deletes.delete_since(self.session, self.tenant_id, since)
            return
        kept = set(keep)
        for period in deletes.stored_periods(self.session, self.tenant_id, since):
            if period not in kept:
                keys = deletes.keys_of_period(self.session, self.tenant_id, period)
                deletes.delete_keys(self.session, self.tenant_id, keys)

    def _keys(self, s: Snapshot) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "subject_type": s.level.value,
            "subject_id": s.subject_id,
            "grain": s.period.grain.value,
            "period_start": s.period.start,
        }

    def _metrics_row(self, s: Snapshot) -> dict[str, Any]:
        return {
            **self._keys(s),
            "metrics": stored_metrics(s.metrics),
            "signals": dict(s.signals),
            "computed_at": utcnow(),
        }

    def _score_row(self, s: Snapshot) -> dict[str, Any]:
        b = s.breakdown
        return {
            **self._keys(s),
            "model_id": s.model_id,
            "model_version": b.model_version if b else None,
            "total": b.total if b else None,
            "breakdown": breakdown_to_json(b) if b else {},
            "scored_at": utcnow(),
        }

    # reading ---------------------------------------------------------------------------
    def for_period(
        self, level: Level, period: Period, subjects: Collection[str] | None = None
    ) -> dict[str, Snapshot]:
        stmt = self._joined().where(
            T.subject_type == level.value,
            T.grain == period.grain.value,
            T.period_start == period.start,
        )
        if subjects is not None:
            stmt = stmt.where(T.subject_id.in_(sorted(subjects)))
        return {row.subject_id: self._snapshot(row) for row in self.session.execute(stmt)}

    def adjusted(self, level: Level, period: Period) -> dict[str, MetricSet]:
        # PostgreSQL sends only the adjusted streams' entries (a row is ~11 KB, they are
        # a tenth of it); SQLite parses the whole text here.
        by_key = is_postgres(self.session)
        picked = [T.metrics[name] for name in _ADJUSTED] if by_key else [_text(T.metrics)]
        stmt = select(T.subject_id, *picked).where(
            T.tenant_id == self.tenant_id,
            T.subject_type == level.value,
            T.grain == period.grain.value,
            T.period_start == period.start,
        )
        out: dict[str, MetricSet] = {}
        for row in self.session.execute(stmt):
            found = dict(zip(_ADJUSTED, row[1:], strict=True)) if by_key else orjson.loads(row[1])
            values = {k: found[k] for k in _ADJUSTED if found.get(k) is not None}
            out[row[0]] = metrics_from_json(values, intervals=False)
        return out

    def of_subject(
        self, level: Level, subject_id: str, periods: Collection[Period]
    ) -> dict[Period, Snapshot]:
        """One subject's snapshots of several periods, in one query per grain."""
        out: dict[Period, Snapshot] = {}
        for grain in sorted({p.grain for p in periods}, key=lambda g: g.value):
            starts = sorted(p.start for p in periods if p.grain is grain)
            stmt = self._joined().where(
                T.subject_type == level.value,
                T.subject_id == subject_id,
                T.grain == grain.value,
                T.period_start.in_(starts),
            )
            for row in self.session.execute(stmt):
                snapshot = self._snapshot(row)
                out[snapshot.period] = snapshot
        return out

    def history(
        self, level: Level, subject_id: str, grain: Grain, *, first: date, last: date
    ) -> dict[Period, Snapshot]:
        """One subject's snapshots of the `grain` periods starting in [first, last]: one
        statement, whatever the number of periods (a trend chart)."""
        stmt = self._joined().where(
            T.subject_type == level.value,
            T.subject_id == subject_id,
            T.grain == grain.value,
            T.period_start.between(first, last),
        )
        return {(s := self._snapshot(row)).period: s for row in self.session.execute(stmt)}

    def _joined(self) -> Select[Any]:
        on = and_(*(S[k] == T[k] for k in _KEY))
        return (
            select(
                T.subject_type,
                T.subject_id,
                T.grain,
                T.period_start,
                # as text, parsed by orjson in _snapshot: the driver's json module took
                # a fifth of a 1,000-agent read (issue 12)
                _text(T.metrics),
                _text(T.signals),
                T.computed_at,
                S.model_id,
                S.model_version,
                _text(S.breakdown),
            )
            .select_from(SCORE_SNAPSHOT.outerjoin(SNAPSHOT_SCORE, on))
            .where(T.tenant_id == self.tenant_id)
        )

    def scoring_inputs(
        self, *, since: date | None, metrics: Collection[tuple[str, Basis]]
    ) -> list[Snapshot]:
        names = sorted(f"{key}|{basis.value}" for key, basis in metrics)
        by_key = is_postgres(self.session)  # only the metrics the models read leave PG
        picked = [T.metrics[name] for name in names] if by_key else [T.metrics]
        stmt = select(T.subject_type, T.subject_id, T.grain, T.period_start, *picked).where(
            T.tenant_id == self.tenant_id
        )
        if since is not None:
            stmt = stmt.where(T.period_start >= since)
        levels, grains = {lv.value: lv for lv in Level}, {g.value: g for g in Grain}
        out = []
        for row in self.session.execute(stmt):
            found = dict(zip(names, row[4:], strict=True)) if by_key else row[4] or {}
            values = {k: v for k, v in found.items() if v is not None and k in names}
            level = levels[row[0]]
            out.append(
                Snapshot(
                    level=level,
                    subject_id=row[1],
                    period=Period(grains[row[2]], as_date(row[3])),
                    metrics=with_counts(metrics_from_json(values, intervals=False), level=level),
                    breakdown=None,
                    model_id=None,
                )
            )
        return out

    def scoring_rows(
        self, *, since: date | None, fields: Sequence[MetricField], level: Level | None = None
    ) -> Iterator[Sequence[ScoringRow]]:
        return rescoring.read(self.session, self.tenant_id, since=since, fields=fields, level=level)

    def periods(self, grain: Grain) -> list[Period]:
        stmt = (
            select(T.period_start)
            .distinct()
            .where(T.tenant_id == self.tenant_id, T.grain == grain.value)
        )
        return [Period(grain, start) for start in self.session.execute(stmt).scalars()]

    def _snapshot(self, row: Any) -> Snapshot:
        level = Level(row.subject_type)
        breakdown = None
        if row.breakdown:
            breakdown = _decoded_breakdown(
                row.breakdown, self._model(row.model_id, row.model_version)
            )
        return Snapshot(
            level=level,
            subject_id=row.subject_id,
            period=Period(Grain(row.grain), row.period_start),
            # a copy: the cached set is shared by every read of the same stored text
            metrics=dict(_decoded_metrics(row.metrics, level)),
            breakdown=breakdown,
            model_id=row.model_id,
            computed_at=row.computed_at,
            signals=orjson.loads(row.signals) if row.signals else {},
        )

    def _model(self, model_id: str | None, version: int | None) -> KpiModel:
        """The model version a snapshot was scored with (its components explain it)."""
        if model_id is None or version is None:
            return default_model()
        if self._models is None or (model_id, version) not in self._models:
            # (Re)loaded on a miss: a version saved in this unit of work is then found too.
            self._models = {
                (v.model.id, v.model.version): v.model
                for v in SqlModels(self.session, self.tenant_id).versions()
            }
        return self._models.get((model_id, version)) or default_model()


def stored_metrics(metrics: MetricSet) -> dict[str, list[Any]]:
    """Metrics as score_snapshot stores them: counts of 0 are implied (`with_counts` on
    the way back), so rows stay small."""
    # only a sample size of 0 can be empty: the common case skips building the empty value
    return metrics_to_json({k: v for k, v in metrics.items() if v.sample_size or not is_empty(v)})


# Decoding stored JSON into domain values was most of a snapshot read (issue 12: a
# quarter of a 1,000-agent agentScores). The caches are keyed by what the decoding reads
# and nothing else — the stored text itself, the level, the model (compared by value) —
# so a rewritten snapshot is a new key and an answer can never be stale; what they hold
# is immutable (frozen values; the metric dict is copied out). Bounded: an agent snapshot
# is ~11 KB decoded with its text, so ~22 MB a process at most.
_DECODED = 2048


@lru_cache(maxsize=_DECODED)
def _decoded_metrics(stored: str, level: Level) -> MetricSet:
    return with_counts(metrics_from_json(orjson.loads(stored)), level=level)


@lru_cache(maxsize=_DECODED)
def _decoded_breakdown(stored: str, model: KpiModel) -> ScoreBreakdown | None:
    breakdown = orjson.loads(stored)
    return breakdown_from_json(breakdown, model) if breakdown else None


def _text(column: Any) -> Any:
    return cast(column, Text).label(column.name)


def _key(s: Snapshot) -> deletes.Key:
    return (s.level.value, s.subject_id, s.period.grain.value, s.period.start)


def _has_data(s: Snapshot) -> bool:
    return has_data(s.metrics)
