"""A tenant's claim: which process derives its data right now (see the reconciler); and
the lock that says it is rebuilding the tenant's history (`rebuilding`). Both are
PostgreSQL advisory locks; their keys are here.

On PostgreSQL, a session-level advisory lock on a connection of its own, held for the
whole reconcile: it dies with the process (a killed worker leaves no claim behind) and
uses the same key as an `exclusive` unit of work, so both exclude each other. SQLite
(one process: the in-process job thread, the API, a CLI command) claims with a lock of
this process.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_LOCAL: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_LOCAL_GUARD = threading.Lock()


@contextmanager
def tenant_claim(engine: Engine, tenant_id: str, *, wait: bool = False) -> Iterator[bool]:
    """Hold the tenant's claim for the block (True), or yield False at once when another
    process holds it — unless `wait`, which queues for it."""
    if engine.dialect.name != "postgresql":
        with _LOCAL_GUARD:
            lock = _LOCAL[tenant_id]
        held = lock.acquire(blocking=wait)
        try:
            yield held
        finally:
            if held:
                lock.release()
        return
    key = {"key": tenant_lock_key(tenant_id)}
    with _session_lock(engine, "hashtext(:key)", key, wait) as held:
        yield held


@contextmanager
def rebuilding(engine: Engine, tenant_id: str) -> Iterator[None]:
    """Held by the reconciler while it rebuilds the tenant's history (PostgreSQL): a
    session lock of a connection of its own, gone with the process, which API writes look
    for (`is_rebuilding`) without taking it."""
    if engine.dialect.name != "postgresql":  # SQLite: API writes do not queue at all
        yield
        return
    with _session_lock(engine, _REBUILDING_KEY, _rebuilding(tenant_id), wait=True):
        yield


def is_rebuilding(session: Session, tenant_id: str) -> bool:
    """Whether a reconciler holds `rebuilding` for the tenant (read in pg_locks, not
    taken: a lock, even shared, could deadlock with a reconcile about to rebuild)."""
    return bool(session.execute(_HELD, _rebuilding(tenant_id)).scalar())


def tenant_lock_key(tenant_id: str) -> str:
    """The advisory-lock key that serialises writers of one tenant's derived data."""
    return f"fairscore:tenant:{tenant_id}"


# The rebuilding lock: two-key form (so it shares no key with the claim's), the first key
# a constant, the second the tenant's.
REBUILDING = 0x5242_4C44  # "RBLD"
_REBUILDING_KEY = "CAST(:space AS int), hashtext(:tenant)"
_HELD = text(
    "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND classid = CAST(:space AS oid) AND objid = CAST(hashtext(:tenant) AS oid))"
)


def _rebuilding(tenant_id: str) -> dict[str, object]:
    return {"space": REBUILDING, "tenant": tenant_id}


@contextmanager
def _session_lock(
    engine: Engine, key_sql: str, key: Mapping[str, object], wait: bool
) -> Iterator[bool]:
    """An advisory lock of the session of a connection of its own (`key_sql` names it
    from `key`), held for the block: True, or False at once when another holds it —
    unless `wait`, which queues for it."""
    # Autocommit: the lock is the session's, so no transaction stays open meanwhile, and
    # taking and letting go are one round trip each (no BEGIN, no COMMIT). The pool puts
    # the connection's isolation level back when it is returned.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        try:
            take = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            taken = conn.execute(text(f"SELECT {take}({key_sql})"), key).scalar()
            held = wait or bool(taken)
        except BaseException:
            # Interrupted (a job timeout, a worker's hand-back) perhaps holding the lock: a
            # pooled connection outlives the job, so it must not go back to the pool.
            conn.invalidate()
            raise
        try:
            yield held
        finally:
            if held:
                _release(conn, f"SELECT pg_advisory_unlock({key_sql})", key)


def _release(conn: Connection, unlock: str, key: Mapping[str, object]) -> None:
    try:
        conn.execute(text(unlock), key)
    except BaseException as exc:
        # The connection is gone, or the release was interrupted: drop the connection, and
        # the lock with it; never hand it back to the pool still holding the tenant.
        log.warning("could not release a tenant's lock (%r); dropping its connection", exc)
        conn.invalidate()
        if not isinstance(exc, SQLAlchemyError):
            raise
