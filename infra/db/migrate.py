"""Run alembic migrations programmatically (`fairscore db upgrade`), and tell whether a
database's schema is at the latest migration (/readyz, the CLI's error messages)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

import migrations
from infra.db.engine import make_engine
from infra.db.role_setup import grant_roles

MIGRATIONS = Path(migrations.__file__).parent
UPGRADE_HINT = "run `fairscore db upgrade`"
_checking = ContextVar("checking_schema", default=False)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head", *, roles: Sequence[str] = ()) -> None:
    """Migrate, then (PostgreSQL) grant the app's and the system logins (`roles`, default
    fairscore_app and fairscore_system), those that exist, DML on every table: new tables
    included (infra/db/role_setup.py)."""
    command.upgrade(alembic_config(database_url), revision)
    engine = make_engine(database_url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                grant_roles(conn, *roles)
    finally:
        engine.dispose()


def downgrade(database_url: str, revision: str) -> None:
    """Roll back to `revision`, dropping what the undone migrations created (callers
    confirm it first)."""
    command.downgrade(alembic_config(database_url), revision)


@dataclass(frozen=True, slots=True)
class _Revisions:
    heads: frozenset[str]
    known: frozenset[str]


@cache
def _script_revisions() -> _Revisions:
    # Reading the script directory imports every revision file: once per process.
    script = ScriptDirectory.from_config(alembic_config(""))
    known = frozenset(s.revision for s in script.walk_revisions())
    return _Revisions(heads=frozenset(script.get_heads()), known=known)


@cache
def _quiet_checks() -> None:
    # A MigrationContext logs "Context impl …" at INFO when created: fine for a
    # migration, noise from a readiness probe polled every few seconds.
    logging.getLogger("alembic.runtime.migration").addFilter(lambda _: not _checking.get())


def _current_revisions(conn: Connection) -> frozenset[str]:
    _quiet_checks()
    token = _checking.set(True)
    try:
        return frozenset(MigrationContext.configure(conn).get_current_heads())
    finally:
        _checking.reset(token)


def schema_problem(conn: Connection) -> str | None:
    """Why the schema behind `conn` is not at the latest migration; None when it is.

    Cheap enough to poll: whether alembic's version table exists, and its rows."""
    return _problem(_current_revisions(conn))


def schema_check(conn: Connection) -> str:
    """/readyz's schema check: "ok" at the latest migration; "ok (ahead: …)" at a revision
    this version does not know, which a newer version migrated to first (a rolling deploy
    migrates, then replaces the replicas still running this one); otherwise the problem."""
    current = _current_revisions(conn)
    if current - _script_revisions().known:
        return f"ok (ahead: {_ahead(current)}; fine while a newer version rolls out)"
    return _problem(current) or "ok"


def _problem(current: frozenset[str]) -> str | None:
    scripts = _script_revisions()
    if current == scripts.heads:
        return None
    if not current:
        return f"not migrated: {UPGRADE_HINT}"
    if current - scripts.known:
        return _ahead(current)
    latest = ", ".join(sorted(scripts.heads))
    return f"at revision {', '.join(sorted(current))}, not the latest ({latest}): {UPGRADE_HINT}"


def _ahead(current: frozenset[str]) -> str:
    at = ", ".join(sorted(current))
    latest = ", ".join(sorted(_script_revisions().heads))
    return f"at revision {at}, which this version of Fairscore does not know (latest {latest})"


def database_schema_problem(database_url: str) -> str | None:
    """`schema_problem` over a short-lived connection of its own."""
    engine = make_engine(database_url, read_only=True)
    try:
        with engine.connect() as conn:
            return schema_problem(conn)
    finally:
        engine.dispose()
