"""The `fairscore` command on a database it cannot use: one line saying what is wrong and
what to do, a non-zero exit, no traceback. And the commands that could lose data (`db
downgrade`) or hide it (`import` whose lines all fail) say so.

Each test runs the installed console script as a real process, as an operator would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from infra import admin
from infra.bootstrap import Container
from infra.db.engine import make_engine
from infra.settings import Settings
from tests.conftest import PG_ADMIN_URL, require_service

FAIRSCORE = str(Path(sys.executable).with_name("fairscore"))
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
}
# Every command reads different tables first; the connection failures happen before
# any of them (demo migrates an unmigrated database: there it just works).
CASES = [
    pytest.param(setup, command, id=f"{setup}-{command}")
    for setup, commands in {
        "unmigrated sqlite": ["tenant create", "recompute", "sweep", "client create"],
        "missing role": ["demo", "sweep"],
        "malformed url": ["tenant create", "demo"],
        "missing database": ["client create", "recompute"],
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
