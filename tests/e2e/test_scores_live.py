"""Issue 12's acceptance lines for scoresUpdated, with the real `gql` client's websockets
transport, on PostgreSQL + Redis + a `fairscore worker`: a subscription receives an update
within 2 s of a signed webhook, and a token of another tenant receives nothing meanwhile."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

import httpx
import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from tests.e2e.harness import Stack
from tests.factories import Ticket
from tests.support.api import batch, signed_headers

pytestmark = [pytest.mark.e2e, pytest.mark.alone]  # a latency bound
UPDATES = gql("""subscription { scoresUpdated(grain: DAY) {
  subject { kind id } grain periodStart } }""")
WITHIN = 2.0


def transport(stack: Stack, token: str) -> WebsocketsTransport:
    return WebsocketsTransport(
        url=stack.url.replace("http", "ws", 1) + "/graphql",
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )


def subscribers(stack: Stack) -> float:
    metrics = httpx.get(f"{stack.url}/metrics", timeout=5).text
    found = re.search(r"^fairscore_live_subscribers (\S+)$", metrics, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def second_tenant(stack: Stack) -> str:
    stack.cli("tenant", "create", "globex", "--name", "Globex", "--timezone", "UTC")
    client = json.loads(
        stack.cli("client", "create", "--tenant", "globex", "--scopes", "read", "--json")
    )
    return stack.token(client["client_id"], client["client_secret"])


async def first_update(session: Any) -> dict[str, Any]:
    async for result in session.subscribe(UPDATES):
        return dict(result["scoresUpdated"])
    raise AssertionError("the subscription ended without an update")


async def scenario(stack: Stack, token: str, other: str, hook: dict[str, Any]) -> Any:
    async with (
        Client(transport=transport(stack, token)) as mine,
        Client(transport=transport(stack, other)) as theirs,
    ):
        received = asyncio.create_task(first_update(mine))
        overheard = asyncio.create_task(first_update(theirs))
        deadline = time.monotonic() + 10
        while await asyncio.to_thread(subscribers, stack) < 2:  # both live on the server
            assert time.monotonic() < deadline, "the subscriptions never reached the server"
            await asyncio.sleep(0.05)
        body = batch(Ticket("T1").created(0, assignee="a1").agent(20, "a1").solve(30).events)
        posted = time.monotonic()
        response = await asyncio.to_thread(
            httpx.post,
            stack.url + hook["webhook_path"],
            content=body,
            headers=signed_headers(hook["secret"], body),
        )
        assert response.status_code == 202, response.text
        update = await asyncio.wait_for(received, WITHIN)
        elapsed = time.monotonic() - posted
        done, _ = await asyncio.wait({overheard}, timeout=max(0.0, WITHIN - elapsed))
        overheard.cancel()
        return update, elapsed, done


def test_a_webhook_reaches_a_subscriber_within_2_s_and_no_other_tenant(stack: Stack) -> None:
    token, hook = stack.open_tenant(scopes="read")
    other = second_tenant(stack)

    update, elapsed, overheard = asyncio.run(scenario(stack, token, other, hook))

    assert elapsed < WITHIN
    assert update["grain"] == "DAY"
    assert update["periodStart"] == "2026-03-02"
    assert update["subject"]["kind"] == "AGENT"
    assert not overheard, "a token of another tenant received an update"
