"""With the database unreachable, a request whose token's tenant has no cached revocation
set cannot be checked: it is a 503 with Retry-After (on /graphql and the CSV exports), not
a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.settings import Settings
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
    dead = Container(settings.model_copy(update={"database_url": unreachable(settings, tmp_path)}))
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
