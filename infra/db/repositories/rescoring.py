"""The SQL of a re-score (SqlSnapshots.scoring_rows / replace_scores): stream the few
numbers the models read out of score_snapshot, write scores back into snapshot_score.

On PostgreSQL the numbers leave as typed columns (`metrics->'key'->>i`) through a
server-side cursor, in batches, and scores go back with one COPY per batch, as text the
server parses while the next rows are scored. Elsewhere (SQLite) the metrics column is
read and one executemany per batch inserts. Tested equal to the per-snapshot path
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
from domain.ports import ScoredGroup, ScoringRow, TenantId
from domain.scoring import ComponentStatus, MetricField, Scored
from domain.scoring_columns import ComponentColumns, scored_rows
from infra.db.codec import CASE_MIX_AT
from infra.db.copy import copy_in
from infra.db.sql import as_date, is_postgres
from infra.db.tables import SCORE_SNAPSHOT, SNAPSHOT_SCORE

BATCH = 20_000
T, S = SCORE_SNAPSHOT.c, SNAPSHOT_SCORE.c

# Where metrics_to_json puts a MetricValue's numbers: [value, sample, mean, median, p90,
# positives] (tests/unit/infra/test_rescoring_codec.py ties the two together).
POSITION = {
    **{"value": 0, "sample_size": 1, "mean": 2, "median": 3, "p90": 4, "positives": 5},
    **{"observed": CASE_MIX_AT, "expected": CASE_MIX_AT + 1},  # case mix (codec)
}
# breakdown_to_json's status codes
STATUS_CODE = {status: code for code, status in enumerate(ComponentStatus)}


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
    # The key is the start of the row COPY writes back: (tenant, subject, grain, start).
    tenant = copy_text(tenant_id)
    for batch in _pg_rows(session, tenant_id, since=since, fields=fields, level=level):
        yield [
            ScoringRow(
                _LEVELS[r[0]],
                r[1],
                periods[(r[2], r[3])],
                r[4:],
                f"{tenant}\t{r[0]}\t{copy_text(r[1])}\t{r[2]}\t{r[3]}\t",
            )
            for r in batch
        ]


def _pg_rows(
    session: Session,
    tenant_id: TenantId,
    *,
    since: date | None,
    fields: Sequence[MetricField],
    level: Level | None,
) -> Iterator[list[tuple[Any, ...]]]:
    numbers = [
        f"(metrics->%s->>{POSITION[name]})::{'int' if name == 'sample_size' else 'float8'}"
        for _, _, name in fields
    ]
    params: list[Any] = [f"{metric}|{basis.value}" for metric, basis, _ in fields]
    sql = f"SELECT subject_type, subject_id, grain, period_start, {', '.join(numbers)} "
    sql += "FROM score_snapshot WHERE tenant_id = %s"
    params.append(tenant_id)
    if since is not None:
        sql += " AND period_start >= %s"
        params.append(since)
    if level is not None:
        sql += " AND subject_type = %s"
        params.append(level.value)
    raw: Any = session.connection().connection.driver_connection
    # Server-side: rows come BATCH at a time, and other statements (the COPY of the
    # scores) may run between two fetches of the same transaction.
    with raw.cursor(name=f"rescore_inputs_{next(_CURSORS)}", binary=True) as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH):
            yield batch


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
    mine = [S.tenant_id == tenant_id]
    if since is not None:
        mine.append(S.period_start >= since)
    session.execute(delete(SNAPSHOT_SCORE).where(*mine))
    write = _pg_copy if is_postgres(session) else _portable_insert
    with _seldom_collected():
        return sum(write(session, tenant_id, batch, scored_at) for batch in batches)


YOUNG_GC_THRESHOLD = 50_000  # container allocations between young collections (default 700)


@contextmanager
def _seldom_collected() -> Iterator[None]:
    """A re-score allocates millions of short-lived tuples (rows, columns, text) and no
    cycles; at the default threshold the collector re-walked a batch's live rows ~30
    times per batch: ~a quarter of the re-score's Python CPU (2.76 -> 2.07 s with the
    collector off, 210k snapshots). Seldom is enough; the old setting comes back after."""
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
    tail = f"\t{scored_at.isoformat()}\n"
    count = 0
    with copy_in(session, "snapshot_score", _COLUMNS) as cp:
        for group in groups:
            cp.write(copy_lines(group, tail))
            count += len(group.rows)
    return count


def copy_lines(group: ScoredGroup, tail: str) -> str:
    """COPY text of a group's score rows, built column by column: each row's breakdown is
    `breakdown_text` of its Scored (tested)."""
    model = NULL if group.model_id is None else copy_text(group.model_id)
    head = f"{model}\t{group.model_version}\t"
    scored = group.scored
    totals = [NULL if t is None else repr(t) for t in scored.total]
    texts = [_component_texts(c) for c in scored.components]
    gates = [_GATES[f] if f in _GATES else _gates(f) for f in scored.failed]
    return "".join(
        [
            f'{row.key}{head}{total}\t{{"t": {_json(t)}, "u": {_json(u)}, "g": {g}, '
            f'"c": [{", ".join(parts)}]}}{tail}'
            for row, total, t, u, g, *parts in zip(
                group.rows, totals, scored.total, scored.uncapped, gates, *texts, strict=True
            )
        ]
        if texts
        else [
            f'{row.key}{head}{total}\t{{"t": {_json(t)}, "u": {_json(u)}, "g": {g}, "c": []}}{tail}'
            for row, total, t, u, g in zip(
                group.rows, totals, scored.total, scored.uncapped, gates, strict=True
            )
        ]
    )


def _component_texts(c: ComponentColumns) -> list[str]:
    """`breakdown_text`'s entry of one component, for every row."""
    values = ["null" if v is None else repr(v) for v in c.value]
    raws = [
        vt if r is v else ("null" if r is None else repr(r))
        for vt, v, r in zip(values, c.value, c.raw, strict=True)
    ]
    return [
        f"[{v}, {r}, {n}, null, null, null, {STATUS_CODE[st]}]"
        if a is None and p is None and q is None
        else f"[{v}, {r}, {n}, {_json(a)}, {_json(p)}, {_json(q)}, {STATUS_CODE[st]}]"
        for v, r, n, a, p, q, st in zip(
            values, raws, c.sample, c.attainment, c.points, c.contribution, c.status, strict=True
        )
    ]


def _json(x: float | int | None) -> str:
    return "null" if x is None else repr(x)


_GATES: dict[tuple[str, ...], str] = {(): "[]"}


def _gates(failed: tuple[str, ...]) -> str:
    found = _GATES[failed] = json.dumps(list(failed))
    return found


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


def breakdown_text(scored: Scored) -> str:
    """codec.breakdown_to_json of the same breakdown, as JSON text, written directly:
    repr is how json.dumps writes numbers, and the value and raw value of a component
    are usually the same number, formatted once."""
    total, uncapped, failed, components = scored
    parts = []
    for value, raw, sample, reached, points, contribution, status in components:
        v = "null" if value is None else repr(value)
        r = v if raw is value else _json_number(raw)
        if reached is None and points is None and contribution is None:
            parts.append(f"[{v}, {r}, {sample}, null, null, null, {STATUS_CODE[status]}]")
            continue
        parts.append(
            f"[{v}, {r}, {sample}, {_json_number(reached)}, {_json_number(points)}, "
            f"{_json_number(contribution)}, {STATUS_CODE[status]}]"
        )
    gates = json.dumps(list(failed)) if failed else "[]"
    return (
        f'{{"t": {_json_number(total)}, "u": {_json_number(uncapped)}, "g": {gates}, '
        f'"c": [{", ".join(parts)}]}}'
    )


def _json_number(x: float | int | None) -> str:
    return "null" if x is None else repr(x)


NULL = "\\N"  # COPY's text null (an id is never this)
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(text: str) -> str:
    """COPY's text format escapes backslashes and separators (rare here: ids, JSON)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text
