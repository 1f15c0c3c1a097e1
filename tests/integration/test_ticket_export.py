"""GET /exports/tickets.csv (SPEC §6, issue 12): the tickets created in a period, one row per
ticket holding what the `tickets` connection answers for the same filter, behind the same
token, `read` scope and tenant; RFC 4180 quoting, formulas defused, streamed page by page
(every ticket exactly once past the first page); bad parameters a 400 with a message."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from api.export_format import FORMULA_STARTS
from api.tickets.export import HEADER, PAGE_SIZE
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, graphql_data
from tests.support.derive import apply_and_settle

MARCH_2 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday; 10:00 in Berlin
MARCH = {"grain": "MONTH", "start": "2026-03-01"}
FORMULA = '=HYPERLINK("https://evil.example","x")'
AWKWARD = 'chat, "web"\nwidget'  # a comma, quotes and a line break in one cell
TICKETS = """query ($filter: TicketFilter) {
  tickets(first: 500, filter: $filter) {
    edges { node {
      source externalId channel requesterId status createdAt firstReplyAt firstSolvedAt
      reopenCount publicAgentReplyCount eventCount
      assignee { id name } team { id name }
      metrics { key value businessValue at agent { id } }
    } }
    pageInfo { hasNextPage }
  }
}"""


def story() -> list[dict[str, Any]]:
    """Tickets of a Berlin tenant: four created in March (one with a formula for an id, one
    on an awkward channel, an agent named like a formula), one in April, one not created."""
    tickets = [
        Ticket("t1", base=MARCH_2)
        .created(0, assignee="a1", team="sales", channel="email")
        .customer(0)
        .agent(30, "a1")
        .solve(40)
        .rate(50, 5)
        .reopen(60),
        Ticket(FORMULA, base=MARCH_2).created(1440, assignee="a2", team="care", channel="chat"),
        Ticket("t3", base=MARCH_2)
        .created(2880, assignee="a1", team="sales", channel=AWKWARD)
        .status(2900, "pending"),
        Ticket("t4", base=MARCH_2).created(4000, assignee="a3", team="sales").customer(4001),
        Ticket("april", base=MARCH_2).created(31 * 1440, assignee="a2", team="sales"),
        Ticket("orphan", base=MARCH_2).customer(60),
    ]
    profiles = [
        agent_profile("a1", team="sales", minutes=-9e5, name='Ann, "the" fixer'),
        agent_profile("a2", team="care", minutes=-9e5, name="Bo"),
        agent_profile("a3", team="sales", minutes=-9e5, name="+Cy"),
    ]
    return [*profiles, *(e for t in tickets for e in t.events)]


@pytest.fixture
def token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    apply_and_settle(container, tenant.id, source="generic", events=story())
    return access_token(client, container, tenant.id)


def export(client: TestClient, token: str, **params: Any) -> list[dict[str, str]]:
    response = client.get(
        "/exports/tickets.csv", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.endswith("\r\n")  # RFC 4180 line ends
    reader = csv.DictReader(io.StringIO(response.text))
    rows = list(reader)
    assert reader.fieldnames == HEADER
    return rows


def answered(client: TestClient, token: str, **wanted: Any) -> list[dict[str, Any]]:
    found = graphql_data(client, token, TICKETS, filter={"created": MARCH, **wanted})["tickets"]
    assert found["pageInfo"]["hasNextPage"] is False
    return [e["node"] for e in found["edges"]]


def as_cell(value: Any) -> str:
    """What the export writes for a GraphQL leaf: empty for null, text defused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def assert_same(row: dict[str, str], node: dict[str, Any]) -> None:
    """Every cell of a row equals the field of the GraphQL answer it comes from."""
    fields = {
        "source": node["source"],
        "external_id": node["externalId"],
        "channel": node["channel"],
        "requester_id": node["requesterId"],
        "status": node["status"],
        "created_at": node["createdAt"],
        "first_reply_at": node["firstReplyAt"],
        "first_solved_at": node["firstSolvedAt"],
        "reopen_count": node["reopenCount"],
        "public_agent_reply_count": node["publicAgentReplyCount"],
        "event_count": node["eventCount"],
        "assignee_id": (node["assignee"] or {}).get("id"),
        "assignee_name": (node["assignee"] or {}).get("name"),
        "team_id": (node["team"] or {}).get("id"),
        "team_name": (node["team"] or {}).get("name"),
    }
    assert {k: row[k] for k in fields} == {k: as_cell(v) for k, v in fields.items()}
    metrics = [
        {
            "key": m["key"],
            "value": m["value"],
            "businessValue": m["businessValue"],
            "at": m["at"],
            "agentId": (m["agent"] or {}).get("id"),
        }
        for m in node["metrics"]
    ]
    assert json.loads(row["metrics"]) == metrics


def test_every_row_equals_the_graphql_answer_for_the_same_filter(
    client: TestClient, token: str
) -> None:
    ids = {
        kind: {r["externalId"]: r["id"] for r in graphql_data(client, token, q)[kind]}
        for kind, q in (
            ("agents", "{ agents { id externalId } }"),
            ("teams", "{ teams { id externalId } }"),
        )
    }
    filters: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({}, {}),
        ({"teamId": ids["teams"]["sales"]}, {"teamId": ids["teams"]["sales"]}),
        ({"agentId": ids["agents"]["a1"]}, {"agentId": ids["agents"]["a1"]}),
        ({"status": "PENDING,SOLVED"}, {"status": ["PENDING", "SOLVED"]}),
        ({"status": ["OPEN", "PENDING"]}, {"status": ["OPEN", "PENDING"]}),
        ({"channel": AWKWARD}, {"channel": AWKWARD}),
    ]
    compared_metrics = 0
    for params, wanted in filters:
        rows = export(client, token, **MARCH, **params)
        nodes = answered(client, token, **wanted)
        assert nodes, params  # each filter matches something
        assert [r["external_id"] for r in rows] == [as_cell(n["externalId"]) for n in nodes]
        for row, node in zip(rows, nodes, strict=True):
            assert_same(row, node)
            compared_metrics += len(node["metrics"])
    everything = export(client, token, **MARCH)
    assert [r["external_id"] for r in everything] == ["t4", "t3", "'" + FORMULA, "t1"]
    assert compared_metrics > 8  # t1's reply, solve and rating samples among them
    (t1,) = [r for r in everything if r["external_id"] == "t1"]
    assert {"first_response_time", "csat"} <= {m["key"] for m in json.loads(t1["metrics"])}
    assert (t1["reopen_count"], t1["status"]) == ("1", "open")


def test_formulas_are_defused_and_awkward_text_quoted(client: TestClient, token: str) -> None:
    response = client.get(
        "/exports/tickets.csv", params=MARCH, headers={"Authorization": f"Bearer {token}"}
    )
    text = response.text
    assert text.startswith(",".join(HEADER) + "\r\n")
    assert '"chat, ""web""\nwidget"' in text  # RFC 4180: quoted, quotes doubled
    assert '"Ann, ""the"" fixer"' in text
    rows = {r["external_id"]: r for r in export(client, token, **MARCH)}
    assert rows["t3"]["channel"] == AWKWARD
    assert rows["'" + FORMULA]["assignee_name"] == "Bo"
    assert rows["t4"]["assignee_name"] == "'+Cy"
    cells = [c for r in rows.values() for c in r.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "@")) or c.startswith("-")]
    assert 'filename="tickets-month-2026-03-01.csv"' in response.headers["content-disposition"]


def test_another_tenants_tickets_never_appear(
    client: TestClient, container: Container, token: str
) -> None:
    other = admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Other Co", timezone="UTC"
    )
    theirs = [
        *(Ticket(n, base=MARCH_2).created(5, assignee="b1", team="b-team") for n in ("t1", "b1"))
    ]
    apply_and_settle(
        container, other.id, source="generic", events=[e for t in theirs for e in t.events]
    )
    with container.read_uow(other.id) as uow:
        (their_team,) = [t.id for t in uow.reads.teams()]
    assert len(export(client, access_token(client, container, other.id), **MARCH)) == 2

    rows = export(client, token, **MARCH)

    assert [r["external_id"] for r in rows] == ["t4", "t3", "'" + FORMULA, "t1"]
    assert "b1" not in {r["external_id"] for r in rows}
    assert export(client, token, **MARCH, teamId=their_team) == []


def test_no_token_is_401_and_no_read_scope_is_403(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    missing = client.get("/exports/tickets.csv", params=MARCH)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    admin_only = access_token(client, container, tenant.id, scopes=("admin",))
    refused = client.get(
        "/exports/tickets.csv", params=MARCH, headers={"Authorization": f"Bearer {admin_only}"}
    )
    assert refused.status_code == 403
    assert "insufficient_scope" in refused.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start": "2026-03-01"}, "grain"),
        ({"grain": "YEAR", "start": "2026-03-01"}, "grain"),
        ({"grain": "MONTH", "start": "2026-02-30"}, "start"),
        ({**MARCH, "status": "DONE"}, "status must be among OPEN, PENDING, SOLVED, CLOSED"),
        ({**MARCH, "status": "OPEN,"}, "status"),
        ({**MARCH, "agentId": ""}, "agentId must not be empty"),
        ({**MARCH, "teamId": ""}, "teamId must not be empty"),
        ({**MARCH, "channel": ""}, "channel must not be empty"),
    ],
)
def test_bad_parameters_are_a_400_with_a_message(
    client: TestClient, token: str, params: dict[str, str], says: str
) -> None:
    response = client.get(
        "/exports/tickets.csv", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    assert (response.status_code, says in response.text) == (400, True), response.text


def test_more_than_a_page_streams_every_ticket_exactly_once(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    count = 2 * PAGE_SIZE + 200
    # Pairs share a creation time, so pages also break between equal times.
    tickets = [
        Ticket(f"bulk-{n:04d}", base=MARCH_2).created(n // 2, channel="email") for n in range(count)
    ]
    events = [e for t in tickets for e in t.events]
    apply_and_settle(container, tenant.id, source="generic", events=events)
    token = access_token(client, container, tenant.id)
    pages: list[str] = []

    def note(*args: Any) -> None:
        if "FROM ticket" in args[2] and "LIMIT" in args[2]:
            pages.append(args[2])

    event.listen(container.read_engine, "before_cursor_execute", note)
    try:
        rows = export(client, token, grain="WEEK", start="2026-03-02")
    finally:
        event.remove(container.read_engine, "before_cursor_execute", note)

    ids = [r["external_id"] for r in rows]
    assert len(ids) == count == len(set(ids))
    assert set(ids) == {f"bulk-{n:04d}" for n in range(count)}
    assert len(pages) == 3  # 500 + 500 + 200: a page at a time, never one big list
    created = [datetime.fromisoformat(r["created_at"]) for r in rows]
    assert created == sorted(created, reverse=True)
    assert created[0] - created[-1] == timedelta(minutes=(count - 1) // 2)
