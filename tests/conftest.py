"""Shared test configuration: which real services are available, and how to reach them.

A test needing what this machine lacks (tests/support/needs.py: PostgreSQL, Redis, Chromium …)
is left out at collection, and the run's summary says which and why. With
FAIRSCORE_REQUIRE_SERVICES=1 (CI) nothing is left out: a missing service fails its tests.

`python3 dev.py test` runs the tests in two pytest-xdist workers: each is a session of its own
(its own scratch database, leftover check and left-out counts), and sends what the summary
needs to the controller (`workeroutput`, read in pytest_testnodedown).
"""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

import pytest
from cryptography.fernet import Fernet

from tests.support.needs import Machine, needs_of, needs_table, reachable
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


MACHINE = Machine(needs_table(PG_ADMIN_URL, REDIS_URL))
LEFT_OUT = pytest.StashKey[dict[str, int]]()
LEFTOVERS = pytest.StashKey[list[str]]()  # the processes the xdist workers found and killed


def require_service(name: str, url: str) -> None:
    """Fail, saying what to start, when a real service is not there."""
    if not reachable(url):
        missing(f"{name} is not reachable at {url}; start it to run this test (see README)")


def missing(what: str) -> NoReturn:
    """A test's real dependency is absent. Off CI such a test is left out at collection
    (pytest_collection_modifyitems), so reaching this means CI, or a need the test does not
    declare (add it: tests/support/needs.py)."""
    pytest.fail(f"{what} (a test's real dependency; CI must run every test)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Off CI, leave out the tests whose needs this machine lacks, counting them per need."""
    needs = {item.nodeid: needs_of(item) for item in items}
    unknown = set().union(*needs.values()) - MACHINE.table.keys()
    if unknown:  # checked in CI too, where nothing is left out
        raise pytest.UsageError(f"unknown needs {sorted(unknown)}; known: {sorted(MACHINE.table)}")
    if REQUIRE:
        return
    kept, left_out, counts = [], [], {}
    for item in items:
        lacking = sorted(need for need in needs[item.nodeid] if MACHINE.lacks(need))
        if not lacking:
            kept.append(item)
            continue
        left_out.append(item)
        for need in lacking:
            counts[need] = counts.get(need, 0) + 1
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config.stash[LEFT_OUT] = counts
    if is_xdist_worker(config):  # every worker collects all tests: any one's counts will do
        config.workeroutput["left_out"] = counts  # type: ignore[attr-defined]


def is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workeroutput")


def is_xdist_controller(config: pytest.Config) -> bool:
    """With `-n N` this process only hands tests to its workers; it runs none itself."""
    return config.pluginmanager.hasplugin("dsession")


@pytest.fixture(autouse=True)
def _taking_turns(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under xdist, an `alone` test runs while no other test does (tests/support/alone.py)."""
    config = request.config
    if not is_xdist_worker(config) or os.name != "posix":
        yield
        return
    from tests.support.alone import taking_turns

    run = request.getfixturevalue("tmp_path_factory").getbasetemp().parent  # the workers'
    with taking_turns(run, alone=request.node.get_closest_marker("alone") is not None):
        yield


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """A worker ended (xdist, in the controller): keep what its summary said."""
    output = getattr(node, "workeroutput", {})
    config = node.config
    if "left_out" in output:
        config.stash[LEFT_OUT] = output["left_out"]
    config.stash.setdefault(LEFTOVERS, []).extend(output.get("leftovers", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts = terminalreporter.config.stash.get(LEFT_OUT, {})
    if not counts:
        return
    terminalreporter.write_sep("=", "left out: this machine lacks what they need", yellow=True)
    for need, count in sorted(counts.items()):
        entry = MACHINE.table[need]
        terminalreporter.write_line(f"{count} test(s) need {entry.what} ({entry.how})", yellow=True)
    terminalreporter.write_line("CI (FAIRSCORE_REQUIRE_SERVICES=1) runs them all.", yellow=True)


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database named `prefix`_<random>, dropped (forcibly) after.
    The app's and system logins exist (`fairscore db roles`: tests/support/logins.py), so
    migrating it grants them its tables and the app runs under row-level security."""
    require_service("PostgreSQL", PG_ADMIN_URL)
    from sqlalchemy import create_engine, text

    from infra.db.role_setup import create_roles
    from tests.support.logins import APP, SYSTEM

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        create_roles(url, APP, SYSTEM)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The server's maintenance database, for tests that make their own scratch databases."""
    require_service("PostgreSQL", PG_ADMIN_URL)
    return PG_ADMIN_URL


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
    """Fail the run when a process it started outlives it; report and kill such processes.
    Under xdist each worker checks its own and the controller (whose only children are the
    workers, which may outlive this hook) reports theirs."""
    config = session.config
    controller = is_xdist_controller(config)
    report = config.stash.get(LEFTOVERS, []) if controller else kill_leftovers()
    if is_xdist_worker(config):
        config.workeroutput["leftovers"] = report  # type: ignore[attr-defined]
        return
    if not report:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        title = f"{len(report)} process(es) started by the tests outlived them (killed now)"
        reporter.ensure_newline()  # xdist's progress line may still be open
        reporter.write_sep("=", title, red=True)
        for line in report:
            reporter.write_line(line, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def kill_leftovers() -> list[str]:
    """The processes this session started that are still alive after the grace, killed."""
    run = os.environ.get(RUN_MARKER)
    started = carrying(RUN_MARKER, run) - own_resource_tracker() if run else set()
    left = still_alive(started, within=LEFTOVER_GRACE_SECONDS)
    report = [f"  pid {pid}: {command_line(pid)}" for pid in sorted(left)]
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return report
