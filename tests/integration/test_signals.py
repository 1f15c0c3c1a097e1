"""Operator signals in one API process: the backlog gauges /metrics computes from the
database and Redis, and the structured access log with its request id (SQLite and
PostgreSQL; the multi-process totals and the worker's /metrics are in
tests/e2e/test_signals.py)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from sqlalchemy.orm import sessionmaker
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container, install
from infra.db.migrate import downgrade, upgrade
from infra.db.tables import DerivationRequestRow, DirtyPeriodRow
from infra.db.types import utcnow
from infra.logging import configure_logging
from infra.settings import Settings
from tests.factories import Ticket
from tests.support.api import access_token, api_client, batch, graphql_data, post_webhook
from tests.support.owner import owner_engine
from tests.support.schema import index_definition


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


@pytest.fixture
def database_url(empty_database: str) -> str:
    """A database of this test's own: the gauges count over all tenants."""
    upgrade(empty_database)
    return empty_database


@pytest.fixture
def queued(settings: Settings, redis_url: str) -> Iterator[Container]:
    """The container on a Redis queue of its own that no worker reads: jobs wait."""
    queue_name = f"fairscore-signals-{uuid.uuid4().hex[:6]}"
    c = Container(settings.model_copy(update={"redis_url": redis_url, "queue_name": queue_name}))
    install(c)
    yield c
    Redis.from_url(redis_url).delete(f"rq:queue:{queue_name}")
    install(None)


def test_backlog_gauges_count_waiting_work_over_all_tenants(queued: Container) -> None:
    client = api_client(queued)
    tenants = [
        admin.create_tenant(queued, slug=f"s-{uuid.uuid4().hex[:8]}", name="S", timezone="UTC")
        for _ in range(2)
    ]
    for n, tenant in enumerate(tenants):
        hook = admin.create_integration(queued, tenant=tenant.id, source="generic", secret=None)
        for k in range(n + 1):  # 1 + 2 deliveries
            body = batch(Ticket(f"T-{n}-{k}").created(0).events)
            assert post_webhook(client, hook, body).status_code == 202
    queued.coalesced_reconcile.flush()  # type: ignore[union-attr]
    hour_ago = utcnow() - timedelta(hours=1)
    with sessionmaker(owner_engine(queued)).begin() as session:  # outbox rows, one an hour old
        session.add(
            DirtyPeriodRow(
                tenant_id=tenants[0].id,
                grain="day",
                period_start=date(2026, 1, 1),
                level="tenant",
                subject_id=tenants[0].id,
                marked_at=hour_ago,
            )
        )
        session.add(DerivationRequestRow(tenant_id=tenants[1].id, kind="rebuild", key=""))

    values = scrape(client)

    assert values[("fairscore_pending_deliveries", ())] == 3
    assert values[("fairscore_queue_depth", (("queue", queued.settings.queue_name),))] == 2
    invalidations = "fairscore_pending_invalidations"
    assert values[(invalidations, (("kind", "subject_period"),))] == 1
    assert values[(invalidations, (("kind", "request"),))] == 1
    assert 3600 <= values[("fairscore_derivation_lag_seconds", ())] < 3660


def test_backlog_gauges_are_zero_when_nothing_waits(client: TestClient) -> None:
    values = scrape(client)

    assert values[("fairscore_pending_deliveries", ())] == 0
    assert values[("fairscore_derivation_lag_seconds", ())] == 0
    assert not any(name == "fairscore_queue_depth" for name, _ in values)  # no queue: no Redis


@pytest.fixture
def json_logs(settings: Settings) -> Iterator[None]:
    """LOG_JSON=1 for the test; the root logger as it was afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging(settings.model_copy(update={"log_json": True}))
    yield
    root.handlers, root.level = handlers, level


def test_access_log_is_one_json_record_with_request_id_tenant_and_client(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    capsys: pytest.CaptureFixture[str],
    json_logs: None,
) -> None:
    token = access_token(client, container, tenant.id)
    capsys.readouterr()

    graphql_data(client, token, "{ teams { id } }")
    traced = client.post(
        "/graphql",
        json={"query": "{ teams { id } }"},
        headers={"Authorization": f"Bearer {token}", "X-Request-Id": "lb-7f3a.42"},
    )
    forged = client.get("/healthz", headers={"X-Request-Id": 'bad id "with" spaces'})
    hook = admin.create_integration(container, tenant=tenant.id, source="generic", secret=None)
    client.post(f"/webhooks/generic/{hook.id}", content=b"{}")  # unsigned: 401, still named

    records = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    access = [r for r in records if r.get("event") == "request"]
    routes = ["/graphql", "/graphql", "/healthz", "/webhooks/{source}/{integration_id}"]
    assert [r["route"] for r in access] == routes
    first, second, health, webhook = access
    assert (webhook["tenant_id"], webhook["status"], webhook["client_id"]) == (tenant.id, 401, None)
    assert traced.headers["x-request-id"] == "lb-7f3a.42" == second["request_id"]
    assert forged.headers["x-request-id"] == health["request_id"] != 'bad id "with" spaces'
    assert len(first["request_id"]) == 32 and first["request_id"] != health["request_id"]
    client_id = first["client_id"]
    assert client_id and client_id == second["client_id"]
    assert first["tenant_id"] == tenant.id and health["tenant_id"] is None
    assert (first["status"], health["status"], first["method"]) == (200, 200, "POST")
    assert first["duration_ms"] > 0 and first["level"] == "info"
    assert first["logger"] == "fairscore.access"


def test_access_log_below_the_level_writes_nothing(
    client: TestClient, settings: Settings, capsys: pytest.CaptureFixture[str], json_logs: None
) -> None:
    """At LOG_LEVEL=WARNING the access log's INFO record is dropped before it is built;
    a warning from the same configuration still gets through."""
    configure_logging(settings.model_copy(update={"log_json": True, "log_level": "WARNING"}))
    capsys.readouterr()
    assert client.get("/healthz").status_code == 200
    logging.getLogger("fairscore.test").warning("still written")
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [r["event"] for r in records] == ["still written"]


def test_pending_deliveries_have_a_partial_index_that_goes_down(empty_database: str) -> None:
    """The backlog's count and oldest pending delivery read only pending rows."""

    def definition() -> str | None:
        return index_definition(empty_database, "ix_webhook_delivery_pending")

    upgrade(empty_database)
    found = definition()
    assert found is not None and "ix_webhook_delivery_pending ON " in found
    assert "(received_at)" in found and "WHERE" in found and "'pending'" in found, found
    downgrade(empty_database, "e3tickets0012")
    assert definition() is None
