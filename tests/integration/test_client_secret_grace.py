"""A rotated client secret keeps working beside the new one for a grace window
(CLIENT_SECRET_GRACE, or --grace / graceSeconds), so a client's deployments can switch
over; after the window only the new secret gets tokens (issue 11 item 3)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import update
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import API_CLIENT
from infra.db.types import utcnow
from tests.support.api import access_token, graphql_data, request_token
from tests.support.owner import owner_engine

ROTATE = """
mutation ($id: ID!, $grace: Int) {
  rotateApiClientSecret(id: $id, graceSeconds: $grace) {
    __typename
    ... on RotatedApiClientSecret { secret client { id previousSecretValidUntil } }
    ... on ValidationError { message field }
  }
}"""


def end_grace_window(container: Container, client_id: str) -> None:
    """Move the old secret's window into the past: no sleeping on a loaded machine."""
    past = utcnow() - timedelta(seconds=1)
    stmt = (
        update(API_CLIENT)
        .where(API_CLIENT.c.client_id == client_id)
        .values(previous_secret_expires_at=past)
    )
    with owner_engine(container).begin() as conn:
        assert conn.execute(stmt).rowcount == 1


def test_both_secrets_work_inside_the_window_and_only_the_new_one_after(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    client_id, old = admin.create_client(container, tenant=tenant.id, scopes=["read"])

    rotated = admin.rotate_client(
        container, tenant=tenant.id, client_id=client_id, grace=timedelta(seconds=30)
    )

    assert rotated.client.previous_secret_valid_until is not None
    assert request_token(client, client_id, old).status_code == 200
    assert request_token(client, client_id, rotated.secret).status_code == 200
    end_grace_window(container, client_id)
    assert request_token(client, client_id, old).json()["error"] == "invalid_client"
    assert request_token(client, client_id, rotated.secret).status_code == 200
    assert admin.list_clients(container, tenant.id)[0].previous_secret_valid_until is None


def test_a_second_rotation_ends_the_first_secrets_window(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    client_id, first = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    hour = timedelta(hours=1)
    second = admin.rotate_client(container, tenant=tenant.id, client_id=client_id, grace=hour)

    third = admin.rotate_client(container, tenant=tenant.id, client_id=client_id, grace=hour)

    assert request_token(client, client_id, first).status_code == 401
    assert request_token(client, client_id, second.secret).status_code == 200
    assert request_token(client, client_id, third.secret).status_code == 200


def test_the_cli_keeps_the_old_secret_for_client_secret_grace_by_default(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    client_id, old = admin.create_client(container, tenant=tenant.id, scopes=["read"])

    result = CliRunner().invoke(
        app, ["client", "rotate", "--tenant", tenant.slug, client_id, "--json"]
    )

    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    until = shown["previous_secret_valid_until"]
    assert until is not None
    rotated_at = admin.list_clients(container, tenant.id)[0].secret_rotated_at
    assert rotated_at is not None
    grace = container.settings.client_secret_grace
    assert until == (rotated_at + timedelta(seconds=grace)).isoformat(timespec="seconds")
    assert request_token(client, client_id, old).status_code == 200
    assert request_token(client, client_id, shown["client_secret"]).status_code == 200
    listing = CliRunner().invoke(app, ["client", "list", "--tenant", tenant.slug])
    assert f"old secret until {until}" in listing.stdout


def test_the_mutation_takes_a_grace_window_and_refuses_a_negative_one(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    client_id, old = admin.create_client(container, tenant=tenant.id, scopes=["read"])

    refused = graphql_data(client, token, ROTATE, id=client_id, grace=-1)
    kept = graphql_data(client, token, ROTATE, id=client_id)["rotateApiClientSecret"]

    assert refused["rotateApiClientSecret"]["field"] == "graceSeconds"
    assert kept["client"]["previousSecretValidUntil"] is not None
    assert request_token(client, client_id, old).status_code == 200
    assert request_token(client, client_id, kept["secret"]).status_code == 200
    now = graphql_data(client, token, ROTATE, id=client_id, grace=0)["rotateApiClientSecret"]
    assert now["client"]["previousSecretValidUntil"] is None
    assert request_token(client, client_id, kept["secret"]).status_code == 401
    assert request_token(client, client_id, now["secret"]).status_code == 200
