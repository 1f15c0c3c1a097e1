"""Small SQL helpers shared by repositories (dialect-portable upserts, chunking)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

T = TypeVar("T")

# Both backends accept a few thousand bound parameters per statement comfortably.
CHUNK = 500


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_for(session: Session, table: Table) -> Any:
    """The dialect's INSERT construct, which knows ON CONFLICT."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def as_date(value: Any) -> date:
    """A DATE column read by raw SQL: SQLite hands back ISO text, PostgreSQL a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value
