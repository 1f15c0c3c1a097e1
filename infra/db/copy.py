"""Bulk writes with PostgreSQL COPY (the fast path of bulk rebuilds and re-scores)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy.orm import Session


def copy_rows(session: Session, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """COPY `rows` (dicts with the same keys) into `table`, inside the session's
    transaction; JSON values go in as jsonb."""
    if not rows:
        return
    columns = list(rows[0])
    raw: Any = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(
                [Jsonb(v) if isinstance(v, dict | list) else v for v in (row[c] for c in columns)]
            )
