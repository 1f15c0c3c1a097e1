"""Bulk inserts: PostgreSQL COPY (the fast path of bulk rebuilds and re-scores), or one
executemany elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Table
from sqlalchemy.orm import Session

from infra.db.roles import copying_as_system
from infra.db.sql import is_postgres


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) inside the session's transaction; on
    PostgreSQL with COPY, JSON values going in as jsonb."""
    if not rows:
        return
    if not is_postgres(session):
        session.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    raw: Any = session.connection().connection.driver_connection
    with (
        copying_as_system(session),
        raw.cursor() as cur,
        cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as cp,
    ):
        for row in rows:
            cp.write_row(
                [Jsonb(v) if isinstance(v, dict | list) else v for v in (row[c] for c in columns)]
            )
