"""Operators list, revoke and rotate API clients, and list tenants and integrations, from
the CLI (SPEC §6); no listing ever shows a secret, and a tenant sees only its own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import Result
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container, install
from infra.db.repositories.system import IntegrationRecord
from infra.settings import Settings
from tests.support.api import request_token


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def listed(tenant: TenantProfile) -> list[dict[str, Any]]:
    result = cli("client", "list", "--tenant", tenant.slug, "--json")
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


@pytest.fixture
def credentials(container: Container, tenant: TenantProfile) -> tuple[str, str]:
    return admin.create_client(container, tenant=tenant.id, scopes=["read", "admin"], name="bi")


def test_client_list_shows_ids_scopes_and_dates_never_a_secret(
    container: Container, tenant: TenantProfile, credentials: tuple[str, str]
) -> None:
    other_id, other_secret = admin.create_client(container, tenant=tenant.id, scopes=["read"])

    rows = listed(tenant)
    text = cli("client", "list", "--tenant", tenant.slug)

    assert [r["client_id"] for r in rows] == [credentials[0], other_id]
    first = rows[0]
    assert first["scopes"] == ["read", "admin"] and first["name"] == "bi"
    assert first["active"] is True and first["created_at"]
    assert first["revoked_at"] is None and first["secret_rotated_at"] is None
    assert text.exit_code == 0 and credentials[0] in text.stdout and other_id in text.stdout
    for output in (json.dumps(rows), text.output):
        assert credentials[1] not in output and other_secret not in output
        assert "secret_hash" not in output and "sha256$" not in output


def test_a_revoked_client_gets_no_more_tokens(
    client: TestClient, tenant: TenantProfile, credentials: tuple[str, str]
) -> None:
    assert request_token(client, *credentials).status_code == 200

    revoked = cli("client", "revoke", "--tenant", tenant.slug, credentials[0])

    assert revoked.exit_code == 0, revoked.output
    response = request_token(client, *credentials)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    row = listed(tenant)[0]
    assert row["active"] is False and row["revoked_at"]
    again = cli("client", "revoke", "--tenant", tenant.slug, credentials[0])
    assert again.exit_code == 0 and listed(tenant)[0]["revoked_at"] == row["revoked_at"]


def test_rotation_with_no_grace_prints_a_new_secret_once_and_the_old_one_stops_working(
    client: TestClient, tenant: TenantProfile, credentials: tuple[str, str]
) -> None:
    client_id, old_secret = credentials

    rotated = cli("client", "rotate", "--tenant", tenant.slug, client_id, "--grace", "0", "--json")

    assert rotated.exit_code == 0, rotated.output
    new_secret = json.loads(rotated.stdout)["client_secret"]
    assert new_secret != old_secret and len(new_secret) >= 32
    assert request_token(client, client_id, old_secret).json()["error"] == "invalid_client"
    assert request_token(client, client_id, new_secret).status_code == 200
    row = listed(tenant)[0]
    assert row["secret_rotated_at"] and row["active"] is True
    assert new_secret not in cli("client", "list", "--tenant", tenant.slug).output
    assert json.loads(rotated.stdout)["previous_secret_valid_until"] is None
    text = cli("client", "rotate", "--tenant", tenant.slug, client_id)
    assert text.exit_code == 0 and "client_secret" in text.stdout


def test_a_revoked_client_cannot_be_rotated_back_to_life(
    client: TestClient, tenant: TenantProfile, credentials: tuple[str, str]
) -> None:
    assert cli("client", "revoke", "--tenant", tenant.slug, credentials[0]).exit_code == 0

    result = cli("client", "rotate", "--tenant", tenant.slug, credentials[0])

    assert result.exit_code == 1
    assert "is revoked" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert request_token(client, *credentials).status_code == 401


def test_another_tenants_client_is_not_found_and_keeps_working(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    other = admin.create_tenant(container, slug=f"{tenant.slug}-b", name="B", timezone="UTC")
    theirs = admin.create_client(container, tenant=other.id, scopes=["read"])

    for command in ("revoke", "rotate"):
        result = cli("client", command, "--tenant", tenant.slug, theirs[0])
        assert result.exit_code == 1, command
        assert f"no API client {theirs[0]!r} in tenant {tenant.slug!r}" in result.stderr

    assert request_token(client, *theirs).status_code == 200
    assert listed(tenant) == []
    assert [r["client_id"] for r in listed(other)] == [theirs[0]]


@pytest.mark.parametrize(
    "args",
    [
        ["client", "list", "--tenant", "nope"],
        ["client", "revoke", "--tenant", "nope", "fsc_x"],
        ["client", "rotate", "--tenant", "nope", "fsc_x"],
        ["integration", "list", "--tenant", "nope"],
    ],
)
def test_an_unknown_tenant_is_one_error_line_and_exit_1(
    container: Container, args: list[str]
) -> None:
    result = cli(*args)

    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no tenant 'nope'"
    assert result.stdout == ""


def test_tenant_list_names_every_tenant_in_slug_order(
    container: Container, tenant: TenantProfile
) -> None:
    other = admin.create_tenant(container, slug=f"{tenant.slug}-z", name="Other", timezone="UTC")
    ours = {tenant.slug, other.slug}  # PostgreSQL's database is shared by the session

    rows = json.loads(cli("tenant", "list", "--json").stdout)
    text = cli("tenant", "list").stdout

    mine = [(r["slug"], r["id"], r["timezone"]) for r in rows if r["slug"] in ours]
    assert mine == [(tenant.slug, tenant.id, "Europe/Berlin"), (other.slug, other.id, "UTC")]
    assert [r["slug"] for r in rows] == sorted(r["slug"] for r in rows)
    assert tenant.slug in text and other.slug in text


def test_integration_list_shows_paths_never_secrets(
    container: Container, tenant: TenantProfile, integration: IntegrationRecord
) -> None:
    rows = json.loads(cli("integration", "list", "--tenant", tenant.slug, "--json").stdout)
    text = cli("integration", "list", "--tenant", tenant.slug).output

    assert rows == [
        {
            "integration_id": integration.id,
            "source": "generic",
            "webhook_path": f"/webhooks/generic/{integration.id}",
            "active": True,
            "created_at": rows[0]["created_at"],
        }
    ]
    assert f"/webhooks/generic/{integration.id}" in text
    assert integration.secret not in text and integration.secret not in json.dumps(rows)


def test_rotate_help_says_a_leaked_secret_needs_no_grace_or_a_revoke() -> None:
    result = cli("client", "rotate", "--help")

    text = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 0
    assert "A compromised secret stays valid for that window: use --grace 0, or revoke" in text


def test_integration_list_needs_no_secret_keys_in_production(
    container: Container, settings: Settings, tenant: TenantProfile, integration: IntegrationRecord
) -> None:
    # Listing shows no secret: an operator host without SECRET_KEYS can still list.
    keyless = settings.model_copy(update={"environment": "production", "secret_keys": None})
    install(Container(keyless))
    try:
        result = cli("integration", "list", "--tenant", tenant.slug, "--json")
    finally:
        install(container)

    assert result.exit_code == 0, result.output
    assert [r["integration_id"] for r in json.loads(result.stdout)] == [integration.id]


def test_cli_create_follows_the_rules_graphql_create_does(
    container: Container, tenant: TenantProfile
) -> None:
    # One definition (domain/services/clients.py): scopes in canonical order, name trimmed.
    client_id, _ = admin.create_client(
        container, tenant=tenant.id, scopes=["admin", "read"], name="  bi  "
    )
    too_long = cli("client", "create", "--tenant", tenant.slug, "--name", "x" * 201)

    (row,) = [r for r in listed(tenant) if r["client_id"] == client_id]
    assert row["scopes"] == ["read", "admin"] and row["name"] == "bi"
    assert too_long.exit_code == 1 and "longer than 200" in too_long.output
    assert len(listed(tenant)) == 1
