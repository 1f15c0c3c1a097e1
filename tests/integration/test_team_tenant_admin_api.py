"""createTeam, updateTeam, updateTenantSettings (issue 12 item 5): admin mutations with
typed errors, tenant-scoped, audited; a new timezone re-derives the history."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue
from tests.factories import Ticket
from tests.support.api import access_token, graphql, graphql_data
from tests.support.derive import apply_and_settle

CREATE = """mutation ($name: String!, $externalId: String) {
  createTeam(name: $name, externalId: $externalId) {
    __typename
    ... on Team { id name externalId externalIds { source id } }
    ... on ValidationError { message field }
  }
}"""
CREATE_FROM = """mutation ($name: String!, $externalId: String, $source: String!) {
  createTeam(name: $name, externalId: $externalId, source: $source) {
    __typename ... on Team { id } ... on ValidationError { field }
  }
}"""
UPDATE = """mutation ($id: ID!, $name: String!) {
  updateTeam(id: $id, name: $name) {
    __typename
    ... on Team { id name externalId }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
TENANT = """mutation ($name: String, $timezone: String) {
  updateTenantSettings(name: $name, timezone: $timezone) {
    __typename
    ... on TenantSettings { name timezone historyRecomputing }
    ... on ValidationError { message field }
  }
}"""
TEAMS = "{ teams { id name externalId } }"
AUDIT = "{ auditLog(first: 10) { edges { node { action outcome details } } } }"
DAY = """query ($start: Date!) {
  tenantMetrics(period: {grain: DAY, start: $start}) { metrics { key value sampleSize } }
}"""


def admin_token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    return access_token(client, container, tenant.id, scopes=("read", "admin"))


def other_tenant(container: Container) -> TenantProfile:
    slug = f"t-{uuid.uuid4().hex[:8]}"
    return admin.create_tenant(container, slug=slug, name="Other Co", timezone="UTC")


def answer(client: TestClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    data = graphql_data(client, token, query, **variables)
    return dict(next(iter(data.values())))


def teams(client: TestClient, token: str) -> list[dict[str, Any]]:
    return list(graphql_data(client, token, TEAMS)["teams"])


def test_create_team_shows_in_teams_and_is_audited(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = admin_token(client, container, tenant)

    made = answer(client, token, CREATE, name=" Tier 2 ", externalId="t2")

    assert made["__typename"] == "Team"
    assert (made["name"], made["externalId"]) == ("Tier 2", "t2")
    assert made["externalIds"] == [{"source": "generic", "id": "t2"}]
    assert teams(client, token) == [{"id": made["id"], "name": "Tier 2", "externalId": "t2"}]
    plain = answer(client, token, CREATE, name="Escalations")
    assert plain["__typename"] == "Team" and plain["externalId"] is None
    newest = graphql_data(client, token, AUDIT)["auditLog"]["edges"][0]["node"]
    assert (newest["action"], newest["outcome"]) == ("createTeam", "ok")


def test_a_team_created_with_an_external_id_is_the_one_the_source_data_names(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = admin_token(client, container, tenant)
    made = answer(client, token, CREATE, name="Tier 2", externalId="t2")
    story = Ticket("TT1").created(0, assignee="a1").assign(1, "a1", team="t2")
    apply_and_settle(container, tenant.id, source="generic", events=story.events)

    assert [t["id"] for t in teams(client, token)] == [made["id"]]


def test_a_duplicate_external_id_or_an_empty_name_is_a_validation_error(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = admin_token(client, container, tenant)
    first = answer(client, token, CREATE, name="Tier 2", externalId="t2")

    duplicate = answer(client, token, CREATE, name="Another", externalId="t2")
    empty = answer(client, token, CREATE, name="  ")
    unknown = answer(client, token, CREATE_FROM, name="Z", externalId="z", source="nope")
    zendesk = answer(client, token, CREATE_FROM, name="Z", externalId="t2", source="zendesk")

    assert duplicate["__typename"] == "ValidationError" and duplicate["field"] == "externalId"
    assert empty["__typename"] == "ValidationError" and empty["field"] == "name"
    assert unknown["__typename"] == "ValidationError" and unknown["field"] == "source"
    assert zendesk["__typename"] == "Team"  # another source's t2 is another team
    assert [t["id"] for t in teams(client, token)] == [first["id"], zendesk["id"]]


def test_the_same_external_id_in_another_tenant_is_fine(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    other = other_tenant(container)
    answer(client, admin_token(client, container, other), CREATE, name="B", externalId="t2")

    made = answer(client, admin_token(client, container, tenant), CREATE, name="A", externalId="t2")

    assert made["__typename"] == "Team"


def test_update_team_renames_and_an_unknown_id_is_not_found(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = admin_token(client, container, tenant)
    made = answer(client, token, CREATE, name="Tier 2", externalId="t2")

    renamed = answer(client, token, UPDATE, id=made["id"], name="Tier Two")
    unknown = answer(client, token, UPDATE, id="nope", name="X")
    blank = answer(client, token, UPDATE, id=made["id"], name="")

    assert renamed == {
        "__typename": "Team",
        "id": made["id"],
        "name": "Tier Two",
        "externalId": "t2",
    }
    assert unknown["__typename"] == "NotFoundError"
    assert blank["__typename"] == "ValidationError" and blank["field"] == "name"
    assert teams(client, token)[0]["name"] == "Tier Two"


def test_an_admin_cannot_update_another_tenants_team(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    other = other_tenant(container)
    b_token = admin_token(client, container, other)
    b_team = answer(client, b_token, CREATE, name="B team")

    tried = answer(
        client, admin_token(client, container, tenant), UPDATE, id=b_team["id"], name="X"
    )

    assert tried["__typename"] == "NotFoundError"
    assert teams(client, b_token) == [{"id": b_team["id"], "name": "B team", "externalId": None}]


def test_a_read_token_is_forbidden_to_manage_teams_and_the_tenant(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id, scopes=("read",))
    calls = [(CREATE, {"name": "X"}), (UPDATE, {"id": "x", "name": "X"}), (TENANT, {"name": "X"})]

    for query, variables in calls:
        body = graphql(client, token, query, **variables).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body

    assert teams(client, token) == []
    assert admin.list_tenants(container)  # the tenant is still there, unrenamed below
    assert [t.name for t in admin.list_tenants(container) if t.id == tenant.id] == ["Test Co"]


def test_update_tenant_name_keeps_history_and_a_bad_timezone_is_a_validation_error(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = admin_token(client, container, tenant)

    renamed = answer(client, token, TENANT, name="Acme Support")
    bad = answer(client, token, TENANT, timezone="Mars/Olympus_Mons")
    nonsense = answer(client, token, TENANT, timezone="../etc/passwd")

    assert renamed == {
        "__typename": "TenantSettings",
        "name": "Acme Support",
        "timezone": "Europe/Berlin",
        "historyRecomputing": False,
    }
    assert bad["__typename"] == "ValidationError" and bad["field"] == "timezone"
    assert nonsense["__typename"] == "ValidationError" and nonsense["field"] == "timezone"
    [stored] = [t for t in admin.list_tenants(container) if t.id == tenant.id]
    assert (stored.name, stored.timezone) == ("Acme Support", "Europe/Berlin")
    newest = graphql_data(client, token, AUDIT)["auditLog"]["edges"][0]["node"]
    assert newest["action"] == "updateTenantSettings"


def test_a_new_timezone_re_derives_the_days_history_falls_in(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    # 23:10-23:40 UTC on Monday 2026-03-02 is 00:10-00:40 on Tuesday in Berlin.
    story = Ticket("TZ1").created(850, assignee="a1").customer(850).agent(880, "a1")
    apply_and_settle(container, tenant.id, source="generic", events=story.events)
    token = admin_token(client, container, tenant)
    assert first_response(client, token, "2026-03-03") == 1800
    assert first_response(client, token, "2026-03-02") is None

    changed = answer(client, token, TENANT, timezone="UTC")
    drain(container)

    assert changed["historyRecomputing"] is True and changed["timezone"] == "UTC"
    assert first_response(client, token, "2026-03-02") == 1800
    assert first_response(client, token, "2026-03-03") is None


def first_response(client: TestClient, token: str, day: str) -> float | None:
    metrics = graphql_data(client, token, DAY, start=day)["tenantMetrics"]["metrics"]
    value = {m["key"]: m["value"] for m in metrics}["first_response_time"]
    return None if value is None else float(value)


def drain(container: Container) -> None:
    assert isinstance(container.queue, InProcessJobQueue)
    container.queue.join()
