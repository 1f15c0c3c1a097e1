"""With the database unreachable, a request whose token's tenant has no cached revocation
set cannot be checked, and an export whose token was checked cannot be read: each is a 503
with Retry-After (on /graphql and the CSV exports), not a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.migrate import upgrade
from infra.settings import Settings
from tests.conftest import scratch_database
from tests.support.api import access_token, api_client


def unreachable(settings: Settings, tmp_path: Path) -> str:
    """The same kind of database at a place nothing answers."""
    if settings.is_sqlite:
        return f"sqlite:///{tmp_path / 'missing-dir' / 'fairscore.db'}"
    # Port 1: nothing listens there, so the connection is refused at once.
    return make_url(settings.database_url).set(port=1).render_as_string(hide_password=False)


@pytest.fixture
def down(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    """The app with the same keys and issuer, on a database that is down."""
    # Every login's URL: the app's, and the system login's the token endpoint looks clients up by.
    gone = unreachable(settings, tmp_path)
    urls = {"database_url": gone, "system_database_url": gone}
    dead = Container(settings.model_copy(update=urls))
    yield api_client(dead)
    dead.close()


def test_a_token_that_cannot_be_checked_is_a_503_not_a_500(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    down: TestClient,
) -> None:
    token = access_token(client, container, tenant.id)
    headers = {"Authorization": f"Bearer {token}"}
    answers = [
        down.post("/graphql", json={"query": "{ metrics { key } }"}, headers=headers),
        down.get(
            "/exports/tenant-metrics.csv",
            params={"grain": "MONTH", "start": "2025-03-01"},
            headers=headers,
        ),
    ]
    for response in answers:
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"].isdigit()
        assert "database" in response.text


@pytest.mark.parametrize("export", ["tenant-metrics", "agent-scores", "tickets"])
def test_an_export_whose_database_goes_away_after_the_token_check_is_a_503(
    postgres_admin_url: str, tmp_path: Path, export: str
) -> None:
    """The token's revocation set is cached, then the database stops taking connections:
    the export's read fails before the response starts, so it is a 503 (retry), not a 500
    and not a CSV cut short."""
    with scratch_database("fairscore_down") as url:
        upgrade(url)
        settings = Settings(
            database_url=url, redis_url=None, data_dir=tmp_path / "keys", graphiql=False
        )
        live = Container(settings)
        client = api_client(live)
        tenant = admin.create_tenant(live, slug="down", name="Down Co", timezone="UTC")
        headers = {"Authorization": f"Bearer {access_token(client, live, tenant.id)}"}
        params = {"grain": "MONTH", "start": "2025-03-01"}
        assert client.get(f"/exports/{export}.csv", params=params, headers=headers).is_success
        refuse_connections(postgres_admin_url, make_url(url).database or "")
        try:
            response = client.get(f"/exports/{export}.csv", params=params, headers=headers)
        finally:
            live.close()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert "database is unavailable" in response.text


def refuse_connections(admin_url: str, database: str) -> None:
    """The database goes away for this app: no new connections, its open ones ended."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
            {"d": database},
        )
    engine.dispose()
