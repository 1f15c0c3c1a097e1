"""Alembic environment: the schema is infra's SQLModel metadata."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import infra.db.tables
from infra.db.engine import make_engine
from infra.db.types import UtcDateTime
from infra.settings import Settings

config = context.config
target_metadata = SQLModel.metadata


def render_item(kind: str, obj: Any, autogen: Any) -> str | bool:
    """Render our column types as plain SQLAlchemy ones: revisions stay importable
    on their own, whatever happens to infra's Python-side types later."""
    if kind != "type":
        return False
    if isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if isinstance(obj, sa.JSON):
        autogen.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


def _url() -> str:
    return config.attributes.get("database_url") or Settings().migration_url


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: sa.Connection) -> None:
    # Batch mode lets ALTERs work on SQLite (it rebuilds tables there).
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # A statement that forced row-level security would filter fails instead
            # (migrations/rls.py).
            context.execute("SET LOCAL row_security = off")
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
