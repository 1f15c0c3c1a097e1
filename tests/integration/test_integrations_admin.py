"""Admins list, create and change integrations (GraphQL and CLI); secrets are shown only
when created; HEAD/GET answer vendors' URL checks without revealing more than POST."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.support.api import access_token, graphql_data
from tests.support.vendors import Delivery, fixture, send

CREATE = """
mutation ($source: String!, $secret: String, $options: JSON) {
  createIntegration(source: $source, secret: $secret, options: $options) {
    __typename
    ... on CreatedIntegration {
      secret integration { id source active allowUnsigned webhookPath options }
    }
    ... on ValidationError { message field }
  }
}"""
UPDATE = """
mutation ($id: ID!, $secret: String, $allowUnsigned: Boolean, $active: Boolean) {
  updateIntegration(id: $id, secret: $secret, allowUnsigned: $allowUnsigned, active: $active) {
    __typename
    ... on Integration { id active allowUnsigned }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
LIST = "{ integrations { id source active allowUnsigned webhookPath options createdAt } }"


@pytest.fixture
def token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    return access_token(client, container, tenant.id, scopes=("read", "admin"))


def create(client: TestClient, token: str, **variables: Any) -> dict[str, Any]:
    return dict(graphql_data(client, token, CREATE, **variables)["createIntegration"])


def update(client: TestClient, token: str, **variables: Any) -> dict[str, Any]:
    return dict(graphql_data(client, token, UPDATE, **variables)["updateIntegration"])


def test_a_created_integration_shows_its_secret_once_and_never_in_the_list(
    client: TestClient, token: str
) -> None:
    created = create(
        client, token, source="zendesk", options={"additional_secrets": ["second-webhook-key"]}
    )

    assert created["__typename"] == "CreatedIntegration"
    integration = created["integration"]
    assert integration["webhookPath"] == f"/webhooks/zendesk/{integration['id']}"
    assert len(created["secret"]) >= 32  # generated
    listing = graphql_data(client, token, LIST)["integrations"]
    assert [i["id"] for i in listing] == [integration["id"]]
    text = json.dumps(listing)
    assert created["secret"] not in text and "second-webhook-key" not in text


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"source": "zendesck"}, "source"),
        ({"source": "generic", "secret": "not a whsec secret!"}, "secret"),
        ({"source": "intercom", "secret": "   "}, "secret"),
        ({"source": "intercom", "options": {"allow_unsigned": True}}, "options"),
        ({"source": "freshdesk", "options": {"auth": "digest"}}, "options.auth"),
    ],
    ids=["unknown source", "generic secret", "blank secret", "unknown option", "auth mode"],
)
def test_invalid_integration_input_is_a_validation_error(
    client: TestClient, token: str, variables: dict[str, Any], field: str
) -> None:
    result = create(client, token, **variables)

    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert graphql_data(client, token, LIST)["integrations"] == []


def test_chatwoot_secret_set_after_creation_then_verifies_deliveries(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    created = create(client, token, source="chatwoot")["integration"]
    chatwoot_secret = "secret-chatwoot-generated-later"

    updated = update(client, token, id=created["id"], secret=chatwoot_secret)

    assert updated == {
        "__typename": "Integration",
        "id": created["id"],
        "active": True,
        "allowUnsigned": False,
    }
    record = admin.IntegrationRecord(tenant.id, created["id"], "chatwoot", chatwoot_secret)
    delivery = Delivery(fixture("chatwoot", "message_created.incoming.captured-whatsapp.json"))
    assert send(client, record, delivery).status_code == 202
    container.queue.join()


def test_setting_a_chatwoot_secret_ends_unsigned_mode_unless_kept_on_in_the_same_call(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    created = create(client, token, source="chatwoot", options={"allow_unsigned": True})
    integration = created["integration"]
    body = Delivery(fixture("chatwoot", "message_created.incoming.captured-whatsapp.json")).body

    def post_unsigned() -> int:
        headers = {"content-type": "application/json"}
        return client.post(integration["webhookPath"], content=body, headers=headers).status_code

    assert integration["allowUnsigned"] is True
    assert post_unsigned() == 202  # old Chatwoot, opted in

    kept = update(client, token, id=integration["id"], secret="s-1", allowUnsigned=True)
    rotated = update(client, token, id=integration["id"], secret="chatwoot-made-this")

    assert kept["allowUnsigned"] is True
    assert rotated["allowUnsigned"] is False
    assert post_unsigned() == 401  # signed from now on: no unsigned way in is left
    runner = CliRunner()
    base = ["integration", "update", "--tenant", tenant.slug, "--id", integration["id"]]
    assert runner.invoke(app, [*base, "--allow-unsigned"]).exit_code == 0
    by_cli = runner.invoke(app, [*base, "--secret", "from-the-cli"])
    assert by_cli.exit_code == 0, by_cli.output
    assert "accepts unsigned" not in " ".join(by_cli.output.split())


def test_unsigned_mode_is_for_chatwoot_only_and_an_inactive_integration_is_404(
    client: TestClient, token: str
) -> None:
    intercom = create(client, token, source="intercom", secret="client-secret")["integration"]

    refused = update(client, token, id=intercom["id"], allowUnsigned=True)
    deactivated = update(client, token, id=intercom["id"], active=False)

    assert (refused["__typename"], refused["field"]) == ("ValidationError", "allowUnsigned")
    assert deactivated["active"] is False
    assert client.post(intercom["webhookPath"], content=b"{}").status_code == 404
    assert update(client, token, id="nope", active=True)["__typename"] == "NotFoundError"


def test_another_tenants_integration_cannot_be_seen_or_changed(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    other = admin.create_tenant(container, slug=f"{tenant.slug}-x", name="X", timezone="UTC")
    theirs = admin.create_integration(container, tenant=other.id, source="intercom", secret="s")

    result = update(client, token, id=theirs.id, secret="mine-now")

    assert result["__typename"] == "NotFoundError"
    assert graphql_data(client, token, LIST)["integrations"] == []


def test_the_cli_rotates_a_secret_and_deactivates_without_printing_the_secret(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    record = admin.create_integration(container, tenant=tenant.id, source="chatwoot", secret=None)
    runner = CliRunner()
    base = ["integration", "update", "--tenant", tenant.slug, "--id", record.id]

    rotated = runner.invoke(app, [*base, "--secret", "rotated-secret-123", "--allow-unsigned"])
    off = runner.invoke(app, [*base, "--deactivate"])

    assert rotated.exit_code == 0, rotated.output
    assert "rotated-secret-123" not in rotated.output
    assert "accepts unsigned" in " ".join(rotated.output.split())
    assert off.exit_code == 0 and "inactive" in off.output
    missing = runner.invoke(app, ["integration", "update", "--tenant", tenant.slug, "--id", "x"])
    assert missing.exit_code == 1


# --- HEAD/GET: vendors check the URL when a webhook is saved ------------------------------


@pytest.mark.parametrize("method", ["HEAD", "GET"])
def test_a_url_check_answers_200_for_an_integration_that_would_take_posts(
    client: TestClient, container: Container, tenant: TenantProfile, method: str
) -> None:
    record = admin.create_integration(container, tenant=tenant.id, source="intercom", secret="s")

    response = client.request(method, f"/webhooks/intercom/{record.id}")

    assert response.status_code == 200
    if method == "GET":
        assert response.json() == {"status": "ok", "source": "intercom", "accepts": "POST"}


@pytest.mark.parametrize(
    "path",
    ["/webhooks/intercom/no-such-id", "/webhooks/zendesk/{id}", "/webhooks/nosource/{id}"],
    ids=["unknown id", "other source", "unknown source"],
)
def test_a_url_check_answers_like_a_post_for_what_would_be_404(
    client: TestClient, container: Container, tenant: TenantProfile, path: str
) -> None:
    record = admin.create_integration(container, tenant=tenant.id, source="intercom", secret="s")
    url = path.format(id=record.id)

    head, get, post = client.head(url), client.get(url), client.post(url, content=b"{}")

    assert head.status_code == get.status_code == post.status_code == 404
    assert get.json() == post.json()  # the same words: nothing more is revealed
