"""Issue 12 item 3: scoresUpdated latency (`python -m bench.run --api`).

A private database, a real `fairscore serve` and one `fairscore worker` on the shared Redis
(bench/freshness_stack.py). One subscriber (gql's websockets transport, graphql-transport-ws,
`scoresUpdated(grain: DAY)`); ROUNDS signed webhooks posted one after another, each a
ticket on a day of its own, so each commit announces that day's agent and tenant scores.

- score committed → message received: the wall clock when the tenant's DAY message arrived
  minus the newest `computed_at`/`scored_at` of the tenant's snapshots, read right then (the
  last rows the announcing commit wrote: stamped just before its last INSERT, so the figure
  slightly overstates — it includes that INSERT and the COMMIT); p50/p95;
- webhook posted → message received (what a dashboard sees: intake, queue, derivation);
- baseline, same run: a raw Redis PUBLISH → pub/sub message round trip from this process
  (redis-py asyncio), the floor under any Redis fan-out.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import psycopg
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport
from psycopg.rows import TupleRow
from redis import asyncio as aioredis

from bench.freshness_stack import REDIS_URL, Stack, Tenant, open_tenant
from bench.freshness_stats import percentile
from bench.table import Row
from infra.sources.generic import sign

ROUNDS = 60
TARGET_P95_MS = 500.0
UPDATES = gql("subscription { scoresUpdated(grain: DAY) { subject { kind id } periodStart } }")
FIRST_DAY = date(2026, 1, 5)
LAST_WRITTEN = """SELECT greatest(
  (SELECT max(computed_at) FROM score_snapshot WHERE tenant_id = %(t)s),
  (SELECT max(scored_at) FROM snapshot_score WHERE tenant_id = %(t)s))"""


def measure(rounds: int = ROUNDS) -> tuple[list[Row], dict[str, Any]]:
    """The subscription rows of the `--api` table and the raw figures behind them."""
    stack = Stack(f"fairscore_bench_live_{os.getpid()}")
    try:
        c = stack.create_database()
        tenant = open_tenant(c, "live")
        stack.serve()
        stack.start_workers(1)
        raw = asyncio.run(_measure(stack, tenant, rounds))
        raw["redis_ms"] = asyncio.run(_redis_round_trips(rounds))
    finally:
        stack.close()
    return _rows(raw), raw


async def _measure(stack: Stack, tenant: Tenant, rounds: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        form = {"grant_type": "client_credentials"}
        answer = await http.post(
            "/oauth/token", data=form, auth=(tenant.client_id, tenant.client_secret)
        )
        token = answer.json()["access_token"]
        transport = WebsocketsTransport(
            url=stack.url.replace("http", "ws", 1) + "/graphql",
            init_payload={"Authorization": f"Bearer {token}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        arrived: dict[str, float] = {}  # period start → wall clock of its TENANT message
        posted: dict[str, float] = {}
        committed: dict[str, float] = {}
        database: psycopg.Connection[TupleRow] = await asyncio.to_thread(
            psycopg.connect, _libpq(stack.database_url)
        )
        async with Client(transport=transport) as session:
            updates = session.subscribe(UPDATES)
            # The first webhook also waits for the subscription to be live on the server.
            for n in range(rounds + 1):
                day = (FIRST_DAY + timedelta(days=n)).isoformat()
                posted[day] = time.time()
                await _post(http, tenant, day, n)
                async for update in updates:
                    found = update["scoresUpdated"]
                    if found["subject"]["kind"] == "TENANT":
                        arrived[found["periodStart"]] = time.time()
                        if found["periodStart"] == day:
                            break
                # The worker is idle now (its job ended with this commit): nothing newer.
                committed[day] = await asyncio.to_thread(_last_written, database, tenant.id)
        database.close()
    days = [d for d in arrived if d in committed][1:]  # the first warmed up the subscription
    return {
        "rounds": len(days),
        "commit_ms": [(arrived[d] - committed[d]) * 1000 for d in days],
        "webhook_ms": [(arrived[d] - posted[d]) * 1000 for d in days],
    }


async def _post(http: httpx.AsyncClient, tenant: Tenant, day: str, n: int) -> None:
    """One ticket of the day: created, answered by ag1, solved."""
    ticket = {"ticket_id": f"L{n}"}
    events = [
        {
            "id": f"L{n}-1",
            "type": "ticket.created",
            "occurred_at": f"{day}T09:00:00Z",
            "channel": "email",
            "requester_id": "c1",
            "assignee_id": "ag1",
            **ticket,
        },
        {
            "id": f"L{n}-2",
            "type": "ticket.message",
            "occurred_at": f"{day}T09:20:00Z",
            "message_id": f"m{n}",
            "author_type": "agent",
            "author_id": "ag1",
            "public": True,
            **ticket,
        },
        {
            "id": f"L{n}-3",
            "type": "ticket.status_changed",
            "occurred_at": f"{day}T09:30:00Z",
            "status": "solved",
            **ticket,
        },
    ]
    body = json.dumps({"events": events}).encode()
    msg_id, stamp = f"msg-live-{n}", int(time.time())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(tenant.secret, msg_id, stamp, body),
        "content-type": "application/json",
    }
    response = await http.post(tenant.webhook_path, content=body, headers=headers)
    if response.status_code != 202:
        raise RuntimeError(f"webhook refused: {response.status_code} {response.text}")


def _libpq(database_url: str) -> str:
    return database_url.replace("postgresql+psycopg://", "postgresql://")


def _last_written(conn: psycopg.Connection[TupleRow], tenant_id: str) -> float:
    row = conn.execute(LAST_WRITTEN, {"t": tenant_id}).fetchone()
    conn.rollback()  # a fresh snapshot next time
    stamp: datetime | None = row[0] if row else None
    if stamp is None:
        raise RuntimeError("no snapshot was written")
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


async def _redis_round_trips(rounds: int) -> list[float]:
    client = aioredis.Redis.from_url(REDIS_URL)
    channel = f"fairscore:bench:{os.getpid()}"
    out = []
    try:
        async with client.pubsub() as pubsub:
            await pubsub.subscribe(channel)
            await pubsub.get_message(timeout=5)  # the subscribe confirmation
            for n in range(rounds):
                started = time.perf_counter()
                await client.publish(channel, str(n))
                while await pubsub.get_message(timeout=5) is None:
                    pass
                out.append((time.perf_counter() - started) * 1000)
    finally:
        await client.aclose()
    return out


def _rows(raw: dict[str, Any]) -> list[Row]:
    commit, webhook, base = raw["commit_ms"], raw["webhook_ms"], raw["redis_ms"]
    c50, c95 = percentile(commit, 50), percentile(commit, 95)
    w50, w95 = percentile(webhook, 50), percentile(webhook, 95)
    b50, b95 = percentile(base, 50), percentile(base, 95)
    raw["summary"] = {"commit_p95": c95, "webhook_p95": w95, "redis_p95": b95}
    verdict = "met" if c95 < TARGET_P95_MS else f"missed by {c95 - TARGET_P95_MS:.0f} ms"
    return [
        (
            "scoresUpdated: score committed → message received",
            f"p50 {c50:.0f} ms / p95 {c95:.0f} ms ({raw['rounds']} updates, ws)",
            f"p95 < {TARGET_P95_MS:.0f} ms",
            verdict,
        ),
        (
            "  webhook posted → message received (intake, queue, derivation)",
            f"p50 {w50:.0f} ms / p95 {w95:.0f} ms",
            "(context)",
            "",
        ),
        (
            "  baseline: Redis PUBLISH → pub/sub message, this process",
            f"p50 {b50:.2f} ms / p95 {b95:.2f} ms ({len(base)} round trips)",
            "(floor)",
            "",
        ),
    ]
