"""Count the SQL statements a piece of work sends, to pin down N+1 query shapes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from infra.bootstrap import Container


@contextmanager
def statements(container: Container, pattern: str) -> Iterator[list[str]]:
    """The statements (on every engine of the container) whose SQL matches `pattern`
    (a regular expression, case-insensitive), in order, while the block runs."""
    seen: list[str] = []
    wanted = re.compile(pattern, re.IGNORECASE | re.DOTALL)

    def record(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if wanted.search(sql):
            seen.append(sql)

    engines = {id(e): e for e in (container.engine, container.read_engine)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
