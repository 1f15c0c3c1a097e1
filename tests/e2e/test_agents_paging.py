"""agentsConnection with the real `gql` client over HTTP, on PostgreSQL + Redis + a
`fairscore worker` (issue 12 item 1): 600 agents arrive as signed webhooks; paging with
cursors gives each exactly once, in the `agents` list's order (by name, ties by id), a team
filter pages its team only, and `first` past 500 is refused."""

from __future__ import annotations

from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.e2e.harness import GqlSession, Stack, wait_until_drained
from tests.factories import agent_profile

pytestmark = pytest.mark.e2e
AGENTS = """query ($teamId: ID, $first: Int, $after: String) {
  agentsConnection(teamId: $teamId, first: $first, after: $after) {
    edges { cursor node { id name team { id } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""
LISTED = "{ agents { id name team { id externalId } } }"
COUNT = 600


def directory() -> list[dict[str, Any]]:
    """600 agents, three to a name (ties the cursor must break), in two teams."""
    return [
        agent_profile(f"a{n:03d}", team="blue" if n % 4 else "red", name=f"Agent {n // 3:03d}")
        for n in range(COUNT)
    ]


def test_paging_through_600_agents_gives_each_exactly_once_in_the_lists_order(
    stack: Stack, database_url: str
) -> None:
    token, hook = stack.open_tenant(scopes="read")
    stack.post_webhooks(hook["webhook_path"], hook["secret"], directory(), max_batch=100)
    wait_until_drained(database_url)

    with GqlSession(stack, token) as session:
        run = session.run

        def page_through(first: int, team_id: str | None = None) -> tuple[list[Any], int]:
            nodes: list[Any] = []
            after, pages = None, 0
            while True:
                found = run(AGENTS, teamId=team_id, first=first, after=after)["agentsConnection"]
                nodes += [e["node"] for e in found["edges"]]
                pages += 1
                if not found["pageInfo"]["hasNextPage"]:
                    return nodes, found["totalCount"]
                after = found["pageInfo"]["endCursor"]
                assert after == found["edges"][-1]["cursor"]

        listed = run(LISTED)["agents"]
        everyone, total = page_through(first=250)
        red = next(a["team"]["id"] for a in listed if a["team"]["externalId"] == "red")
        reds, red_total = page_through(first=40, team_id=red)

        with pytest.raises(TransportQueryError) as refused:
            run(AGENTS, first=501)

    assert len(listed) == COUNT and total == COUNT
    assert [a["id"] for a in everyone] == [a["id"] for a in listed]
    assert len({a["id"] for a in everyone}) == COUNT
    by_name_then_id = sorted(everyone, key=lambda a: (a["name"], a["id"]))
    assert everyone == by_name_then_id
    assert red_total == COUNT // 4 and len(reds) == COUNT // 4
    assert [a["id"] for a in reds] == [a["id"] for a in listed if a["team"]["id"] == red]
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
