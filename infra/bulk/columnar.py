"""Summaries of a tenant's whole history for the bulk rebuild, computed by an in-process
columnar engine (DuckDB) from one export of the samples.

PostgreSQL sends the tenant's samples once (`COPY (SELECT …) TO STDOUT`, one scan of
metric_sample with the range join that gives team levels the ticket's team, else the
agent's team on the sample's day); DuckDB loads them into a database file of its own
(bounded memory: its buffer pool spills to that directory) and computes, grain by grain,
every period's summaries of the three levels and the case-mix moments, handed over in
period order — the rows `infra.db.aggregates.read_row` and `read_strata` read, as the
roll-up's SQL gives them for one period.

Why: summarising in PostgreSQL scanned metric_sample six times per grain (24 scans a
rebuild, plus four for case mix) and sorted each ranked branch with external merges;
the columnar engine scans its own compressed copy in memory, and hashes and sorts per
group in parallel (docs/architecture.md, "Bulk rebuild").

One definition, three dialects: the statistics are those of infra.db.aggregates (count,
sum; the median as the mean of the lower and upper middle values; the nearest-rank p90;
distinct tickets) — `quantile_disc` ranks exactly as PostgreSQL's `percentile_disc`, and
tests/integration/test_columnar_summaries.py holds the three equal to domain.stats.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

import duckdb
from psycopg import sql
from sqlalchemy.orm import Session

from domain.casemix import ADJUSTED_METRICS
from domain.casemix.apply import Strata
from domain.metrics import Level
from domain.periods import Grain
from domain.services.rescoring import Streams
from infra.bulk.pivot import SummaryBatch, batches, pivot
from infra.db.aggregates import (
    AGENT_JOIN,
    DISTINCT_TICKETS,
    DURATIONS,
    PICKED_SUBJECT,
    SUBJECT,
    read_row,
    read_strata,
)

BATCH = 10_000  # rows per fetch
WIDE = 4_000  # pivoted rows per fetch: each holds ~60 values, and is held by column too
MEMORY = "128MB"  # DuckDB's buffer pool: beyond it, its tables and sorts spill to disk
# Samples per statement, at most (but a whole period at least): the ranks and distinct
# tickets of a group are held in memory until it is done, so a statement summarises a
# run of whole periods, not the history (bounded memory at any history's size).
CHUNK = 150_000
MOVE = 10 * CHUNK  # samples moved in day order per statement (each reads all loaded samples)
_LEVELS = {level.value: level for level in Level}


def _in(metrics: Iterable[str]) -> str:
    return "metric IN ({})".format(", ".join(f"'{k}'" for k in sorted(metrics)))


# One scan of the tenant's samples: the origin only where distinct tickets are counted,
# the stratum only where case mix adjusts (the rest would only make the export longer).
_EXPORT = """
COPY (
    SELECT s.agent_id, {team}, s.metric, s.local_day, s.value, s.value_business,
        CASE WHEN s.{distinct} THEN s.origin END,
        CASE WHEN s.{adjusted} THEN s.channel END,
        CASE WHEN s.{adjusted} THEN s.priority END
    FROM metric_sample s {join}
    WHERE s.tenant_id = {tenant}
) TO STDOUT (FORMAT csv)
"""
_COLUMNS = {
    "agent_id": "VARCHAR",
    "team_id": "VARCHAR",
    "metric": "VARCHAR",
    "local_day": "DATE",
    "value": "DOUBLE",
    "value_business": "DOUBLE",
    "origin": "VARCHAR",
    "channel": "VARCHAR",
    "priority": "VARCHAR",
}
# PostgreSQL's CSV writes NULL as an empty field and an empty string as "": read them so.
_LOAD = """
CREATE TABLE loaded AS
SELECT *, CAST($tenant AS VARCHAR) AS tenant_id,
    {durations} AS dur, {ranked} AS ranked, {adjusted} AS adjusted
FROM read_csv($path, header = false, columns = {columns}, allow_quoted_nulls = false,
    quote = '"', escape = '"', delim = ',', auto_detect = false)
"""
# The loaded samples move to `sample` a run of days at a time, so that each of its row
# groups holds a run of days: a statement over a chunk of periods reads those row groups
# only (their zone maps), not the history. (One `ORDER BY local_day` would do the same but ran
# out of memory at 12M samples: a sort of the whole table is not bounded by the limit.)
_SORT = """
CREATE TABLE sample AS SELECT * FROM loaded LIMIT 0;
"""
_MOVE = "INSERT INTO sample SELECT * FROM loaded WHERE local_day >= $start AND local_day < $end"
PERIOD = {
    Grain.DAY: "local_day",
    Grain.WEEK: "CAST(date_trunc('week', local_day) AS DATE)",  # ISO weeks start on Monday
    Grain.MONTH: "CAST(date_trunc('month', local_day) AS DATE)",
    Grain.QUARTER: "CAST(date_trunc('quarter', local_day) AS DATE)",
}
# The roll-up's statistics (infra.db.aggregates._POSTGRES): ranks of durations only, in
# the business basis of every ranked stream; distinct tickets where an origin was kept.
_QUANTILES = "[0.5, 0.5 + 1e-9, 0.9]"  # lower middle, upper middle, nearest-rank p90
_SUMMARY = """
SELECT period, {subject} AS subject, metric, COUNT(*) AS n, SUM(value) AS total,
    quantile_disc(value, {q}) FILTER (WHERE dur) AS q,
    COUNT(DISTINCT origin) AS tickets,
    COUNT(value_business) AS nb, SUM(value_business) AS total_b,
    quantile_disc(value_business, {q}) FILTER (WHERE ranked) AS qb,
    '{level}' AS level
FROM picked WHERE {subject} IS NOT NULL
GROUP BY period, {subject}, metric"""
# Every level's summaries of the periods between $start and $end (of $metrics, or all).
_PICKED = """
WITH picked AS (
    SELECT {period} AS period, * FROM sample
    WHERE local_day >= $start AND local_day < $end
        AND ($metrics IS NULL OR list_contains($metrics, metric))
)
SELECT period, subject, metric, n, total, (q[1] + q[2]) / 2, q[3], tickets,
    nb, total_b, (qb[1] + qb[2]) / 2, qb[3], level
FROM ({levels})"""
_SUMMARIES = _PICKED + " ORDER BY period"
# The same summaries one row per subject-period (level, subject and period), a stream's
# statistics side by side: a chunk's summaries are kept in `summary` first, so
# that a period summarised a group of metrics at a time still gives one row per
# subject-period (infra.bulk.pivot).
_KEEP = "INSERT INTO summary" + _PICKED
_SUMMARY_TABLE = """
CREATE OR REPLACE TABLE summary (period DATE, subject VARCHAR, metric VARCHAR, n BIGINT,
    total DOUBLE, median DOUBLE, p90 DOUBLE, tickets BIGINT, nb BIGINT, total_b DOUBLE,
    median_b DOUBLE, p90_b DOUBLE, level VARCHAR)
"""
# The case-mix moments (infra.db.aggregates._STRATUM): sums only.
_STRATUM = """
SELECT {subject} AS subject, metric, channel, priority,
    COUNT(*), SUM(value), SUM(value * value),
    COUNT(value_business), SUM(value_business), SUM(value_business * value_business),
    period, '{level}' AS level
FROM picked WHERE {subject} IS NOT NULL
GROUP BY period, {subject}, metric, channel, priority"""
_STRATA = """
WITH picked AS (
    SELECT {period} AS period, * FROM sample
    WHERE adjusted AND local_day >= $start AND local_day < $end
        AND ($metrics IS NULL OR list_contains($metrics, metric))
)
SELECT * FROM ({levels}) ORDER BY period
"""


class History:
    """The samples of one tenant, loaded; summaries and moments per grain on demand."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tenant_id: str) -> None:
        self.con = con
        self.tenant_id = tenant_id
        self._bounds: dict[Grain, list[tuple[date, date, int]]] = {}
        self._metric_names: list[str] | None = None

    def periods(self, grain: Grain) -> Iterator[tuple[date, dict[Level, Streams]]]:
        """(period start, summaries per level and subject) of every `grain` period with
        samples, in date order."""
        levels = "\nUNION ALL\n".join(
            _SUMMARY.format(subject=PICKED_SUBJECT[level], level=level.value, q=_QUANTILES)
            for level in Level
        )
        rows = self._rows(grain, _SUMMARIES.format(period=PERIOD[grain], levels=levels))
        return _per_period(rows, itemgetter(0), read_row)

    def subject_periods(self, grain: Grain) -> Iterator[list[SummaryBatch]]:
        """The summaries of every `grain` period with samples, in date order, by column
        (`periods`' rows side by side): per fetch, a batch of subject-periods per level."""
        levels = "\nUNION ALL\n".join(
            _SUMMARY.format(subject=PICKED_SUBJECT[level], level=level.value, q=_QUANTILES)
            for level in Level
        )
        keep = _KEEP.format(period=PERIOD[grain], levels=levels)
        statement, places = pivot(self._metrics())
        cursor = self.con.cursor()
        for start, end, held in self._chunks(grain):
            cursor.execute(_SUMMARY_TABLE)
            for metrics in self._groups(start, end, held):
                cursor.execute(keep, {"start": start, "end": end, "metrics": metrics})
            cursor.execute(statement)
            while rows := cursor.fetchmany(WIDE):
                yield list(batches(rows, places))
        cursor.close()

    def strata(self, grain: Grain) -> Iterator[tuple[date, dict[Level, Strata]]]:
        """(period start, case-mix moments per level, subject, stream and stratum) of
        every `grain` period with adjusted samples, in date order."""
        levels = "\nUNION ALL\n".join(
            _STRATUM.format(subject=PICKED_SUBJECT[level], level=level.value) for level in Level
        )
        rows = self._rows(grain, _STRATA.format(period=PERIOD[grain], levels=levels))
        return _per_period(rows, itemgetter(10), read_strata)

    def _rows(self, grain: Grain, statement: str) -> Iterator[tuple[Any, ...]]:
        """The statement's rows over the whole history, run on a chunk of whole periods
        after another; a single period larger than CHUNK (a quarter of a big tenant) a group
        of metrics at a time (`_groups`) — a group is (period, subject, metric), so each
        stays whole, and the rows stay in period order."""
        cursor = self.con.cursor()  # its own result: two streams may be read side by side
        for start, end, held in self._chunks(grain):
            for metrics in self._groups(start, end, held):
                cursor.execute(statement, {"start": start, "end": end, "metrics": metrics})
                while batch := cursor.fetchmany(BATCH):
                    yield from batch
        cursor.close()

    def _chunks(self, grain: Grain) -> list[tuple[date, date, int]]:
        if grain not in self._bounds:
            self._bounds[grain] = chunks(self.con, "sample", grain)
        return self._bounds[grain]

    def _groups(self, start: date, end: date, held: int) -> list[list[str] | None]:
        """The metrics of each statement over [start, end): all at once (None) when the
        range holds at most CHUNK samples, else groups of about CHUNK samples (a metric
        with more alone) — a statement per group, not per metric: each scans the range."""
        if held <= CHUNK:
            return [None]
        sizes = self.con.execute(
            "SELECT metric, COUNT(*) FROM sample WHERE local_day >= $start AND local_day < $end"
            " GROUP BY metric ORDER BY metric",
            {"start": start, "end": end},
        ).fetchall()
        groups: list[list[str] | None] = []
        room = 0
        for metric, count in sizes:
            if not groups or count > room:
                groups.append([])
                room = CHUNK
            groups[-1].append(metric)  # type: ignore[union-attr]
            room -= count
        return groups

    def _metrics(self) -> list[str]:
        if self._metric_names is None:
            found = self.con.execute("SELECT DISTINCT metric FROM sample ORDER BY 1").fetchall()
            self._metric_names = [row[0] for row in found]
        return list(self._metric_names)


def _per_period(
    rows: Iterable[tuple[Any, ...]],
    period: Callable[[tuple[Any, ...]], date],
    read: Callable[[Any, dict[Any, Any]], None],
) -> Iterator[tuple[date, dict[Level, Any]]]:
    """Rows in period order (the level last) grouped per period, each read into its
    level's mapping."""
    for start, group in itertools.groupby(rows, key=period):
        by_level: dict[Level, Any] = {level: {} for level in Level}
        for row in group:
            read(row, by_level[_LEVELS[row[-1]]])
        yield start, by_level


def chunks(
    con: duckdb.DuckDBPyConnection, table: str, grain: Grain, size: int | None = None
) -> list[tuple[date, date, int]]:
    """[start, end) ranges of whole `grain` periods holding about `size` (CHUNK) samples
    each, with the samples each holds (more than `size` only for a single period)."""
    size = size or CHUNK
    sizes = con.execute(
        f"SELECT {PERIOD[grain]} AS p, COUNT(*) FROM {table} GROUP BY p ORDER BY p"  # noqa: S608
    ).fetchall()
    starts: list[date] = []
    counts: list[int] = []
    for start, count in sizes:
        if not counts or counts[-1] + count > size:
            starts.append(start)
            counts.append(0)
        counts[-1] += count
    ends = [*starts[1:], date.max][: len(starts)]  # none for an empty history
    return list(zip(starts, ends, counts, strict=True))


@contextmanager
def history(session: Session, tenant_id: str) -> Iterator[History]:
    """The tenant's samples exported once from the session's transaction (its snapshot)
    into a DuckDB database in a temporary directory, removed on exit."""
    with tempfile.TemporaryDirectory(prefix="fairscore-bulk-") as folder:
        path = Path(folder)
        _export(session, tenant_id, path / "samples.csv")
        config = {"memory_limit": MEMORY, "threads": 2, "temp_directory": str(path / "spill")}
        con = duckdb.connect(str(path / "history.duckdb"), config=config)  # type: ignore[arg-type]
        try:
            con.execute("SET preserve_insertion_order = false")
            con.execute(_load(), {"tenant": tenant_id, "path": str(path / "samples.csv")})
            (path / "samples.csv").unlink()
            con.execute(_SORT)
            for start, end, _ in chunks(con, "loaded", Grain.DAY, MOVE):
                con.execute(_MOVE, {"start": start, "end": end})
            con.execute("DROP TABLE loaded")
            yield History(con, tenant_id)
        finally:
            con.close()


def _export(session: Session, tenant_id: str, target: Path) -> None:
    raw: Any = session.connection().connection.driver_connection
    statement = sql.SQL(
        _EXPORT.format(
            team=SUBJECT[Level.TEAM],
            distinct=_in(DISTINCT_TICKETS),
            adjusted=_in(ADJUSTED_METRICS),
            join=AGENT_JOIN,
            tenant="{tenant}",
        )
    ).format(tenant=sql.Literal(tenant_id))
    with target.open("wb") as out, raw.cursor() as cur, cur.copy(statement) as cp:
        for chunk in cp:
            out.write(chunk)


def _load() -> str:
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in _COLUMNS.items()) + "}"
    return _LOAD.format(
        columns=columns,
        durations=_in(DURATIONS),
        ranked=_in((*DURATIONS, *DISTINCT_TICKETS)),
        adjusted=_in(ADJUSTED_METRICS),
    )
