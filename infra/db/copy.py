"""Bulk inserts: PostgreSQL COPY (the fast path of bulk rebuilds and re-scores), or one
executemany elsewhere.

PostgreSQL refuses `COPY … FROM` into a table whose row-level security binds the current
role, and the app's login (fairscore_app) is bound by every tenant table's. Inside a
tenant's transaction the rows go to a temporary table with COPY, then on with one
`INSERT … SELECT` that the policy checks (each row must carry the transaction's tenant):
the same transaction, and the database's wall stays up for bulk writes too. Where the
policies do not bind (the owner before `db roles`, a superuser) the COPY goes straight in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Table, text
from sqlalchemy.orm import Session

from infra.db.sql import is_postgres

_BOUND = text("SELECT row_security_active(CAST(:table AS regclass))")
_BOUND_TABLES = "fairscore_rls_bound"  # key of a pooled connection's `info`


@contextmanager
def copy_in(session: Session, table: str, columns: Sequence[str]) -> Iterator[psycopg.Copy]:
    """A text-format `COPY table (columns) FROM STDIN` in the session's transaction (its
    rows are in `table` when the block ends)."""
    # `table` and `columns` are the callers' constants, never a request's.
    connection = session.connection()
    names = ", ".join(columns)
    staged = _staged(connection, table, names)
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {staged or table} ({names}) FROM STDIN") as cp:
        yield cp
    if staged:  # one statement: the staged rows move on, and the next COPY finds none
        move = f"WITH moved AS (DELETE FROM {staged} RETURNING {names})"  # noqa: S608
        move += f" INSERT INTO {table} ({names}) SELECT {names} FROM moved"  # noqa: S608
        connection.exec_driver_sql(move)


def _staged(connection: Connection, table: str, names: str) -> str | None:
    """The temporary table a COPY into `table` goes through, when the policies bind the
    connection's role (None: straight in). That they do is remembered by the pooled
    connection (a role they bind stays bound); the table is kept by the connection and
    emptied at each commit, but made again if missing (a rolled-back transaction drops
    the one it made). So a COPY costs two statements more, not four."""
    bound: set[str] = connection.info.setdefault(_BOUND_TABLES, set())
    if table not in bound:
        if not connection.execute(_BOUND, {"table": table}).scalar_one():
            return None
        bound.add(table)
    # Its columns are the target's (types only: no constraints, no defaults); one per
    # table and column list, so a migration that changes the columns gets a new one.
    staging = f"copy_{table}_{hashlib.sha1(names.encode()).hexdigest()[:8]}"  # noqa: S324
    create = f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
    create += f"SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608
    connection.exec_driver_sql(create)
    return staging


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) inside the session's transaction; on
    PostgreSQL with COPY, JSON values going in as jsonb."""
    if not rows:
        return
    if not is_postgres(session):
        session.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    with copy_in(session, table.name, columns) as cp:
        for row in rows:
            cp.write_row(
                [Jsonb(v) if isinstance(v, dict | list) else v for v in (row[c] for c in columns)]
            )
