"""Integration fixtures: the same tests run on SQLite (embedded default) and PostgreSQL.

Pipeline code commits per batch and runs jobs on other threads, so those tests get a
fresh tenant each (tenants are isolated by the product itself); repository tests get
a session inside a transaction that is rolled back after the test.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from domain.ports import TenantId, TenantProfile
from infra import admin
from infra.bootstrap import Container, install
from infra.db.engine import make_engine
from infra.db.migrate import upgrade
from infra.db.repositories.system import IntegrationRecord
from infra.queue import InProcessJobQueue
from infra.settings import Settings
from tests.conftest import scratch_database
from tests.support.api import api_client
from tests.support.logins import login_urls
from tests.support.tenant_scope import watching_tenant_statements


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrations run once)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "fairscore.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, never migrated: for the tests of migrating."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with scratch_database("fairscore_empty") as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """On PostgreSQL the app runs as it does in production: logged in as a role that
    row-level security binds, its cross-tenant paths as the system login (the test server's
    superuser, which would bypass it, is the owner: tests/support/logins.py)."""
    return Settings(
        **login_urls(database_url),
        redis_url=None,
        data_dir=tmp_path / "keys",
        jwt_issuer="https://fairscore.test",
        graphiql=False,
    )


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    """The app's composition root on the test database, with in-process jobs."""
    c = Container(settings)
    install(c)  # in-process jobs resolve the process-wide container
    yield c
    queue = c.queue
    if isinstance(queue, InProcessJobQueue):
        queue.join()
    install(None)
    c.close()  # ends the job thread and the engines' pools


@pytest.fixture
def client(container: Container) -> TestClient:
    """The real ASGI app on the test database, called in-process over HTTP."""
    return api_client(container)


@pytest.fixture
def tenant(container: Container) -> TenantProfile:
    return admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Test Co", timezone="Europe/Berlin"
    )


@pytest.fixture
def integration(container: Container, tenant: TenantProfile) -> IntegrationRecord:
    """A generic (Standard Webhooks) integration of the tenant, with a generated secret."""
    return admin.create_integration(container, tenant=tenant.id, source="generic", secret=None)


@pytest.fixture
def only_scoped_statements() -> Iterator[None]:
    """Fails the test if a tenant's unit of work sent a statement that leaves a tenant
    table without its tenant (tests/support/tenant_scope.py)."""
    with watching_tenant_statements() as found:
        yield
    assert found == [], "statements without their tenant:\n" + "\n\n".join(
        f"{sorted(tables)}: {sql}" for sql, tables in found
    )


@pytest.fixture
def rollback_session(database_url: str) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction, rolled back."""
    engine = make_engine(database_url)
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
        engine.dispose()


def new_tenant_id() -> TenantId:
    return TenantId(uuid.uuid4().hex)
