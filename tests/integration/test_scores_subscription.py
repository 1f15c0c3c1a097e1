"""scoresUpdated over graphql-transport-ws, embedded (no Redis: jobs and the live hub run in
the API process), on SQLite and PostgreSQL: a signed webhook's derivation is announced to its
tenant's subscribers only, after the commit; connection_init authenticates; a missing scope
is an error; a subscriber that falls behind is dropped and its socket closed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketDisconnect

from domain.metrics import Level
from domain.periods import Grain, Period
from domain.ports import TenantProfile
from domain.services.figures import set_active_users
from domain.services.rescoring import roll_up
from domain.snapshots import ScoreKey, WrittenScores
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from infra.queue import InProcessJobQueue
from infra.settings import Settings
from tests.factories import Ticket
from tests.support.api import access_token, api_client, batch, graphql_data, post_webhook

PROTOCOL = "graphql-transport-ws"
UPDATES = """subscription ($grain: Grain) {
  scoresUpdated(grain: $grain) { subject { kind id } grain periodStart }
}"""
SCORE = """query ($start: Date!) {
  agentScores(period: {grain: DAY, start: $start}) { agent { externalId } metrics { key value } }
}"""
DAY = date(2026, 3, 2)  # tests.factories.T0


@contextmanager
def connected(client: TestClient, token: str | None) -> Iterator[Any]:
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        payload = {} if token is None else {"Authorization": f"Bearer {token}"}
        ws.send_json({"type": "connection_init", "payload": payload})
        yield ws


@contextmanager
def subscribed(
    client: TestClient, container: Container, token: str, grain: str | None = "DAY"
) -> Iterator[Any]:
    """An acknowledged connection with one live scoresUpdated subscription (id "1")."""
    before = container.live.subscribers
    with connected(client, token) as ws:
        assert ws.receive_json() == {"type": "connection_ack"}
        variables = {"grain": grain}
        ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": UPDATES, "variables": variables}}
        )
        deadline = time.monotonic() + 5
        while container.live.subscribers == before:  # registered in the hub
            assert time.monotonic() < deadline, "the subscription never reached the hub"
            time.sleep(0.01)
        yield ws


def solved_ticket(ticket_id: str) -> bytes:
    t = Ticket(ticket_id).created(0, assignee="a1").customer(1).agent(30, "a1")
    return batch(t.solve(40).events)


def settle(container: Container) -> None:
    queue = container.queue
    assert isinstance(queue, InProcessJobQueue)
    queue.join()


def updates_until_tenant(ws: Any) -> list[dict[str, Any]]:
    """The updates received up to the tenant's own (a commit announces every subject)."""
    seen = []
    while True:
        message = ws.receive_json()
        assert message["type"] == "next", message
        seen.append(message["payload"]["data"]["scoresUpdated"])
        if seen[-1]["subject"]["kind"] == "TENANT":
            return seen


def test_a_webhook_is_announced_to_its_tenant_after_the_scores_are_readable(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    token = access_token(client, container, tenant.id)
    with subscribed(client, container, token) as ws:
        assert post_webhook(client, integration, solved_ticket("T1")).status_code == 202
        seen = updates_until_tenant(ws)
        # Announced after the commit: the score it names can be read now.
        scores = graphql_data(client, token, SCORE, start=DAY.isoformat())["agentScores"]
    kinds = {u["subject"]["kind"] for u in seen}
    assert kinds == {"AGENT", "TENANT"}
    assert {u["grain"] for u in seen} == {"DAY"}
    assert {u["periodStart"] for u in seen} == {DAY.isoformat()}
    assert next(u for u in seen if u["subject"]["kind"] == "TENANT")["subject"]["id"] == tenant.id
    assert len(seen) == len({(u["subject"]["kind"], u["subject"]["id"]) for u in seen})
    assert [s["agent"]["externalId"] for s in scores] == ["a1"]


def test_a_subscriber_hears_only_of_its_own_tenant(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    other = admin.create_tenant(container, slug=f"{tenant.slug}-b", name="B", timezone="UTC")
    other_hook = admin.create_integration(container, tenant=other.id, source="generic", secret=None)
    token_a = access_token(client, container, tenant.id)
    token_b = access_token(client, container, other.id)
    with (
        subscribed(client, container, token_b) as ws_b,
        subscribed(client, container, token_a) as ws_a,
    ):
        assert post_webhook(client, integration, solved_ticket("T1")).status_code == 202
        settle(container)
        heard_a = updates_until_tenant(ws_a)
        # B's own update comes after A's commit: had A's reached B, it would come first.
        assert post_webhook(client, other_hook, solved_ticket("T9")).status_code == 202
        heard_b = updates_until_tenant(ws_b)
    assert heard_a[-1]["subject"]["id"] == tenant.id
    assert heard_b[-1]["subject"]["id"] == other.id
    assert all(u["subject"]["id"] != tenant.id for u in heard_b)
    b_agents = {u["subject"]["id"] for u in heard_b if u["subject"]["kind"] == "AGENT"}
    a_agents = {u["subject"]["id"] for u in heard_a if u["subject"]["kind"] == "AGENT"}
    assert b_agents and a_agents and not (a_agents & b_agents)


@pytest.mark.parametrize("token", [None, "not-a-jwt"])
def test_a_connection_without_a_valid_token_is_closed_with_4403(
    client: TestClient, token: str | None
) -> None:
    with connected(client, token) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == 4403


def test_a_token_without_the_read_scope_gets_a_forbidden_error(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id, scopes=["admin"])
    with connected(client, token) as ws:
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": UPDATES}})
        answer = ws.receive_json()
    assert container.live.subscribers == 0
    assert answer["type"] == "error"
    assert answer["payload"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_subscriber_that_falls_behind_is_dropped_and_its_socket_closed(
    settings: Settings, tenant: TenantProfile
) -> None:
    container = Container(settings.model_copy(update={"live_queue_size": 3}))
    client = api_client(container)
    token = access_token(client, container, tenant.id)
    written = WrittenScores()
    for n in range(5):
        written.add(ScoreKey(Level.AGENT, f"agent-{n}", Period(Grain.DAY, DAY)))
    received = []
    try:
        with subscribed(client, container, token) as ws:
            container.live.announce(tenant.id, written)  # five at once, for a queue of three
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    received.append(ws.receive_json())
    finally:
        container.close()
    assert closed.value.code == 1013
    assert container.live.subscribers == 0
    assert [m["type"] for m in received] == ["next", "complete"], received
    assert received[0]["payload"]["errors"][0]["extensions"]["code"] == "SUBSCRIBER_TOO_SLOW"


def test_only_a_committed_write_is_announced_and_after_its_commit(
    container: Container, tenant: TenantProfile
) -> None:
    rolled_back, committed = Period(Grain.DAY, DAY), Period(Grain.DAY, date(2026, 3, 3))

    def write(period: Period, *, commit: bool) -> None:
        # A figure and the reconciler's roll-up of what it invalidated (the tenant's
        # snapshot of the period) in one transaction: the roll-up writes the snapshot.
        with container.uow(tenant.id, reconciling=True) as uow:
            set_active_users(uow, period=period, count=10)
            assert roll_up(uow) == 1
            if commit:
                uow.commit()

    async def scenario() -> tuple[ScoreKey, bool]:
        async with container.live.subscribe(tenant.id) as subscription:
            await asyncio.to_thread(write, rolled_back, commit=False)
            await asyncio.to_thread(write, committed, commit=True)
            first = await asyncio.wait_for(anext(aiter(subscription)), 2)
            try:
                await asyncio.wait_for(anext(aiter(subscription)), 0.3)
                more = True
            except TimeoutError:
                more = False
            return first, more

    first, more = asyncio.run(scenario())
    assert first == ScoreKey(Level.TENANT, tenant.id, committed)
    assert not more


def test_a_subscription_ends_when_its_token_expires(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    client_id, _ = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    issued = container.tokens.issue(
        tenant_id=tenant.id, client_id=client_id, scopes=["read"], ttl_seconds=2
    )
    received = []
    with subscribed(client, container, issued["access_token"]) as ws:
        started = time.monotonic()
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                received.append(ws.receive_json())
    assert time.monotonic() - started < 5
    assert closed.value.code == 4403
    assert [m["type"] for m in received] == ["next", "complete"], received
    assert received[0]["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
