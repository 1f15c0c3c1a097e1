"""The parts of one whole-history re-score, timed apart (`python -m bench.rescore --split`),
in one transaction that is rolled back: what Python spends reading the numbers, grouping
and scoring them, writing the COPY text; what the PostgreSQL backend spends on the read,
the DELETE of the old scores, and the COPY — into snapshot_score (json checking, primary
key, foreign key, WAL) and, to tell those apart, into temporary tables without them.
These are the parts of the COPY path (a range without scores, as after a bulk rebuild's
clear); over stored scores the re-score updates them in place (rescoring_pg), measured as
a whole by `bench.rescore`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import text

from bench.process_cpu import cpu_seconds, stat_fields
from domain.model import default_model
from domain.ports import TenantId
from domain.services.models import _Rescorer
from infra.bootstrap import Container
from infra.db.repositories import rescoring
from infra.db.uow import SqlUnitOfWork

T = TypeVar("T")


def measure(c: Container, tenant_id: TenantId, *, since: date) -> None:
    with c.uow(tenant_id, exclusive=True) as uow:
        print(f"load average {os.getloadavg()[0]:.1f}")
        models = [v.model for v in uow.models.timeline()] + [default_model()]
        rescorer = _Rescorer(uow, models)
        rows = _part(uow, "read the numbers (server cursor)", lambda: _read(uow, rescorer, since))
        groups = _part(
            uow, "group and score (ColumnScorer)", lambda: [list(rescorer.batch(b)) for b in rows]
        )
        tail = f"\t{datetime.now(UTC).isoformat()}\n"
        data = _part(
            uow,
            "COPY text",
            lambda: "".join(
                rescoring.copy_lines(g, tail, tenant_id) for batch in groups for g in batch
            ),
        )
        print(f"  {sum(len(b) for b in rows):,} snapshots, {len(data) / 1e6:.0f} MB of COPY text")
        for sql in (
            "CREATE TEMP TABLE split_text (LIKE snapshot_score) ON COMMIT DROP",
            "ALTER TABLE split_text ALTER breakdown TYPE text",
            "CREATE TEMP TABLE split_jsonb (LIKE snapshot_score) ON COMMIT DROP",
            "CREATE TEMP TABLE split_key (LIKE snapshot_score INCLUDING INDEXES) ON COMMIT DROP",
        ):
            uow.session.execute(text(sql))
        for table, label in (
            ("split_text", "COPY, temp table, breakdown as text"),
            ("split_jsonb", "COPY, temp table, json (as stored)"),
            ("split_key", "COPY, temp table, json + primary key"),
        ):
            _part(uow, label, lambda table=table: _copy(uow, table, data))  # type: ignore[misc]
        _part(
            uow,
            "DELETE the old scores",
            lambda: uow.session.execute(
                text("DELETE FROM snapshot_score WHERE tenant_id = :t AND period_start >= :s"),
                {"t": tenant_id, "s": since},
            ),
        )
        _part(uow, "COPY into snapshot_score", lambda: _copy(uow, "snapshot_score", data))
        uow.rollback()


def _read(uow: SqlUnitOfWork, rescorer: _Rescorer, since: date) -> list[Any]:
    if rescorer.uses_teams:
        rescorer.read_teams(since)
    return list(uow.snapshots.scoring_rows(since=since, fields=rescorer.fields))


def _copy(uow: SqlUnitOfWork, table: str, data: str) -> None:
    raw: Any = uow.session.connection().connection.driver_connection
    columns = ", ".join(rescoring._COLUMNS)
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
        for at in range(0, len(data), 1 << 20):
            cp.write(data[at : at + (1 << 20)])


def _part(uow: SqlUnitOfWork, label: str, work: Callable[[], T]) -> T:
    backend, cpu, started = backend_cpu(uow), time.process_time(), time.perf_counter()
    value = work()
    print(
        f"  {label:40} wall {time.perf_counter() - started:6.2f} s,"
        f" python cpu {time.process_time() - cpu:5.2f} s,"
        f" backend cpu {backend_cpu(uow) - backend:5.2f} s",
        flush=True,
    )
    return value


def vacuum_scores(c: Container) -> None:
    """VACUUM snapshot_score before a timed re-score. Autovacuum is off on this machine's
    server, and every whole-history re-score leaves all the old scores dead: unvacuumed,
    the next COPY checks each new key against every dead version (measured: 6.85 s of
    backend CPU for the COPY with 4.4M dead rows, 3.98 s vacuumed). With autovacuum on, as
    in production, the table is vacuumed between re-scores."""
    with c.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM snapshot_score"))


def backend_cpu(uow: SqlUnitOfWork) -> float:
    """CPU seconds the unit of work's PostgreSQL backend has used (a local server: /proc)."""
    pid = uow.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return cpu_seconds(stat_fields(pid))
