"""The database schema as stored, for tests of migrations."""

from __future__ import annotations

from sqlalchemy import text

from infra.db.engine import make_engine


def index_definition(url: str, name: str) -> str | None:
    """The stored definition of index `name` (PostgreSQL's indexdef, SQLite's sql), or None."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                stmt = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
            else:
                stmt = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
            found: str | None = conn.execute(text(stmt), {"name": name}).scalar()
            return found
    finally:
        engine.dispose()
