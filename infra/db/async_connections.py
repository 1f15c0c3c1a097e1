"""A small pool of autocommitting psycopg async connections, for one statement at a time.

Webhook intake's (infra/db/delivery_insert.py): at most `size` connections, opened when
needed and kept; a caller past that waits for one to come back. They log in as the URL
says: intake's is the system login's (SYSTEM_DATABASE_URL, infra/db/roles.py). A
connection is not pinged before use: one the server dropped fails its statement, and then
every connection opened before it is closed instead of reused, and the statement runs once
more on a fresh one (a restart drops them all).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping
from typing import Any

import psycopg

Row = tuple[Any, ...]


class AsyncConnections:
    def __init__(self, conninfo: str, *, size: int) -> None:
        self._conninfo = conninfo
        self._size = size
        self._idle: list[psycopg.AsyncConnection[Row]] = []
        self._born: dict[psycopg.AsyncConnection[Row], int] = {}  # open ones: generation
        self._generation = 0  # bumped when the server dropped one: older ones are closed
        self._opening = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def fetchone(self, statement: str, params: Mapping[str, Any]) -> Row | None:
        """Run `statement` (prepared on the server, autocommitted) and return its first
        row. Raises the driver's error; a dropped connection is retried once."""
        for attempt in (1, 2):
            conn = await self._acquire()
            try:
                cursor = await conn.execute(statement, params, prepare=True)
                row = await cursor.fetchone()
            except psycopg.Error:
                if not conn.broken:
                    self._release(conn)
                    raise
                self._generation += 1  # the others were opened before the drop, too
                await self._discard(conn)
                await self._close_idle()
                if attempt == 2:
                    raise
                continue
            except BaseException:  # cancelled mid-statement: its state is unknown
                await self._discard(conn)
                raise
            self._release(conn)
            return row
        raise AssertionError("unreachable")

    async def _acquire(self) -> psycopg.AsyncConnection[Row]:
        while True:
            if self._idle:
                return self._idle.pop()
            if len(self._born) + self._opening < self._size:
                return await self._open()
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if not waiter.done():
                    self._waiters.remove(waiter)

    async def _open(self) -> psycopg.AsyncConnection[Row]:
        self._opening += 1
        try:
            conn = await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, prepare_threshold=None
            )
        finally:
            self._opening -= 1
            self._wake()  # a failed open frees its place
        self._born[conn] = self._generation
        return conn

    def _release(self, conn: psycopg.AsyncConnection[Row]) -> None:
        if self._born.get(conn) != self._generation or conn.closed:
            self._born.pop(conn, None)
            conn.pgconn.finish()
        else:
            self._idle.append(conn)
        self._wake()

    async def _discard(self, conn: psycopg.AsyncConnection[Row]) -> None:
        self._born.pop(conn, None)
        self._wake()
        await conn.close()

    async def _close_idle(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await self._discard(conn)

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    @property
    def idle(self) -> int:
        """Connections open and waiting for a statement."""
        return len(self._idle)

    def close(self) -> None:
        """Close the idle connections (at shutdown: none is in use then)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            self._born.pop(conn, None)
            conn.pgconn.finish()
