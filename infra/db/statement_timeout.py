"""API_STATEMENT_TIMEOUT: one SQL statement of an API request may run this long on
PostgreSQL, then the server cancels it (issue 11). A request is answered in seconds or not
at all; a runaway read must not hold a connection of the API's pool and a core for
minutes. Set per transaction (`SET LOCAL`) by the API's own sessions only: workers, bulk
rebuilds and CLI commands share the engine and are not bounded."""

from __future__ import annotations

from typing import Any

from psycopg.errors import QueryCanceled
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker


def bounded_sessions(engine: Engine, seconds: float) -> sessionmaker[Session]:
    """Sessions of `engine` whose every transaction bounds its statements to `seconds`
    (on PostgreSQL; 0: unbounded)."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    if seconds <= 0 or engine.dialect.name != "postgresql":
        return sessions
    set_local = f"SET LOCAL statement_timeout = {max(1, round(seconds * 1000))}"

    @event.listens_for(sessions, "after_begin")
    def _bound(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
        connection.exec_driver_sql(set_local)

    return sessions


def is_statement_timeout(exc: BaseException) -> bool:
    """Whether a database error is a statement PostgreSQL cancelled (statement_timeout)."""
    original: Any = getattr(exc, "orig", None)
    return isinstance(original, QueryCanceled)
