"""tickets(first, after, filter) (issue 12 item 1): a drill-down's filters, newest first,
opaque cursors that page through every ticket exactly once, per-ticket metrics in a
statement count independent of the page size; `read` scope, never another tenant's rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.factories import Ticket
from tests.support.api import access_token, graphql, graphql_data
from tests.support.derive import apply_and_settle

TICKETS = """query ($first: Int, $after: String, $filter: TicketFilter) {
  tickets(first: $first, after: $after, filter: $filter) {
    edges { cursor node { externalId status channel createdAt firstSolvedAt } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""
WITH_METRICS = """query ($first: Int) {
  tickets(first: $first) {
    edges { node { externalId eventCount assignee { id } team { id }
                   metrics { key value businessValue at agent { id } } } }
  }
}"""
# The statement count is the same for any page: one DataLoader round per level.
COUNTED = """query ($first: Int) {
  tickets(first: $first) {
    edges { node { externalId eventCount assignee { id } team { id } metrics { key value } } }
    totalCount
  }
}"""
MARCH_2 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday; 10:00 in Berlin


def story() -> list[dict[str, Any]]:
    """Five tickets of a Berlin tenant; "late" is created on 2 March in UTC but 3 March in
    Berlin, "orphan" has events but its creation has not arrived."""
    tickets = [
        Ticket("t1", base=MARCH_2)
        .created(0, assignee="a1", team="sales", channel="email")
        .customer(0)
        .agent(30, "a1")
        .solve(40),
        Ticket("t2", base=MARCH_2).created(1440, assignee="a2", team="care", channel="chat"),
        Ticket("t3", base=MARCH_2)
        .created(2880, assignee="a1", team="sales", channel="chat")
        .status(2900, "pending"),
        Ticket("late", base=MARCH_2).created(14 * 60 + 30, assignee="a2", team="sales"),
        Ticket("april", base=MARCH_2)
        .created(31 * 1440, assignee="a2", team="sales", channel="email")
        .customer(31 * 1440)
        .agent(31 * 1440 + 5, "a2")
        .solve(32 * 1440),
        Ticket("orphan", base=MARCH_2).customer(60),
    ]
    return [e for t in tickets for e in t.events]


@pytest.fixture
def token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    apply_and_settle(container, tenant.id, source="generic", events=story())
    return access_token(client, container, tenant.id)


def page(client: TestClient, token: str, **variables: Any) -> dict[str, Any]:
    return dict(graphql_data(client, token, TICKETS, **variables)["tickets"])


def ids(connection: dict[str, Any]) -> list[str]:
    return [e["node"]["externalId"] for e in connection["edges"]]


def ids_of(client: TestClient, token: str, kind: str) -> dict[str, str]:
    rows = graphql_data(client, token, f"{{ {kind} {{ id externalId }} }}")[kind]
    return {r["externalId"]: r["id"] for r in rows}


def errors(client: TestClient, token: str, **variables: Any) -> list[dict[str, Any]]:
    response = graphql(client, token, TICKETS, **variables)
    assert response.status_code == 200, response.text
    return list(response.json().get("errors") or [])


def test_newest_created_first_and_not_yet_created_last(client: TestClient, token: str) -> None:
    everything = page(client, token, first=500)

    assert ids(everything) == ["april", "t3", "t2", "late", "t1", "orphan"]
    assert everything["totalCount"] == 6
    assert everything["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": everything["edges"][-1]["cursor"],
    }


def test_filters_by_team_agent_status_and_channel(client: TestClient, token: str) -> None:
    agents, teams = ids_of(client, token, "agents"), ids_of(client, token, "teams")

    def matching(**wanted: Any) -> set[str]:
        found = page(client, token, filter=wanted)
        assert found["totalCount"] == len(found["edges"])
        return set(ids(found))

    assert matching(teamId=teams["care"]) == {"t2"}
    assert matching(agentId=agents["a1"]) == {"t1", "t3"}
    assert matching(status=["SOLVED", "PENDING"]) == {"t1", "t3", "april"}
    assert matching(channel="chat") == {"t2", "t3"}
    assert matching(teamId=teams["sales"], agentId=agents["a2"]) == {"late", "april"}


def test_created_and_solved_periods_are_the_tenants_local_days(
    client: TestClient, token: str
) -> None:
    def matching(**wanted: Any) -> set[str]:
        return set(ids(page(client, token, filter=wanted)))

    assert matching(created={"grain": "DAY", "start": "2026-03-02"}) == {"t1"}
    assert matching(created={"grain": "DAY", "start": "2026-03-03"}) == {"late", "t2"}
    assert matching(created={"grain": "MONTH", "start": "2026-03-15"}) == {
        "t1",
        "t2",
        "t3",
        "late",
    }
    assert matching(solved={"grain": "MONTH", "start": "2026-04-01"}) == {"april"}
    assert matching(solved={"grain": "WEEK", "start": "2026-03-02"}) == {"t1"}


def test_cursors_page_through_every_ticket_exactly_once(client: TestClient, token: str) -> None:
    whole = ids(page(client, token, first=500))
    seen: list[str] = []
    after = None
    for _ in range(10):
        found = page(client, token, first=2, after=after)
        assert found["totalCount"] == 6
        seen += ids(found)
        after = found["pageInfo"]["endCursor"]
        if not found["pageInfo"]["hasNextPage"]:
            break

    assert seen == whole
    assert page(client, token, first=5, after=after)["edges"] == []


def test_pages_cross_into_and_through_the_not_yet_created_tickets(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    orphans = [Ticket(f"o{n}", base=MARCH_2).customer(90 + n) for n in (3, 1, 2)]
    apply_and_settle(
        container, tenant.id, source="generic", events=[e for t in orphans for e in t.events]
    )
    expected = ["april", "t3", "t2", "late", "t1", "o1", "o2", "o3", "orphan"]

    for first in (1, 2, 4):
        seen: list[str] = []
        after = None
        for _ in range(20):
            found = page(client, token, first=first, after=after)
            seen += ids(found)
            after = found["pageInfo"]["endCursor"]
            if not found["pageInfo"]["hasNextPage"]:
                break
        assert seen == expected, first


def test_a_filtered_page_continues_with_the_filter(client: TestClient, token: str) -> None:
    wanted = {"created": {"grain": "MONTH", "start": "2026-03-01"}}
    first = page(client, token, first=3, filter=wanted)
    rest = page(client, token, first=3, filter=wanted, after=first["pageInfo"]["endCursor"])

    assert ids(first) + ids(rest) == ["t3", "t2", "late", "t1"]
    assert rest["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("first", [0, 501, -1])
def test_first_outside_1_to_500_is_refused(client: TestClient, token: str, first: int) -> None:
    (error,) = errors(client, token, first=first)

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert "between 1 and 500" in error["message"]


@pytest.mark.parametrize(
    "cursor", ["forged", "", "eyJ0aWNrZXRzIjoxfQ", "WyJ0aWNrZXRzIiwiMjAyNiIsIngiLCJ5Il0"]
)
def test_a_forged_cursor_is_refused(client: TestClient, token: str, cursor: str) -> None:
    (error,) = errors(client, token, after=cursor)

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    assert error["message"] == "not a cursor from tickets"


def test_another_lists_cursor_is_refused(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    admin_token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    graphql_data(client, admin_token, 'mutation { createTeam(name: "x") { __typename } }')
    log = graphql_data(client, admin_token, "{ auditLog(first: 1) { pageInfo { endCursor } } }")

    (error,) = errors(client, token, after=log["auditLog"]["pageInfo"]["endCursor"])

    assert error["extensions"]["field"] == "after"


def test_another_tenants_cursor_never_shows_its_rows(
    client: TestClient, container: Container, token: str
) -> None:
    other = admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Other Co", timezone="UTC"
    )
    theirs = [Ticket(f"b{i}", base=MARCH_2).created(i) for i in range(3)]
    apply_and_settle(
        container, other.id, source="generic", events=[e for t in theirs for e in t.events]
    )
    other_token = access_token(client, container, other.id)
    assert ids(page(client, other_token)) == ["b2", "b1", "b0"]
    their_cursor = page(client, other_token, first=1)["pageInfo"]["endCursor"]

    found = page(client, token, first=500, after=their_cursor)

    # A position only: what follows it is this tenant's tickets, never the other's.
    assert set(ids(found)) <= {"april", "t3", "t2", "late", "t1", "orphan"}
    assert found["totalCount"] == 6


def test_a_token_without_read_is_refused(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    admin_only = access_token(client, container, tenant.id, scopes=("admin",))

    body = graphql(client, admin_only, TICKETS).json()

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_per_ticket_metrics_come_from_its_samples(client: TestClient, token: str) -> None:
    agents = ids_of(client, token, "agents")
    nodes = {
        e["node"]["externalId"]: e["node"]
        for e in graphql_data(client, token, WITH_METRICS, first=10)["tickets"]["edges"]
    }

    first_reply = [m for m in nodes["t1"]["metrics"] if m["key"] == "first_response_time"]
    assert [(m["value"], m["agent"]) for m in first_reply] == [(1800.0, {"id": agents["a1"]})]
    assert nodes["t1"]["eventCount"] == 4
    assert nodes["t1"]["assignee"] == {"id": agents["a1"]}
    unreplied = {m["key"] for m in nodes["t2"]["metrics"]}
    assert "tickets_created" in unreplied and "first_response_time" not in unreplied
    assert [m["key"] for m in nodes["t1"]["metrics"]] == sorted(
        m["key"] for m in nodes["t1"]["metrics"]
    )


def test_statements_per_page_do_not_grow_with_its_size(
    client: TestClient, container: Container, token: str
) -> None:
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(str(args[2]))

    def count(first: int) -> int:
        statements.clear()
        found = graphql_data(client, token, COUNTED, first=first)["tickets"]["edges"]
        assert len(found) == first
        return len(statements)

    event.listen(container.engine, "before_cursor_execute", note)
    try:
        count(1)  # the first request also checks the API client, which is then cached
        small, large = count(2), count(6)
    finally:
        event.remove(container.engine, "before_cursor_execute", note)

    assert small == large
