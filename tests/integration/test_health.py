"""Operator endpoints: /healthz (the process is up), /readyz (its dependencies answer and
the schema is at the latest migration), /metrics (Prometheus)."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.engine import make_engine
from infra.db.migrate import upgrade
from infra.settings import Settings
from tests.factories import Ticket
from tests.support.api import access_token, api_client, batch, graphql, post_webhook

CLOSED_PORT = 1  # nothing listens there: connections are refused at once
OLDER_REVISION = "b2integr0003"  # any revision before the latest one
NEWER_REVISION = "zz9future9999"  # what a later version of Fairscore could migrate to


def sample(client: TestClient, name: str, **labels: str) -> float:
    """The current value of one labelled sample on /metrics (0 when absent)."""
    text = client.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


def unreachable(broken: str, tmp_path: Path) -> Settings:
    """Settings whose database or Redis does not answer."""
    database = f"postgresql+psycopg://postgres@127.0.0.1:{CLOSED_PORT}/fairscore"
    return Settings(
        database_url=database if broken == "database" else f"sqlite:///{tmp_path / 'up.db'}",
        redis_url=f"redis://127.0.0.1:{CLOSED_PORT}/0" if broken == "redis" else None,
        data_dir=tmp_path / "keys",
    )


def test_healthz_answers_200_while_the_process_runs(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_200_with_its_checks_when_the_database_answers(
    client: TestClient,
) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "schema": "ok"}}


@pytest.mark.parametrize("broken", ["database", "redis"])
def test_readyz_answers_503_naming_the_dependency_that_does_not_answer(
    tmp_path: Path, broken: str
) -> None:
    c = Container(unreachable(broken, tmp_path))
    try:
        response = api_client(c).get("/readyz")
    finally:
        c.close()

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"][broken].startswith("error")


def readyz(database_url: str, tmp_path: Path) -> tuple[int, dict[str, object]]:
    c = Container(Settings(database_url=database_url, redis_url=None, data_dir=tmp_path))
    try:
        response = api_client(c).get("/readyz")
    finally:
        c.close()
    return response.status_code, response.json()


def test_readyz_answers_503_on_a_database_that_was_never_migrated(
    empty_database: str, tmp_path: Path
) -> None:
    status, body = readyz(empty_database, tmp_path)

    assert status == 503
    assert body == {
        "status": "unavailable",
        "checks": {"database": "ok", "schema": "not migrated: run `fairscore db upgrade`"},
    }


def test_readyz_answers_503_naming_the_revision_of_a_database_behind_the_code(
    empty_database: str, tmp_path: Path
) -> None:
    upgrade(empty_database, OLDER_REVISION)

    status, body = readyz(empty_database, tmp_path)

    assert status == 503
    reason = body["checks"]["schema"]  # type: ignore[index]
    assert reason.startswith(f"at revision {OLDER_REVISION}, not the latest")
    assert reason.endswith("run `fairscore db upgrade`")


def test_readyz_answers_200_once_the_database_is_upgraded_to_the_latest_revision(
    empty_database: str, tmp_path: Path
) -> None:
    upgrade(empty_database, OLDER_REVISION)
    upgrade(empty_database)

    assert readyz(empty_database, tmp_path) == (
        200,
        {"status": "ok", "checks": {"database": "ok", "schema": "ok"}},
    )


def test_readyz_answers_200_noting_a_database_ahead_of_the_code(
    empty_database: str, tmp_path: Path
) -> None:
    """A rolling deploy migrates first: replicas of the previous version keep serving."""
    upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": NEWER_REVISION})
    engine.dispose()

    status, body = readyz(empty_database, tmp_path)

    assert status == 200
    assert body["status"] == "ok"
    reason = body["checks"]["schema"]  # type: ignore[index]
    assert reason.startswith(f"ok (ahead: at revision {NEWER_REVISION}, ")


def test_metrics_count_webhooks_by_source_and_outcome(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    integration = admin.create_integration(
        container, tenant=tenant.id, source="generic", secret=None
    )
    body = batch(Ticket("T-1").created(0).events)
    accepted = {"source": "generic", "outcome": "202"}
    refused = {"source": "generic", "outcome": "401"}
    before = (
        sample(client, "fairscore_webhooks_total", **accepted),
        sample(client, "fairscore_webhooks_total", **refused),
    )

    assert post_webhook(client, integration, body).status_code == 202
    assert post_webhook(client, integration, body, secret="whsec_d3Jvbmc=").status_code == 401
    container.queue.join()

    after = (
        sample(client, "fairscore_webhooks_total", **accepted),
        sample(client, "fairscore_webhooks_total", **refused),
    )
    assert after == (before[0] + 1, before[1] + 1)


def test_metrics_label_requests_by_route_template_not_by_raw_path(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    integration = admin.create_integration(
        container, tenant=tenant.id, source="generic", secret=None
    )
    post_webhook(client, integration, batch(Ticket("T-1").created(0).events))
    container.queue.join()

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'route="/webhooks/{source}/{integration_id}"' in response.text
    assert integration.id not in response.text  # ids in labels would explode cardinality


def test_queries_deeper_than_the_depth_limit_are_refused(
    settings: Settings, tenant: TenantProfile
) -> None:
    shallow = Container(settings.model_copy(update={"graphql_max_depth": 2}))
    client = api_client(shallow)
    token = access_token(client, shallow, tenant.id)
    assert graphql(client, token, "{ agents { team { name } } }").json().get("errors") is None
    deep = '{ ticket(externalId: "x") { assignee { team { name } } } }'
    body = graphql(client, token, deep).json()
    assert body["errors"] and "exceeds maximum operation depth" in body["errors"][0]["message"]
    shallow.close()


def test_queries_with_more_aliases_than_the_limit_are_refused(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id)
    limit = container.settings.graphql_max_aliases
    ok = "{ " + " ".join(f"a{n}: teams {{ id }}" for n in range(limit)) + " }"
    assert graphql(client, token, ok).json().get("errors") is None
    many = "{ " + " ".join(f"a{n}: teams {{ id }}" for n in range(limit + 1)) + " }"
    body = graphql(client, token, many).json()
    assert body["errors"] and "aliases" in body["errors"][0]["message"]
