"""The `fairscore` command on a database it cannot use: one line saying what is wrong and
what to do, a non-zero exit, no traceback. And the commands that could lose data (`db
downgrade`) or hide it (`import` whose lines all fail) say so.

Each test runs the installed console script as a real process, as an operator would.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cli.errors import explain
from domain.metric_docs import render
from infra import admin
from infra.bootstrap import Container
from infra.db.engine import make_engine
from infra.db.migrate import alembic_config, upgrade
from infra.settings import Settings
from tests.conftest import PG_ADMIN_URL, require_service, scratch_database

FAIRSCORE = str(Path(sys.executable).with_name("fairscore"))
PASSWORD = "s3cret"  # in some broken URLs: never printed
COMMANDS = {
    "tenant create": ["tenant", "create", "acme", "--name", "Acme"],
    "recompute": ["recompute", "--tenant", "acme"],
    "sweep": ["sweep"],
    "demo": ["demo", "--tickets", "5", "--days", "3"],
    "client create": ["client", "create", "--tenant", "acme"],
}


def run(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "keys")}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [FAIRSCORE, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def postgres(**parts: str) -> str:
    require_service("PostgreSQL", PG_ADMIN_URL)
    return make_url(PG_ADMIN_URL).set(**parts).render_as_string(hide_password=False)


# Each broken set-up: its DATABASE_URL, and what the one line must tell the operator.
SETUPS: dict[str, tuple[Callable[[Path], str], str]] = {
    "unmigrated sqlite": (
        lambda tmp: f"sqlite:///{tmp / 'new.db'}",
        "is not migrated: run `fairscore db upgrade`",
    ),
    "missing role": (lambda _: postgres(username="nosuchrole"), "create that role"),
    "malformed url": (lambda _: "nonsense://", "use e.g. postgresql+psycopg://"),
    "missing database": (
        lambda _: postgres(database=f"fairscore_missing_{uuid.uuid4().hex[:8]}"),
        "`createdb fairscore_missing_",
    ),
    "port not a number": (
        lambda _: f"postgres://u:{PASSWORD}@host:notaport/db",
        "use e.g. postgresql+psycopg://",
    ),
    "driver not installed": (
        lambda _: f"mysql://u:{PASSWORD}@host/db",
        "No module named 'MySQLdb'); use e.g. postgresql+psycopg://",
    ),
}
# Every command reads different tables first; the connection failures happen before
# any of them (demo migrates an unmigrated database: there it just works).
POSTGRES_SETUPS = ("missing role", "missing database")
CASES = [
    pytest.param(
        setup,
        command,
        id=f"{setup}-{command}",
        marks=[pytest.mark.needs("postgres")] if setup in POSTGRES_SETUPS else [],
    )
    for setup, commands in {
        "unmigrated sqlite": ["tenant create", "recompute", "sweep", "client create"],
        "missing role": ["demo", "sweep"],
        "malformed url": ["tenant create", "demo"],
        "missing database": ["client create", "recompute"],
        "port not a number": ["sweep", "tenant create"],
        "driver not installed": ["sweep", "demo"],
    }.items()
    for command in commands
]


@pytest.mark.parametrize(("setup", "command"), CASES)
def test_a_database_the_cli_cannot_use_gets_one_line_saying_what_to_do(
    tmp_path: Path, setup: str, command: str
) -> None:
    url_of, advice = SETUPS[setup]

    done = run(tmp_path, url_of(tmp_path), *COMMANDS[command])

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("error: ") and advice in line
    assert PASSWORD not in line


@pytest.fixture
def migrated(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "fairscore.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_db_downgrade_without_a_target_is_a_usage_error_and_drops_nothing(
    tmp_path: Path, migrated: str
) -> None:
    before = tables(migrated)

    done = run(tmp_path, migrated, "db", "downgrade")

    assert done.returncode == 2
    assert "Missing argument 'REVISION'" in done.stderr
    assert tables(migrated) == before


FIRST_REVISION = ScriptDirectory.from_config(alembic_config("")).get_base()


@pytest.mark.parametrize("target", ["-2", FIRST_REVISION], ids=["relative", "first revision"])
def test_every_db_downgrade_needs_yes_since_each_one_drops_tables(
    tmp_path: Path, migrated: str, target: str
) -> None:
    before, revision = schema_objects(migrated), current_revision(migrated)

    refused = run(tmp_path, migrated, "db", "downgrade", "--", target)
    assert refused.returncode == 1
    assert "add --yes" in refused.stderr
    assert (schema_objects(migrated), current_revision(migrated)) == (before, revision)

    done = run(tmp_path, migrated, "db", "downgrade", "--yes", "--", target)
    assert done.returncode == 0, done.stderr
    # It ran. The newest migrations may be PostgreSQL-only (a fillfactor, a function), so
    # on SQLite the revision is what surely moved.
    assert current_revision(migrated) != revision


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def schema_objects(url: str) -> set[tuple[str, str, str]]:
    """Every column, index and foreign key, by table: what a downgrade may change (the
    latest migrations may only add indexes, or drop keys)."""
    engine = make_engine(url)
    try:
        found = inspect(engine)
        return {
            (t, kind, name)
            for t in found.get_table_names()
            for kind, names in (
                ("column", [c["name"] for c in found.get_columns(t)]),
                ("index", [i["name"] or "" for i in found.get_indexes(t)]),
                ("foreign key", [str(k["referred_table"]) for k in found.get_foreign_keys(t)]),
            )
            for name in names
        }
    finally:
        engine.dispose()


def test_db_downgrade_to_base_needs_yes_and_then_drops_every_table(
    tmp_path: Path, migrated: str
) -> None:
    before = tables(migrated)

    refused = run(tmp_path, migrated, "db", "downgrade", "base")
    assert refused.returncode == 1
    assert "add --yes" in refused.stderr
    assert tables(migrated) == before

    done = run(tmp_path, migrated, "db", "downgrade", "base", "--yes")
    assert done.returncode == 0, done.stderr
    assert tables(migrated) <= {"alembic_version"}


def test_an_import_whose_every_line_fails_exits_non_zero(tmp_path: Path, migrated: str) -> None:
    c = Container(Settings(database_url=migrated, data_dir=tmp_path / "keys"))
    try:
        admin.create_tenant(c, slug="acme", name="Acme", timezone="UTC")
    finally:
        c.close()
    path = tmp_path / "events.jsonl"
    path.write_text("{not json\n" + json.dumps({"id": "e1"}) + "\n")

    done = run(tmp_path, migrated, "import", "--tenant", "acme", "--source", "generic", str(path))

    assert done.returncode == 1, done.stdout
    assert "every line failed (2): nothing imported" in done.stderr


@pytest.mark.needs("postgres")
def test_a_constraint_violated_at_commit_keeps_its_traceback(tmp_path: Path) -> None:
    """PostgreSQL checks a deferred constraint at COMMIT, where SQLAlchemy's error names no
    statement: a bug to see whole, not a connection to check."""
    with scratch_database("fairscore_cli") as url:
        upgrade(url)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE allowed_name (name text PRIMARY KEY)"))
            conn.execute(
                text(
                    "ALTER TABLE tenant ADD CONSTRAINT tenant_name_allowed FOREIGN KEY (name)"
                    " REFERENCES allowed_name (name) DEFERRABLE INITIALLY DEFERRED"
                )
            )
        engine.dispose()

        done = run(tmp_path, url, *COMMANDS["tenant create"])

    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ForeignKeyViolation" in done.stderr
    assert "cannot connect" not in done.stderr


def failed_commit(url: str, *statements: str) -> DBAPIError:
    """The error of committing `statements` on `url`, with a 0.1 s SQLite busy timeout."""
    engine = create_engine(url, connect_args={"timeout": 0.1})
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
            conn.commit()
    except DBAPIError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("the commit succeeded")


def test_a_sqlite_database_locked_at_commit_is_not_reported_unreachable(
    tmp_path: Path, migrated: str
) -> None:
    path = make_url(migrated).database
    assert path is not None
    with sqlite3.connect(path, isolation_level=None) as setup:
        setup.execute("PRAGMA journal_mode=DELETE")  # so COMMIT must wait for readers
        setup.execute("CREATE TABLE scratch (x integer)")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM tenant").fetchall()  # holds a shared lock
    try:
        exc = failed_commit(migrated, "INSERT INTO scratch VALUES (1)")
    finally:
        reader.close()
    assert exc.statement is None  # what the wrapper took for a failed connection

    message = explain(exc, Settings(database_url=migrated, data_dir=tmp_path / "keys"))

    assert message == f"the database at {migrated} failed: database is locked"


def test_docs_metrics_writes_the_repository_page_from_any_directory(tmp_path: Path) -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"

    done = run(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}", "docs", "metrics")

    assert done.returncode == 0, done.stderr
    assert f"wrote {page}" in done.stdout
    assert page.read_text(encoding="utf-8") == render()
    assert not (tmp_path / "docs").exists()
