"""Row-level security with the README's database owner: a plain LOGIN role (no superuser,
no CREATEROLE) that owns the database and migrates it. `fairscore db upgrade` works for it;
logged in as it alone (one URL) the app warns at start that RLS does not bind it; after
`fairscore db roles` (a superuser, once) RLS is forced, so the owner is bound too, and with
the app's login (DATABASE_URL) and the system login (SYSTEM_DATABASE_URL) the app runs bound
by the policies while its cross-tenant paths — tenant and client creation, integration
lookups for webhooks, the sweeper, the backlog gauges, the bulk rebuild's fold workers —
still work, as the system login, its COPYs through temporary tables and ANALYZE through the
owner's function (the suite's other owner is the test server's superuser, which bypasses
RLS everywhere, so the rest of the suite cannot show this)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from click.testing import Result
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from infra import admin
from infra.bootstrap import Container
from infra.db.migrate import downgrade, upgrade
from infra.db.tables import AGENT, DERIVATION_REQUEST, TICKET, TICKET_EVENT
from migrations.rls import as_system_role
from tests.conftest import PG_ADMIN_URL, require_service
from tests.support.api import api_client, batch, post_webhook
from tests.support.containers import installed_container
from tests.support.derive import settle
from tests.support.derived_rows import Rows, counts, rows_of
from tests.support.logins import APP, SYSTEM
from tests.support.owner import owner_engine
from tests.support.probe_tenant import build_tenant, history
from workers.jobs import sweep_pending


@pytest.fixture
def owned_database() -> Iterator[tuple[str, str]]:
    """(the owner's URL, a superuser's URL) of a new database a plain LOGIN role owns."""
    require_service("PostgreSQL", PG_ADMIN_URL)
    name = f"fairscore_owner_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB'))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{name}"'))
    base = make_url(PG_ADMIN_URL).set(database=name)
    try:
        yield (
            base.set(username=name).render_as_string(hide_password=False),
            base.render_as_string(hide_password=False),
        )
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        admin_engine.dispose()


APP_ROLE, SYSTEM_ROLE = APP.name, SYSTEM.name


def cli(url: str, tmp_path: Path, *args: str) -> Result:
    """`fairscore ARGS` with MIGRATION_DATABASE_URL=url, DATABASE_URL and SYSTEM_DATABASE_URL
    the suite's logins (the CLI uses the process-wide container)."""
    with installed_container(url, tmp_path / "keys"):
        return CliRunner().invoke(app, list(args))


class Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def start_warnings(c: Container) -> list[str]:
    """What the start-up check logs (a handler of its own: the CLI reconfigured logging)."""
    found, logger = Warnings(), logging.getLogger("infra.bootstrap")
    logger.addHandler(found)
    try:
        c.check_row_level_security()
    finally:
        logger.removeHandler(found)
    return found.messages


def test_a_plain_owner_migrates_and_is_warned_until_it_turns_rls_on(
    owned_database: tuple[str, str], tmp_path: Path
) -> None:
    owner_url, superuser_url = owned_database
    upgraded = cli(owner_url, tmp_path, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output

    with installed_container(owner_url, tmp_path / "keys", logins=False) as plain:
        [warning] = start_warnings(plain)
    assert "row-level security is OFF" in warning and "fairscore db roles" in warning

    # The owner cannot create roles; a superuser can, once.
    refused = cli(owner_url, tmp_path, "db", "roles")
    assert refused.exit_code != 0 and "superuser" in refused.output
    done = cli(owner_url, tmp_path, "db", "roles", "--url", superuser_url)
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert f"logins {APP_ROLE} (the app: DATABASE_URL) and {SYSTEM_ROLE}" in said
    assert "row-level security forced on 0 " not in said

    # in-process jobs and the sweeper use the installed container
    with installed_container(owner_url, tmp_path / "keys", sweep_after_seconds=0.001) as bound:
        assert start_warnings(bound) == []
        runs_bound(bound, api_client(bound), superuser_url)
    migrates_forced(owner_url)


PENDING_REQUESTS = 'fairscore_pending_invalidations{kind="request"} 2.0'


def runs_bound(c: Container, client: TestClient, superuser_url: str) -> None:
    """The app as its login, its cross-tenant paths as the system login."""
    probe = build_tenant(client, c, "owner")  # tenants, clients, webhooks, reconciles
    # A second tenant holding tickets only, for the bulk rebuild below.
    other = admin.create_tenant(c, slug=f"bulk-{probe.tag}", name="Bulk", timezone="UTC")
    hook = admin.create_integration(c, tenant=other.id, source="generic", secret=None)
    assert post_webhook(client, hook, batch(history(probe.tag))).status_code == 202
    settle(c)
    before = all_rows(superuser_url, other.id)
    with c.engine.connect() as conn:  # the app's own connection, no tenant set
        assert conn.execute(text("SELECT current_user")).scalar_one() == APP_ROLE
        assert conn.execute(select(func.count()).select_from(TICKET_EVENT)).scalar_one() == 0
    # Work waiting for both tenants: the backlog gauges and the sweeper read all tenants.
    with owner_engine(c).begin() as conn:
        # Forced: the owner too reads nothing without a tenant; it may switch to the
        # system login's role (`db roles` let it, for data migrations).
        assert conn.execute(select(func.count()).select_from(TICKET_EVENT)).scalar_one() == 0
        conn.execute(text(f"SET LOCAL ROLE {SYSTEM_ROLE}"))
        for tenant in (probe.id, other.id):
            rescore = {"kind": "rescore", "key": "", "since": date(2026, 3, 1)}
            conn.execute(DERIVATION_REQUEST.insert().values(tenant_id=tenant, **rescore))
    assert PENDING_REQUESTS in client.get("/metrics").text.splitlines()
    assert sweep_pending() == 2
    settle(c)
    admin.recompute(c, other.id, since=None)  # bulk: fold workers, staged COPY, ANALYZE
    after = all_rows(superuser_url, other.id)
    assert counts(after)[TICKET.name] > 0
    assert counts(after) == counts(before)
    with c.uow(probe.id) as uow:  # and a tenant's unit of work sees its own rows
        assert uow.session.execute(select(func.count()).select_from(AGENT)).scalar_one() > 0


def all_rows(superuser_url: str, tenant: str) -> Rows:
    """The tenant's derived rows, read by a superuser (forced RLS binds the owner)."""
    engine = create_engine(superuser_url)
    try:
        with engine.connect() as conn:
            return rows_of(conn, tenant)
    finally:
        engine.dispose()


def migrates_forced(owner_url: str) -> None:
    """After `db roles` the owner still migrates (migrations run with row_security off:
    DDL is not filtered), and a data migration's statements, which would fail there, see
    every tenant's rows inside `migrations.rls.as_system_role()`."""
    downgrade(owner_url, "-1")
    upgrade(owner_url)
    engine = create_engine(owner_url)
    try:
        with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            conn.execute(text("SET LOCAL row_security = off"))  # as migrations/env.py
            conn.execute(text("SAVEPOINT data"))
            with pytest.raises(DBAPIError, match="row-level security"):
                conn.execute(select(func.count()).select_from(AGENT))
            conn.execute(text("ROLLBACK TO SAVEPOINT data"))
            with as_system_role():
                tenants = conn.execute(select(func.count(AGENT.c.tenant_id.distinct())))
                assert tenants.scalar_one() >= 1
            assert conn.execute(text("SELECT current_user = session_user")).scalar_one()
    finally:
        engine.dispose()
