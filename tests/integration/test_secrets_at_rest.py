"""Integration signing secrets are stored encrypted under SECRET_KEYS (issue 11 item 3):
the column never holds the plaintext, webhooks still verify, a new key can go first while
the old one still decrypts, `fairscore secrets reencrypt` moves every row (plaintext ones
from before encryption included) to the first key, and production refuses to serve
without a key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, update
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.integrations import MAX_SECRET
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container, install
from infra.db.repositories.system import IntegrationRecord
from infra.db.tables import INTEGRATION
from infra.secret_box import PREFIX, SecretKeyError
from infra.settings import Settings
from tests.factories import Ticket
from tests.support.api import access_token, api_client, batch, graphql_data, post_webhook
from tests.support.owner import owner_engine

BODY = batch(Ticket("T-1").created(0).events)
CREATE = """mutation ($secret: String) {
  createIntegration(source: "zendesk", secret: $secret) {
    __typename ... on CreatedIntegration { integration { id } }
  }
}"""


def stored_row(container: Container, integration_id: str) -> tuple[str, dict[str, object]]:
    with owner_engine(container).connect() as conn:
        stmt = select(INTEGRATION.c.secret, INTEGRATION.c.options)
        row = conn.execute(stmt.where(INTEGRATION.c.id == integration_id)).one()
    return row.secret, dict(row.options)


@contextmanager
def keyed(settings: Settings, *keys: str) -> Iterator[tuple[Container, TestClient]]:
    """The same database served with other SECRET_KEYS."""
    c = Container(settings.model_copy(update={"secret_keys": ",".join(keys)}))
    try:
        yield c, api_client(c)
    finally:
        c.close()


def test_the_stored_secret_is_not_the_plaintext_and_webhooks_still_verify(
    client: TestClient, container: Container, integration: IntegrationRecord
) -> None:
    secret, _ = stored_row(container, integration.id)

    assert secret.startswith(PREFIX) and integration.secret not in secret
    assert post_webhook(client, integration, BODY).status_code == 202
    assert post_webhook(client, integration, BODY, secret="whsec_d3Jvbmc=").status_code == 401


def test_additional_secrets_are_encrypted_too_and_still_verify(
    container: Container, tenant: TenantProfile
) -> None:
    record = admin.create_integration(
        container,
        tenant=tenant.id,
        source="zendesk",
        secret="first-webhook",
        options={"additional_secrets": ["second-webhook"]},
    )

    secret, options = stored_row(container, record.id)

    assert "first-webhook" not in secret and "second-webhook" not in json.dumps(options)
    with container.system() as uow:
        found = uow.system.integration(record.id)
    assert found is not None and found.secret == "first-webhook"
    assert found.options["additional_secrets"] == ["second-webhook"]


def test_a_new_key_goes_first_the_old_still_decrypts_then_reencrypt_lets_it_go(
    settings: Settings, container: Container, integration: IntegrationRecord
) -> None:
    old = settings.secret_keys
    assert old is not None
    new = Fernet.generate_key().decode()
    before, _ = stored_row(container, integration.id)

    with keyed(settings, new, old) as (both, client):
        assert post_webhook(client, integration, BODY).status_code == 202
        rewritten, current = admin.reencrypt_secrets(both)  # the database's every row
        assert rewritten >= 1 and current == 0
        assert admin.reencrypt_secrets(both) == (0, rewritten)  # idempotent
    after, _ = stored_row(container, integration.id)
    try:
        with keyed(settings, new) as (_, client):
            assert post_webhook(client, integration, BODY).status_code == 202
        with (
            keyed(settings, old) as (alone, _),  # the old key alone no longer opens it
            alone.system() as uow,
            pytest.raises(SecretKeyError, match="not in SECRET_KEYS"),
        ):
            uow.system.integration(integration.id)
        assert after != before and after.startswith(PREFIX)
    finally:  # back under the suite's key, for the tests that share this database
        with keyed(settings, old, new) as (back, _):
            admin.reencrypt_secrets(back)


def test_a_plaintext_row_from_before_still_verifies_and_the_command_encrypts_it(
    client: TestClient, container: Container, integration: IntegrationRecord
) -> None:
    with owner_engine(container).begin() as conn:
        conn.execute(
            update(INTEGRATION)
            .where(INTEGRATION.c.id == integration.id)
            .values(secret=integration.secret)
        )
    assert post_webhook(client, integration, BODY).status_code == 202

    result = CliRunner().invoke(app, ["secrets", "reencrypt", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reencrypted"] >= 1
    secret, _ = stored_row(container, integration.id)
    assert secret.startswith(PREFIX) and integration.secret not in secret
    assert post_webhook(client, integration, BODY).status_code == 202
    again = CliRunner().invoke(app, ["secrets", "reencrypt", "--json"])
    assert json.loads(again.stdout)["reencrypted"] == 0


def test_serve_refuses_to_start_in_production_without_secret_keys(settings: Settings) -> None:
    production = settings.model_copy(update={"environment": "production", "secret_keys": None})
    c = Container(production)
    install(c)  # the CLI's process-wide container

    result = CliRunner().invoke(app, ["serve", "--port", "1"])

    assert result.exit_code == 1
    assert "SECRET_KEYS is not set" in result.stderr


@pytest.mark.parametrize("secret", ["é" * 400, "é" * MAX_SECRET, "€" * MAX_SECRET])
def test_a_non_ascii_secret_of_any_allowed_length_is_stored_and_read_back(
    client: TestClient, container: Container, tenant: TenantProfile, secret: str
) -> None:
    """The limit counts characters; encrypted, 500 multi-byte ones outgrow 1,000 bytes."""
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))

    created = graphql_data(client, token, CREATE, secret=secret)["createIntegration"]

    assert created["__typename"] == "CreatedIntegration"
    stored, _ = stored_row(container, created["integration"]["id"])
    assert stored.startswith(PREFIX) and len(stored) > 1000
    with container.system() as uow:
        found = uow.system.integration(created["integration"]["id"])
    assert found is not None and found.secret == secret
