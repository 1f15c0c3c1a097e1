"""API_STATEMENT_TIMEOUT on PostgreSQL: a statement of an API request that runs past it is
cancelled by the server and answered as a clean error — a GraphQL error with code
QUERY_TIMEOUT, a 503 with Retry-After for a CSV export — never a 500 nor a wait of minutes.
Units of work outside the API (workers, bulk, CLI) are not bounded."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from api.context import Context, QueryTimeoutError
from domain.auth import Principal
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.settings import Settings
from tests.support.api import access_token, api_client, graphql

TIMEOUT = 0.5
TICKETS = "{ tickets(first: 5) { totalCount edges { node { externalId } } } }"


@pytest.fixture
def container(postgres_url: str, tmp_path: Path) -> Iterator[Container]:
    settings = Settings(
        database_url=postgres_url,
        redis_url=None,
        data_dir=tmp_path / "keys",
        jwt_issuer="https://fairscore.test",
        graphiql=False,
        api_statement_timeout=TIMEOUT,
    )
    c = Container(settings)
    yield c
    c.close()


@pytest.fixture
def tenant(container: Container) -> TenantProfile:
    return admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Slow Co", timezone="UTC"
    )


@pytest.fixture
def tickets_locked(postgres_url: str) -> Iterator[None]:
    """Another transaction holds the ticket table exclusively: a read of it waits, which
    statement_timeout counts, as a slow plan would."""
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        conn.execute(text("LOCK TABLE ticket IN ACCESS EXCLUSIVE MODE"))
        yield
        conn.rollback()
    engine.dispose()


def test_a_slow_statement_of_an_api_read_is_cancelled_as_a_query_timeout(
    container: Container, tenant: TenantProfile
) -> None:
    context = Context(
        principal=Principal(tenant.id, "fsc_test", frozenset({"read"})), container=container
    )

    def sleep(uow: Any) -> object:
        return uow.session.execute(text("SELECT pg_sleep(10)")).scalar()

    started = time.monotonic()
    with pytest.raises(QueryTimeoutError) as raised:
        anyio.run(context.read_uow, sleep)
    assert TIMEOUT <= time.monotonic() - started < 5
    assert raised.value.extensions == {"code": "QUERY_TIMEOUT"}
    assert "API_STATEMENT_TIMEOUT" in raised.value.message


def test_units_of_work_outside_the_api_are_not_bounded(
    container: Container, tenant: TenantProfile
) -> None:
    started = time.monotonic()
    with container.uow(tenant.id) as uow:
        uow.session.execute(text("SELECT pg_sleep(:s)"), {"s": TIMEOUT * 2})
        timeout = uow.session.execute(text("SHOW statement_timeout")).scalar()
    assert time.monotonic() - started >= TIMEOUT * 2  # slept its full time, not cancelled
    assert timeout == "0"
    with container.read_uow(tenant.id, api=True) as uow:
        assert uow.session.execute(text("SHOW statement_timeout")).scalar() == "500ms"


def test_a_graphql_read_past_the_timeout_is_a_query_timeout_error_not_a_500(
    container: Container, tenant: TenantProfile, tickets_locked: None
) -> None:
    client: TestClient = api_client(container)
    token = access_token(client, container, tenant.id)

    started = time.monotonic()
    response = graphql(client, token, TICKETS)

    assert time.monotonic() - started < 5
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TIMEOUT"
    assert error["path"] == ["tickets"]


def test_a_csv_export_past_the_timeout_is_a_503_with_retry_after(
    container: Container, tenant: TenantProfile, tickets_locked: None
) -> None:
    client = api_client(container)
    token = access_token(client, container, tenant.id)

    response = client.get(
        "/exports/tickets.csv",
        params={"grain": "MONTH", "start": "2026-01-01"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "API_STATEMENT_TIMEOUT" in response.json()["errors"][0]["message"]
