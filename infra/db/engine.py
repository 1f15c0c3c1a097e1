"""Engine construction: called by the composition root, never at import time."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event

# psycopg prepares a statement after 5 runs; with SQLAlchemy's executemany batching that
# has raised DuplicatePreparedStatement in long jobs. Plans are cheap here: don't prepare.
PG_CONNECT_ARGS = {"prepare_threshold": None}


def make_engine(
    url: str, *, echo: bool = False, read_only: bool = False, pool_size: int = 10
) -> Engine:
    """An engine for `url`. On SQLite, writers begin IMMEDIATE (queue for the write
    lock up front); `read_only` engines begin deferred so reads never wait for it.
    PostgreSQL: `pool_size` connections kept, as many again opened under load."""
    url = _normalise(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_deferred if read_only else _sqlite_begin)
        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args=PG_CONNECT_ARGS,
    )


def make_worker_engine(url: str) -> Engine:
    """The worker runs its jobs in its own process (workers/rq_worker.py), so the many
    short transactions of its jobs reuse these pooled connections. Should anything fork,
    the child starts with an empty pool of its own (SQLAlchemy's recipe for os.fork):
    pooled connections must not cross a fork."""
    url = _normalise(url)
    if url.startswith("sqlite"):
        return make_engine(url)
    engine = create_engine(url, pool_size=4, max_overflow=4, connect_args=PG_CONNECT_ARGS)
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


def _normalise(url: str) -> str:
    # Accept the URLs operators paste (postgres://, postgresql://) and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN; take control of it so that
    # writers queue on BEGIN IMMEDIATE (with busy_timeout) instead of failing late.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")
