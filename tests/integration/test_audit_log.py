"""The audit log (issue 11 item 5): every admin mutation and operator credential change
is recorded — who (client id, Fairscore-Actor), what (secrets redacted), when, how it
ended, settings before/after — and admins read their own tenant's log, newest first."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.support.api import access_token

EVENT = "node { at clientId actor action outcome details }"
LOG = f"""query ($first: Int, $after: String) {{
  auditLog(first: $first, after: $after) {{
    edges {{ cursor {EVENT} }} pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
SET_SLA = """mutation ($input: SlaTargetsInput!) {
  setSlaTargets(input: $input) { __typename }
}"""
CREATE_CLIENT = """mutation ($scopes: [String!]!) {
  createApiClient(scopes: $scopes) { __typename ... on CreatedApiClient { secret } }
}"""
ROTATE = """mutation ($id: ID!) {
  rotateApiClientSecret(id: $id) { __typename ... on RotatedApiClientSecret { secret } }
}"""
CREATE_HOOK = """mutation ($secret: String) {
  createIntegration(source: "generic", secret: $secret) { __typename }
}"""
UPDATE_HOOK = """mutation ($id: ID!, $secret: String) {
  updateIntegration(id: $id, secret: $secret) { __typename }
}"""


@pytest.fixture
def token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    return access_token(client, container, tenant.id, scopes=("read", "admin"))


def call(client: TestClient, token: str, query: str, actor: str | None = None, **v: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if actor is not None:
        headers["Fairscore-Actor"] = actor
    response = client.post("/graphql", json={"query": query, "variables": v}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def events(client: TestClient, token: str, **variables: Any) -> list[dict[str, Any]]:
    body = call(client, token, LOG, **variables)
    assert not body.get("errors"), body["errors"]
    return [e["node"] for e in body["data"]["auditLog"]["edges"]]


def client_id_of(client: TestClient, token: str) -> str:
    ids = call(client, token, "{ apiClients { id } }")["data"]["apiClients"]
    assert len(ids) == 1
    return str(ids[0]["id"])


def test_an_admin_mutation_is_recorded_with_client_actor_and_settings_before_after(
    client: TestClient, token: str
) -> None:
    me = client_id_of(client, token)
    targets = {"firstResponse": [{"channel": "email", "seconds": 3600}]}
    done = call(client, token, SET_SLA, actor=" ana@acme.test \t " + "x" * 500, input=targets)
    assert done["data"]["setSlaTargets"]["__typename"] == "SlaTargets"

    newest = events(client, token)[0]

    assert newest["action"] == "setSlaTargets" and newest["outcome"] == "ok"
    assert newest["clientId"] == me
    assert newest["actor"].startswith("ana@acme.test x") and len(newest["actor"]) == 200
    assert newest["details"]["arguments"]["input"]["first_response"] == [
        {"channel": "email", "seconds": 3600}
    ]
    change = newest["details"]["settings"]
    assert change["before"] == {"sla": None}
    assert change["after"]["sla"]["first_response"] == {"email": 3600}


def test_secrets_are_never_stored(client: TestClient, token: str) -> None:
    created = call(client, token, CREATE_CLIENT, scopes=["read"])["data"]["createApiClient"]
    new_id = client_id_of_newest(client, token)
    rotated = call(client, token, ROTATE, id=new_id)["data"]["rotateApiClientSecret"]
    hook_secret = "whsec_" + "s3cr3t" * 6
    assert call(client, token, CREATE_HOOK, secret=hook_secret)["data"]
    hooks = call(client, token, "{ integrations { id } }")["data"]["integrations"]
    call(client, token, UPDATE_HOOK, id=hooks[0]["id"], secret=hook_secret + "2")

    log = json.dumps(events(client, token))

    latest = [e["action"] for e in events(client, token, first=3)]
    assert latest == ["updateIntegration", "createIntegration", "rotateApiClientSecret"]
    for secret in (created["secret"], rotated["secret"], hook_secret):
        assert secret not in log
    assert '"secret": "[redacted]"' in log


def client_id_of_newest(client: TestClient, token: str) -> str:
    newest = events(client, token, first=1)[0]
    assert newest["action"] == "createApiClient"
    ids = call(client, token, "{ apiClients { id createdAt } }")["data"]["apiClients"]
    return str(max(ids, key=lambda c: c["createdAt"])["id"])


def test_a_mutation_answering_a_typed_error_is_recorded_with_that_outcome(
    client: TestClient, token: str
) -> None:
    refused = call(client, token, CREATE_CLIENT, actor="ana", scopes=["root"])
    missing = call(client, token, ROTATE, id="no-such-client")

    assert refused["data"]["createApiClient"]["__typename"] == "ValidationError"
    assert missing["data"]["rotateApiClientSecret"]["__typename"] == "NotFoundError"
    latest = events(client, token, first=2)
    assert [(e["action"], e["outcome"]) for e in latest] == [
        ("rotateApiClientSecret", "NotFoundError"),
        ("createApiClient", "ValidationError"),
    ]
    assert latest[1]["actor"] == "ana" and latest[0]["actor"] == ""


def test_paging_through_120_events_sees_each_once_newest_first(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    with container.uow(tenant.id) as uow:
        for n in range(120):
            uow.audit.record(client_id="c", actor="", action=f"a{n}", outcome="ok", details={})
        uow.commit()

    seen: list[str] = []
    after = None
    while True:
        body = call(client, token, LOG, first=50, after=after)["data"]["auditLog"]
        seen += [e["node"]["action"] for e in body["edges"]]
        if not body["pageInfo"]["hasNextPage"]:
            break
        after = body["pageInfo"]["endCursor"]
        assert after == body["edges"][-1]["cursor"]

    # The admin token's own `client create` (by the CLI path) came first.
    assert seen == [f"a{n}" for n in reversed(range(120))] + ["client create"]


def test_bad_paging_arguments_are_user_errors(client: TestClient, token: str) -> None:
    for variables in ({"first": 501}, {"first": 0}, {"after": "bm90LWEtY3Vyc29y"}):
        body = call(client, token, LOG, **variables)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", variables


def test_an_admin_sees_only_its_own_tenants_events(
    client: TestClient, container: Container, token: str
) -> None:
    other = admin.create_tenant(container, slug="audit-b", name="B", timezone="UTC")
    other_token = access_token(client, container, other.id, scopes=("read", "admin"))
    call(client, other_token, SET_SLA, actor="b-admin", input={})

    mine = json.dumps(events(client, token, first=500))

    assert "b-admin" not in mine and "setSlaTargets" not in mine
    assert events(client, other_token)[0]["actor"] == "b-admin"


def test_a_read_token_is_forbidden_and_its_refused_mutation_is_not_recorded(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    reader = access_token(client, container, tenant.id, scopes=("read",))

    body = call(client, reader, LOG)
    refused = call(client, reader, SET_SLA, input={})

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "setSlaTargets" not in [e["action"] for e in events(client, token)]


def test_cli_credential_changes_are_recorded_with_actor_cli(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    client_id, secret = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    rotated = CliRunner().invoke(
        app, ["client", "rotate", client_id, "--tenant", tenant.slug, "--json"]
    )
    assert rotated.exit_code == 0, rotated.output
    hook = admin.create_integration(container, tenant=tenant.id, source="generic", secret=None)
    assert CliRunner().invoke(app, ["keys", "rotate"]).exit_code == 0

    log = events(client, token)

    assert [(e["action"], e["actor"]) for e in log[:4]] == [
        ("keys rotate", "cli"),
        ("integration create", "cli"),
        ("client rotate", "cli"),
        ("client create", "cli"),
    ]
    assert log[2]["details"]["client_id"] == client_id
    text = json.dumps(log)
    assert secret not in text and hook.secret not in text
    assert json.loads(rotated.stdout)["client_secret"] not in text


def test_a_mutation_whose_commit_fails_is_still_recorded_with_an_error_outcome(
    client: TestClient, container: Container, token: str
) -> None:
    """COMMIT itself fails (once, for the transaction holding the mutation's audit row):
    the row is rolled back with it, so the outcome must be recorded afresh."""
    failed: list[bool] = []

    def note_audit_insert(conn: Connection, _c: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            conn.info["audit_insert"] = True

    def fail_first_audited_commit(conn: Connection) -> None:
        if conn.info.pop("audit_insert", False) and not failed:
            failed.append(True)
            raise RuntimeError("COMMIT failed")

    event.listen(container.engine, "before_cursor_execute", note_audit_insert)
    event.listen(container.engine, "commit", fail_first_audited_commit)
    try:
        targets = {"firstResponse": [{"channel": "email", "seconds": 7200}]}
        done = call(client, token, SET_SLA, actor="ana", input=targets)
    finally:
        event.remove(container.engine, "before_cursor_execute", note_audit_insert)
        event.remove(container.engine, "commit", fail_first_audited_commit)

    assert failed and done["errors"] and done["data"] is None
    newest = events(client, token)[0]
    assert newest["action"] == "setSlaTargets" and newest["outcome"].startswith("error")
    assert newest["actor"] == "ana"
