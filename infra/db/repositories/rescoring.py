"""The SQL of a re-score (SqlSnapshots.scoring_rows / replace_scores): stream the few
numbers the models read out of score_snapshot, write scores back into snapshot_score.

On PostgreSQL the numbers leave as typed columns (`metrics->'key'->>i`) through a cursor,
BATCH rows a FETCH (`rescoring_pg.Inputs`: read ahead, the writer fetching a batch after
each write, so that Python scores while the server writes and reads). Scores already there are
updated in place (rescoring_pg); a range without scores (a bulk rebuild's) gets one COPY
per batch. Elsewhere (SQLite) the metrics column is read, the range's scores deleted and one
executemany per batch inserts. Tested equal to the per-snapshot path
(tests/integration/test_rescore_fast_path.py) on both.
"""

from __future__ import annotations

import gc
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domain.metrics import Level
from domain.periods import Grain, Period
from domain.ports import TenantId
from domain.scoring import MetricField
from domain.scoring_columns import scored_rows
from domain.snapshots import ScoredGroup, ScoringRow
from infra.db.codec import CASE_MIX_AT
from infra.db.copy import copy_in
from infra.db.repositories import rescoring_pg
from infra.db.repositories.score_text import (  # re-exported: the codec's tests, bulk scores
    NULL,
    STATUS_CODE,
    breakdown_text,
    breakdowns,
    copy_lines,
    copy_text,
)
from infra.db.sql import as_date, is_postgres
from infra.db.tables import SCORE_SNAPSHOT, SNAPSHOT_SCORE

__all__ = [
    "NULL",
    "POSITION",
    "STATUS_CODE",
    "breakdown_text",
    "breakdowns",
    "copy_lines",
    "copy_text",
    "read",
    "replace",
    "seldom_collected",
]

BATCH = 10_000  # rows a FETCH (and a write): the first and last batch are not overlapped
T, S = SCORE_SNAPSHOT.c, SNAPSHOT_SCORE.c

# Where metrics_to_json puts a MetricValue's numbers: [value, sample, mean, median, p90,
# positives] (tests/unit/infra/test_rescoring_codec.py ties the two together).
POSITION = {
    **{"value": 0, "sample_size": 1, "mean": 2, "median": 3, "p90": 4, "positives": 5},
    **{"observed": CASE_MIX_AT, "expected": CASE_MIX_AT + 1},  # case mix (codec)
}


class Periods(dict[tuple[str, date], Period]):
    """One Period object per (grain, start) read: a history has few of them."""

    def __missing__(self, key: tuple[str, date]) -> Period:
        period = self[key] = Period(Grain(key[0]), as_date(key[1]))
        return period


_LEVELS = {level.value: level for level in Level}
_CURSORS = itertools.count()  # server-side cursors of one connection need their own names


def read(
    session: Session,
    tenant_id: TenantId,
    *,
    since: date | None,
    fields: Sequence[MetricField],
    level: Level | None,
) -> Iterator[list[ScoringRow]]:
    periods = Periods()
    if not is_postgres(session):
        for batch in _portable_rows(session, tenant_id, since=since, fields=fields, level=level):
            yield [ScoringRow(_LEVELS[r[0]], r[1], periods[(r[2], r[3])], r[4:]) for r in batch]
        return
    # The key (subject type, subject id, grain, start, where its score is) is the score
    # row's; where, only when a re-score will update many of the range's scores in place.
    many = rescoring_pg.LOCATE_FROM
    tids = level is None and rescoring_pg.has_scores(session, tenant_id, since, many)
    for batch in _pg_rows(session, tenant_id, since=since, fields=fields, level=level, tids=tids):
        yield [ScoringRow(_LEVELS[r[0]], r[1], periods[(r[2], r[3])], r[5:], r[:5]) for r in batch]


def _pg_rows(
    session: Session,
    tenant_id: TenantId,
    *,
    since: date | None,
    fields: Sequence[MetricField],
    level: Level | None,
    tids: bool,
) -> Iterator[list[tuple[Any, ...]]]:
    numbers = [
        f"(t.metrics->%s->>{POSITION[name]})::{'int' if name == 'sample_size' else 'float8'}"
        for _, _, name in fields
    ]
    params: list[Any] = [f"{metric}|{basis.value}" for metric, basis, _ in fields]
    sql = "SELECT t.subject_type, t.subject_id, t.grain, t.period_start, "
    sql += f"{'s.tid' if tids else 'NULL'}, {', '.join(numbers)} FROM score_snapshot t"
    if tids:
        sql += f" LEFT JOIN ({rescoring_pg.LOCATIONS}) s ON {rescoring_pg.SAME_KEY}"
        params += [tenant_id, since or rescoring_pg.EVER]
    sql += " WHERE t.tenant_id = %s"
    params.append(tenant_id)
    if since is not None:
        sql += " AND t.period_start >= %s"
        params.append(since)
    if level is not None:
        sql += " AND t.subject_type = %s"
        params.append(level.value)
    raw: Any = session.connection().connection.driver_connection
    # A cursor of the transaction: rows come BATCH at a time, and other statements (the
    # writes of the scores) run between two FETCHes; the writer fetches a batch early.
    name = f"rescore_inputs_{next(_CURSORS)}"
    with rescoring_pg.planner(raw, rescoring_pg.HASHED if tids else {}):
        raw.execute(f"DECLARE {name} NO SCROLL CURSOR FOR {sql}", params)
        # (the hash is built, in work_mem, on the first FETCH)
        inputs = session.info[rescoring_pg.INPUTS] = rescoring_pg.Inputs(raw, name, BATCH)
        batch = inputs.take()
    try:
        while batch:
            yield batch
            batch = inputs.take()
    finally:
        if session.info.get(rescoring_pg.INPUTS) is inputs:
            del session.info[rescoring_pg.INPUTS]
    raw.execute(f"CLOSE {name}")


def _portable_rows(
    session: Session,
    tenant_id: TenantId,
    *,
    since: date | None,
    fields: Sequence[MetricField],
    level: Level | None,
) -> Iterator[list[tuple[Any, ...]]]:
    stmt = select(T.subject_type, T.subject_id, T.grain, T.period_start, T.metrics).where(
        T.tenant_id == tenant_id
    )
    if since is not None:
        stmt = stmt.where(T.period_start >= since)
    if level is not None:
        stmt = stmt.where(T.subject_type == level.value)
    wanted = [(f"{metric}|{basis.value}", POSITION[name]) for metric, basis, name in fields]
    result = session.execute(stmt.execution_options(yield_per=BATCH))
    for part in result.partitions():
        yield [(*row[:4], *_numbers(row[4] or {}, wanted)) for row in part]


def _numbers(metrics: dict[str, list[Any]], wanted: list[tuple[str, int]]) -> list[Any]:
    """What PostgreSQL's metrics->key->>i gives: None for an absent key or position."""
    out = []
    for name, position in wanted:
        row = metrics.get(name)
        out.append(row[position] if row is not None and position < len(row) else None)
    return out


def replace(
    session: Session,
    tenant_id: TenantId,
    batches: Iterable[Iterable[ScoredGroup]],
    *,
    since: date | None,
    scored_at: datetime,
) -> int:
    postgres = is_postgres(session)
    if postgres and rescoring_pg.has_scores(session, tenant_id, since):
        with seldom_collected():
            return rescoring_pg.upsert(
                session, tenant_id, batches, since=since, scored_at=scored_at
            )
    mine = [S.tenant_id == tenant_id]
    if since is not None:
        mine.append(S.period_start >= since)
    if not postgres:  # (PostgreSQL: there are none)
        session.execute(delete(SNAPSHOT_SCORE).where(*mine))
    write = _pg_copy if postgres else _portable_insert
    with seldom_collected():
        return sum(write(session, tenant_id, batch, scored_at) for batch in batches)


YOUNG_GC_THRESHOLD = 50_000  # container allocations between young collections (default 700)


@contextmanager
def seldom_collected() -> Iterator[None]:
    """A re-score allocates millions of short-lived tuples (rows, columns, text) and no
    cycles; at the default threshold the collector re-walked a batch's live rows ~30
    times per batch: ~a quarter of the re-score's Python CPU (2.76 -> 2.07 s with the
    collector off, 210k snapshots). Seldom is enough; the old setting comes back after.
    The bulk score stage runs under it too (infra.bulk.scores)."""
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_GC_THRESHOLD), *older)
    try:
        yield
    finally:
        gc.set_threshold(young, *older)


_COLUMNS = (
    "tenant_id",
    "subject_type",
    "subject_id",
    "grain",
    "period_start",
    "model_id",
    "model_version",
    "total",
    "breakdown",
    "scored_at",
)


def _pg_copy(
    session: Session, tenant_id: TenantId, groups: Iterable[ScoredGroup], scored_at: datetime
) -> int:
    """One COPY per batch; each group's rows go to the server as one chunk, which it
    parses while the next group is scored."""
    tail, tenant = f"\t{scored_at.isoformat()}\n", copy_text(tenant_id)
    count = 0
    with copy_in(session, "snapshot_score", _COLUMNS) as cp:
        for group in groups:
            cp.write(copy_lines(group, tail, tenant))
            count += len(group.rows)
    return count


def _portable_insert(
    session: Session, tenant_id: TenantId, groups: Iterable[ScoredGroup], scored_at: datetime
) -> int:
    values = [
        {
            "tenant_id": tenant_id,
            "subject_type": snapshot.level.value,
            "subject_id": snapshot.subject_id,
            "grain": snapshot.period.grain.value,
            "period_start": snapshot.period.start,
            "model_id": group.model_id,
            "model_version": group.model_version,
            "total": scored[0],
            "breakdown": json.loads(breakdown_text(scored)),
            "scored_at": scored_at,
        }
        for group in groups
        for snapshot, scored in zip(group.rows, scored_rows(group.scored), strict=True)
    ]
    if values:
        session.execute(SNAPSHOT_SCORE.insert(), values)
    return len(values)
