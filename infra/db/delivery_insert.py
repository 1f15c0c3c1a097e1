"""Webhook intake's INSERT: on PostgreSQL awaited on the event loop, on SQLite a session.

PostgreSQL: the statement is `SqlDeliveries.add`'s (`insert_delivery` of a `delivery_row`),
compiled once with bound parameters and its columns' bind processors, and each delivery is
one `execute` of it, server-side prepared, on an autocommitting psycopg connection of a
small pool of our own (`AsyncConnections`): one round trip, no BEGIN or COMMIT, no thread.
Before (issue 11), the same statement ran on the driver's sync connection on 16 threads:
the hop to a thread and back, and the threads contending for the GIL, cost more CPU per
webhook than the statement (py-spy, bench/RESULTS.txt).

The connections log in as the system login (SYSTEM_DATABASE_URL, infra/db/roles.py), as the
other cross-tenant paths do: one INSERT for the integration's tenant, no reads, no
transaction to set a tenant in. They are not pinged before use: one the server dropped (a
restart) fails its statement, every idle connection is closed (they were opened before
the restart too), and the statement — idempotent by its key — runs once more on a fresh
connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import Dialect, bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from domain.ports import TenantId
from infra.db.async_connections import AsyncConnections
from infra.db.repositories.deliveries import (
    NewDelivery,
    SqlDeliveries,
    delivery_row,
    insert_delivery,
    waits,
)
from infra.db.tables import WEBHOOK_DELIVERY

# Connections storing webhooks per API process: each delivery is one short statement, so
# a few in flight keep the database's commits busy (commit latency is the limit).
INTAKE_CONNECTIONS = 16


class AsyncDeliveryInsert:
    def __init__(self, url: str, *, size: int = INTAKE_CONNECTIONS) -> None:
        parsed = make_url(url)
        self._dialect: Dialect = parsed.get_dialect()()
        self._compiled: tuple[str, dict[str, Callable[[Any], Any]]] | None = None
        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self.connections = AsyncConnections(conninfo, size=size)

    async def add(self, tenant_id: TenantId, delivery: NewDelivery) -> tuple[str | None, bool]:
        """(the new delivery's id, or None for a duplicate; whether it waits to be
        processed), committed. The driver's errors raise DBAPIError (a 503), without the
        statement's parameters: they are the webhook's body."""
        row = delivery_row(tenant_id, delivery)
        if self._compiled is None:
            self._compiled = _compile(self._dialect, list(row))
        sql, processors = self._compiled
        for column, process in processors.items():
            row[column] = process(row[column])
        try:
            found = await self.connections.fetchone(sql, row)
        except psycopg.Error as exc:  # anything else is a bug: it propagates (a 500, logged)
            raise DBAPIError.instance(sql, row, exc, psycopg.Error, hide_parameters=True) from exc
        delivery_id = found[0] if found else None
        return delivery_id, waits(delivery, delivery_id)

    def close(self) -> None:
        self.connections.close()


def _compile(dialect: Dialect, columns: list[str]) -> tuple[str, dict[str, Callable[[Any], Any]]]:
    values: dict[str, Any] = {column: bindparam(column) for column in columns}
    stmt = insert_delivery(postgresql.insert(WEBHOOK_DELIVERY).values(values))
    processors: dict[str, Callable[[Any], Any]] = {}
    for column in columns:
        impl = WEBHOOK_DELIVERY.c[column].type.dialect_impl(dialect)
        if (process := impl.bind_processor(dialect)) is not None:
            processors[column] = process
    return str(stmt.compile(dialect=dialect)), processors


class SessionDeliveryInsert:
    """The same on SQLite, through a session (on a thread): its writers queue for the
    write lock."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(self, tenant_id: TenantId, delivery: NewDelivery) -> tuple[str | None, bool]:
        try:
            with self._sessions() as session:
                deliveries = SqlDeliveries(session, tenant_id)
                delivery_id = deliveries.add(delivery)
                session.commit()
        except DBAPIError as exc:  # its parameters are the webhook's body: not in the logs
            if exc.orig is None:
                raise
            raise DBAPIError.instance(
                exc.statement, exc.params, exc.orig, Exception, hide_parameters=True
            ) from exc.orig
        return delivery_id, deliveries.queued
