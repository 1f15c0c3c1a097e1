"""Issue 12's acceptance line for tickets: with the real `gql` client over HTTP, on
PostgreSQL + Redis + a `fairscore worker`, paging through 1,200 tickets with cursors gives
every ticket exactly once, newest first; `first` past 500 is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.e2e.harness import GqlSession, Stack, wait_until_drained
from tests.factories import Ticket

pytestmark = pytest.mark.e2e
TICKETS = """query ($first: Int, $after: String, $filter: TicketFilter) {
  tickets(first: $first, after: $after, filter: $filter) {
    edges { cursor node { externalId channel createdAt } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
COUNT = 1200


def history() -> list[dict[str, Any]]:
    """1,200 tickets created twelve to a minute (ties the cursor must break), every third
    one by chat."""
    events: list[dict[str, Any]] = []
    for n in range(COUNT):
        channel = "chat" if n % 3 == 0 else "email"
        events += Ticket(f"T{n:04d}", base=START).created(n // 12, channel=channel).events
    return events


def test_paging_through_1200_tickets_gives_each_exactly_once(
    stack: Stack, database_url: str
) -> None:
    token, hook = stack.open_tenant(scopes="read")
    stack.post_webhooks(hook["webhook_path"], hook["secret"], history(), max_batch=100)
    wait_until_drained(database_url)

    with GqlSession(stack, token) as session:

        def page(**variables: Any) -> dict[str, Any]:
            return dict(session.run(TICKETS, **variables)["tickets"])

        seen: list[dict[str, Any]] = []
        after, pages = None, 0
        while True:
            found = page(first=500 if pages == 0 else 137, after=after)
            assert found["totalCount"] == COUNT
            seen += [e["node"] for e in found["edges"]]
            pages += 1
            if not found["pageInfo"]["hasNextPage"]:
                break
            after = found["pageInfo"]["endCursor"]
            assert after == found["edges"][-1]["cursor"]

        chats = page(first=500, filter={"channel": "chat"})

        with pytest.raises(TransportQueryError) as refused:
            page(first=501)

    ids = [node["externalId"] for node in seen]
    assert len(ids) == COUNT and set(ids) == {f"T{n:04d}" for n in range(COUNT)}
    assert pages == 1 + -(-(COUNT - 500) // 137)
    newest_first = sorted(seen, key=lambda node: node["externalId"])
    newest_first.sort(key=lambda node: node["createdAt"], reverse=True)
    assert seen == newest_first
    assert chats["totalCount"] == COUNT // 3
    assert {e["node"]["channel"] for e in chats["edges"]} == {"chat"}
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
