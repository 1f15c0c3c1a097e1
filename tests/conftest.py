"""Shared test configuration: which real services are available, and how to reach them.

PostgreSQL and Redis tests run when the services answer. With
FAIRSCORE_REQUIRE_SERVICES=1 (CI) a missing service is an error, never a skip.
"""

from __future__ import annotations

import os
import signal
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import NoReturn
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet

from tests.support.processes import carrying, command_line, own_resource_tracker, still_alive

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE = os.environ.get("FAIRSCORE_REQUIRE_SERVICES") == "1"
# Like a deployment's, one key for the whole run: PostgreSQL/Redis settings are production,
# which refuses to start without SECRET_KEYS; processes the suite starts inherit it.
os.environ.setdefault("SECRET_KEYS", Fernet.generate_key().decode())
# Exported at session start, so every process the suite starts inherits it (see below).
RUN_MARKER = "FAIRSCORE_TEST_RUN"
LEFTOVER_GRACE_SECONDS = 5.0


def _reachable(url: str) -> bool:
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 2):
            return True
    except OSError:
        return False


def require_service(name: str, url: str) -> None:
    """Skip (locally) or fail (CI) when a real service is not there."""
    if _reachable(url):
        return
    missing(f"{name} is not reachable at {url}; start it to run this test (see README)")


def missing(what: str) -> NoReturn:
    """A test's real dependency is absent: a skip on a developer's machine, a failure in CI
    (FAIRSCORE_REQUIRE_SERVICES=1), where every test must run."""
    if not REQUIRE:
        pytest.skip(what)  # `dev.py test` on a machine without PostgreSQL or Redis
    pytest.fail(f"{what} (FAIRSCORE_REQUIRE_SERVICES=1: CI must run every test)")


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database named `prefix`_<random>, dropped (forcibly) after."""
    require_service("PostgreSQL", PG_ADMIN_URL)
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped after."""
    from infra.db.migrate import upgrade

    with scratch_database("fairscore_test") as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    require_service("Redis", REDIS_URL)
    return REDIS_URL


def pytest_sessionstart(session: pytest.Session) -> None:
    os.environ[RUN_MARKER] = uuid.uuid4().hex  # a fresh one, even inside another run


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a process it started outlives it; report and kill such processes."""
    run = os.environ.get(RUN_MARKER)
    started = carrying(RUN_MARKER, run) - own_resource_tracker() if run else set()
    left = still_alive(started, within=LEFTOVER_GRACE_SECONDS)
    if not left:
        return
    report = [f"  pid {pid}: {command_line(pid)}" for pid in sorted(left)]
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        title = f"{len(left)} process(es) started by the tests outlived them (killed now)"
        reporter.write_sep("=", title, red=True)
        for line in report:
            reporter.write_line(line, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
