"""The API guide (docs/api.md), run as written with the real `gql` client over HTTP on
PostgreSQL + Redis + a `fairscore worker`: each recipe's operation answers what the events
posted as signed webhooks imply (issue 12: leaderboard, drill-down, a 12-month trend, an
export equal to the GraphQL answer, the admin mutations)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from domain.events import format_time
from tests.e2e.guide_careers import check_careers
from tests.e2e.guide_client import DECEMBER, Guide, error_of
from tests.e2e.guide_exports import check_export, check_ticket_export
from tests.e2e.guide_goals import check_goals
from tests.e2e.guide_performance_reviews import check_performance_reviews
from tests.e2e.harness import Stack, wait_until_drained
from tests.factories import Ticket

pytestmark = pytest.mark.e2e
# Ada's first-solved tickets per month of 2025 (none in March, June, September); December is
# the leaderboard's month, where Bob has 5 and Cy 2 (too few for any component: min 5).
ADA_SOLVED = {month: month % 3 for month in range(1, 12)} | {12: 5}
BOB_RATINGS = [5, 5, 5, 2, 2]  # csat 3/5 = 0.6 (positive: score/scale >= 0.8)


def ticket(
    ticket_id: str, when: datetime, agent: str, team: str, *, reply: int, solve: int, score: int
) -> list[dict[str, Any]]:
    """Created with a customer message, one public reply after `reply` minutes (the first
    response time), solved at minute `solve`, rated `score`/5 ten minutes later."""
    t = Ticket(ticket_id, base=when).created(0, assignee=agent, team=team).customer(0.5)
    return t.agent(reply, agent).solve(solve).rate(solve + 10, score).events


def profile(agent: str, name: str, team: str) -> dict[str, Any]:
    return {
        "id": f"profile-{agent}",
        "type": "agent.upserted",
        "occurred_at": format_time(datetime(2025, 1, 1, tzinfo=UTC)),
        "agent_id": agent,
        "name": name,
        "team_id": team,
    }


def history() -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    """The events, and each agent's December ticket ids."""
    events = [profile("ada", "Ada", "tier1"), profile("bob", "Bob", "tier1")]
    events.append(profile("cy", "Cy", "tier2"))
    december: dict[str, set[str]] = {"ada": set(), "bob": set(), "cy": set()}
    for month, count in ADA_SOLVED.items():
        for n in range(count):
            when = datetime(2025, month, 2 + n, 9, tzinfo=UTC)
            events += ticket(f"A-{month}-{n}", when, "ada", "tier1", reply=30, solve=60, score=5)
            if month == 12:
                december["ada"].add(f"A-{month}-{n}")
    for n, score in enumerate(BOB_RATINGS):
        when = datetime(2025, 12, 8 + n, 9, tzinfo=UTC)
        events += ticket(f"B-{n}", when, "bob", "tier1", reply=120, solve=240, score=score)
        december["bob"].add(f"B-{n}")
    for n in range(2):
        when = datetime(2025, 12, 15 + n, 9, tzinfo=UTC)
        events += ticket(f"C-{n}", when, "cy", "tier2", reply=10, solve=20, score=4)
        december["cy"].add(f"C-{n}")
    return events, december


def test_the_guides_recipes_on_the_full_stack(stack: Stack, database_url: str) -> None:
    token, hook = stack.open_tenant(scopes="read admin")
    events, december = history()
    stack.post_webhooks(hook["webhook_path"], hook["secret"], events)
    wait_until_drained(database_url)
    guide = Guide(stack.url, token)

    board = guide.run("Leaderboard", period=DECEMBER)["agentScores"]
    ids = check_leaderboard(board)
    check_leaderboard_pages(guide, board)
    adas_tickets = check_drill_down(guide, ids, december)
    check_trend(guide, ids["ada"])
    check_export(stack, token, board)
    check_ticket_export(stack, token, ids["ada"], adas_tickets)
    check_live_refresh(stack, guide, hook, ids["ada"], database_url)
    check_management(stack, guide, ids)
    tier1 = {r["agent"]["externalId"]: r["agent"]["team"]["id"] for r in board}["ada"]
    check_goals(stack, guide.run, hook, database_url, {**ids, "tier1": tier1})
    check_performance_reviews(stack, guide.run, ids)
    check_careers(stack, guide, ids)  # after the goals: it turns an action item into one

    assert guide.ran == set(guide.sources), "every operation of the guide is run here"


def check_leaderboard(board: list[dict[str, Any]]) -> dict[str, str]:
    """Ada: csat 1.0 (111.1 points), every other component capped at 120; Bob: csat 0.6
    (66.7), a first response of 2 h against 1 h (50), the rest at 120; Cy: no total."""
    assert [row["agent"]["externalId"] for row in board] == ["ada", "bob", "cy"]
    totals = [row["total"] for row in board]
    assert totals == [
        pytest.approx((3 * 100 / 0.9 + 5 * 120) / 8),
        pytest.approx((3 * 100 * 0.6 / 0.9 + 2 * 50 + 3 * 120) / 8),
        None,
    ]
    ada, bob, cy = ({m["key"]: m for m in row["metrics"]} for row in board)
    assert (ada["tickets_solved"]["value"], bob["tickets_solved"]["value"]) == (5, 5)
    assert (bob["csat"]["value"], bob["csat"]["sampleSize"]) == (pytest.approx(0.6), 5)
    assert bob["first_response_time"]["value"] == 7200
    assert {c["status"] for c in board[2]["components"]} == {"INSUFFICIENT_DATA"}
    assert cy["tickets_solved"]["value"] == 2
    for row in board[:2]:
        assert sum(c["contribution"] for c in row["components"]) == pytest.approx(row["total"])
    assert {row["agent"]["team"]["name"] for row in board} == {"tier1", "tier2"}
    return {row["agent"]["externalId"]: row["agent"]["id"] for row in board}


def check_leaderboard_pages(guide: Guide, board: list[dict[str, Any]]) -> None:
    """Two a page: the leaderboard's agents and totals, in its order."""
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = guide.run("LeaderboardPage", period=DECEMBER, first=2, after=after)
        found = page["agentScoresConnection"]
        assert found["totalCount"] == len(board)
        seen += [edge["node"] for edge in found["edges"]]
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert seen == [
        {"agent": {"id": r["agent"]["id"], "name": r["agent"]["name"]}, "total": r["total"]}
        for r in board
    ]


def check_drill_down(
    guide: Guide, ids: dict[str, str], december: dict[str, set[str]]
) -> list[dict[str, Any]]:
    """Pages through Ada's and Bob's December tickets; returns Ada's, in their order."""
    adas: list[dict[str, Any]] = []
    for agent in ("ada", "bob"):
        seen: list[dict[str, Any]] = []
        after = None
        while True:  # two a page, as a dashboard's "more" button would
            page = guide.run(
                "AgentTickets", agentId=ids[agent], period=DECEMBER, first=2, after=after
            )["tickets"]
            assert page["totalCount"] == 5
            seen += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert {node["externalId"] for node in seen} == december[agent]  # not Ada's earlier
        assert len(seen) == 5 and {node["assignee"]["id"] for node in seen} == {ids[agent]}
        replies = {
            m["value"] for n in seen for m in n["metrics"] if m["key"] == "first_response_time"
        }
        assert replies == {1800 if agent == "ada" else 7200}
        adas = adas or seen
    return adas


def check_trend(guide: Guide, ada: str) -> None:
    trend = guide.run("AgentTrend", agentId=ada, **{"from": "2025-01-01", "to": "2025-12-31"})
    points = trend["scoreHistory"]
    assert [p["periodStart"] for p in points] == [f"2025-{m:02d}-01" for m in range(1, 13)]
    for point, (month, solved) in zip(points, ADA_SOLVED.items(), strict=True):
        metrics = {m["key"]: m for m in point["metrics"]}
        assert set(metrics) == {"tickets_solved", "csat", "first_response_time"}
        assert metrics["tickets_solved"]["value"] == solved, month
        assert metrics["csat"]["sampleSize"] == solved, month
        assert metrics["csat"]["value"] == (1.0 if solved else None), month
        assert metrics["first_response_time"]["value"] == (1800 if solved else None), month
        assert (point["total"] is None) == (solved < 5), month  # min sample 5

    refused = error_of(
        guide, "AgentTrend", agentId=ada, **{"from": "2025-12-31", "to": "2025-01-01"}
    )
    assert refused == {"code": "BAD_USER_INPUT", "field": "to"}


def check_live_refresh(
    stack: Stack, guide: Guide, hook: dict[str, Any], ada: str, database_url: str
) -> None:
    """Subscribed with the guide's ScoresUpdated over WebSocket, a late ticket Ada solved in
    December is announced for her December; the leaderboard read after counts it."""
    wanted = {
        "subject": {"kind": "AGENT", "id": ada},
        "grain": "MONTH",
        "periodStart": "2025-12-01",
    }
    heard, posted = asyncio.run(hear(stack, guide, hook, wanted))
    assert {(u["grain"], u["periodStart"]) for u in heard} == {("MONTH", "2025-12-01")}
    wait_until_drained(database_url)
    board = guide.run("Leaderboard", period=DECEMBER)["agentScores"]
    solved = {r["agent"]["externalId"]: r["metrics"] for r in board}["ada"]
    assert {m["key"]: m["value"] for m in solved}["tickets_solved"] == 5 + posted


async def hear(
    stack: Stack, guide: Guide, hook: dict[str, Any], wanted: dict[str, Any]
) -> tuple[list[dict[str, Any]], int]:
    """The updates heard until `wanted`, and how many late tickets that took: one, unless the
    first commit beat the API process's own Redis subscription (updates are best effort)."""
    guide.ran.add("ScoresUpdated")
    transport = WebsocketsTransport(
        url=stack.url.replace("http://", "ws://") + "/graphql",
        init_payload={"Authorization": f"Bearer {guide.token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    request = GraphQLRequest(guide.sources["ScoresUpdated"], variable_values={"grain": "MONTH"})
    heard: list[dict[str, Any]] = []
    posted = 0
    async with Client(transport=transport) as session:
        updates = aiter(session.subscribe(request))
        pending = asyncio.ensure_future(anext(updates))
        await asyncio.to_thread(wait_for_subscriber, stack)
        while wanted not in heard:
            assert posted < 3, f"no update for Ada's December; heard {heard}"
            late = ticket(
                f"A-late-{posted}",
                datetime(2025, 12, 20, 9, tzinfo=UTC),
                "ada",
                "tier1",
                reply=30,
                solve=60,
                score=5,
            )
            path, secret = hook["webhook_path"], hook["secret"]
            await asyncio.to_thread(stack.post_webhooks, path, secret, late, seed=100 + posted)
            posted += 1
            while wanted not in heard:
                done, _ = await asyncio.wait({pending}, timeout=20)
                if not done:
                    break
                heard.append(pending.result()["scoresUpdated"])
                pending = asyncio.ensure_future(anext(updates))
        pending.cancel()
    return heard, posted


def wait_for_subscriber(stack: Stack, timeout: float = 30) -> None:
    """Until the API process counts the subscription (its /metrics gauge)."""
    deadline = time.monotonic() + timeout
    while "fairscore_live_subscribers 1.0" not in httpx.get(f"{stack.url}/metrics").text:
        assert time.monotonic() < deadline, "the subscription never reached the API process"
        time.sleep(0.1)


def check_management(stack: Stack, guide: Guide, ids: dict[str, str]) -> None:
    board = guide.run("Leaderboard", period=DECEMBER)["agentScores"]
    created = guide.run("CreateApiClient", name="wallboard", scopes=["read"])["createApiClient"]
    assert created["__typename"] == "CreatedApiClient" and created["client"]["scopes"] == ["read"]
    client_id = created["client"]["id"]
    wallboard = stack.token(client_id, created["secret"])
    seen = guide.run("Leaderboard", token=wallboard, period=DECEMBER)["agentScores"]
    assert seen == board
    refused = error_of(guide, "CreateTeam", token=wallboard, name="Escalations")
    assert refused == {"code": "FORBIDDEN", "scope": "admin"}

    revoked = guide.run("RevokeApiClient", id=client_id)["revokeApiClient"]
    assert (revoked["__typename"], revoked["active"]) == ("ApiClient", False)
    again = httpx.post(
        f"{stack.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, created["secret"]),
    )
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"

    blank = guide.run("CreateTeam", name=" ")["createTeam"]
    assert blank["__typename"] == "ValidationError" and blank["field"] == "name"
    team = guide.run("CreateTeam", name="Escalations")["createTeam"]
    assert team["__typename"] == "Team"
    moved = guide.run(
        "UpdateAgent", input={"agentId": ids["cy"], "teamId": team["id"], "from": "2025-12-01"}
    )["updateAgent"]
    assert (moved["__typename"], moved["team"]) == (
        "Agent",
        {"id": team["id"], "name": "Escalations"},
    )
    escalations = guide.run("Leaderboard", period=DECEMBER, teamId=team["id"])["agentScores"]
    assert [row["agent"]["externalId"] for row in escalations] == ["cy"]

    settings = guide.run("UpdateTenantSettings", name="Acme Care")["updateTenantSettings"]
    assert settings == {
        "__typename": "TenantSettings",
        "name": "Acme Care",
        "timezone": "Europe/Berlin",
        "historyRecomputing": False,
    }
