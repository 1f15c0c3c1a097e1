"""The freshness bench's load: signed webhooks at a fixed rate, probes, and the backlog.

Every tenant's stream is a run of tickets, one event per webhook: created → customer message
→ public agent reply → solved. Every `probe_every`-th ticket is a probe: its reply comes from
an agent of its own (`probe-…`), so the probe is visible once `agentScores` for today holds
that agent with a `first_response_time` sample. Latency = the POST's 2xx → the first poll
that shows it (polls every 50 ms at first, then every 10% of the probe's age, at most 1 s:
the reading is never more than 10% late, and waiting probes do not flood the API).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import Engine, create_engine, text

from bench.freshness_stack import TIMEZONE, Stack, Tenant
from infra.sources.generic import sign

QUERY = """query Fresh($period: PeriodInput!) {
  agentScores(period: $period) { agent { externalId } metrics { key value sampleSize } }
}"""
PROBE_METRIC = "first_response_time"
LANES = 32  # concurrent webhook senders, under the client's 64 connections (GraphQL polls too)


@dataclass
class Probe:
    tenant: Tenant
    agent: str
    posted: float = 0.0  # monotonic time of the 2xx
    seen: float | None = None

    @property
    def latency(self) -> float | None:
        return None if self.seen is None else self.seen - self.posted


@dataclass
class Sent:
    """What the load generator did: POST latencies, failures, the achieved rate."""

    posts: list[float] = field(default_factory=list)
    failures: int = 0
    # why each failure failed: its status code, or the client's exception (a timeout...)
    failed_by: Counter[str] = field(default_factory=Counter)
    started: float = 0.0
    ended: float = 0.0

    @property
    def rate(self) -> float:
        span = self.ended - self.started
        return len(self.posts) / span if span > 0 else 0.0


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


class Streams:
    """Each tenant's ticket lifecycles, one event at a time, with the probes among them."""

    def __init__(self, tenants: list[Tenant], *, probe_every: int, agents: int) -> None:
        self.tag = uuid.uuid4().hex[:6]
        self.probe_every = probe_every
        self.agents = agents
        self._tickets = 0
        self._streams = {t.slug: self._stream(t) for t in tenants}

    def next(self, tenant: Tenant) -> tuple[dict[str, Any], Probe | None]:
        return next(self._streams[tenant.slug])

    def _stream(self, tenant: Tenant) -> Iterator[tuple[dict[str, Any], Probe | None]]:
        while True:
            self._tickets += 1
            n = self._tickets
            probe = Probe(tenant, f"probe-{self.tag}-{n}") if n % self.probe_every == 0 else None
            for event in self.ticket(n, replier=probe.agent if probe else None):
                is_probe = probe is not None and event["type"] == "ticket.message"
                is_probe = is_probe and event["author_type"] == "agent"
                yield event, probe if is_probe else None

    def ticket(self, n: int, *, replier: str | None = None) -> list[dict[str, Any]]:
        ticket = f"fresh-{self.tag}-{n}"
        agent = f"ag{n % self.agents + 1}"

        def event(kind: str, **fields: Any) -> dict[str, Any]:
            return {
                "id": f"{ticket}-{kind}",
                "occurred_at": now_rfc3339(),
                "ticket_id": ticket,
                **fields,
            }

        def message(kind: str, author_type: str, author: str) -> dict[str, Any]:
            return event(
                kind,
                type="ticket.message",
                message_id=f"{ticket}-{kind}",
                author_type=author_type,
                author_id=author,
                public=True,
            )

        # occurred_at is taken when the list is built; the events go out within seconds
        return [
            event(
                "created",
                type="ticket.created",
                channel="email",
                requester_id=f"c{n}",
                assignee_id=agent,
            ),
            message("asked", "customer", f"c{n}"),
            message("reply", "agent", replier or agent),
            event("solved", type="ticket.status_changed", status="solved"),
        ]


class Load:
    """Posts webhooks, follows probes through GraphQL, samples the backlog."""

    def __init__(self, stack: Stack, *, backlog_tables: list[str]) -> None:
        self.stack = stack
        self.backlog_tables = backlog_tables
        self.client = httpx.AsyncClient(
            base_url=stack.url,
            timeout=httpx.Timeout(60, pool=None),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )
        self.engine: Engine = create_engine(stack.database_url, pool_size=2)
        self.tokens: dict[str, str] = {}
        self.waiting: list[Probe] = []
        self.probes: list[Probe] = []
        self.polls: list[float] = []  # how long each GraphQL poll took (a probe is seen at its end)
        self.backlog: list[tuple[float, int, int, int]] = []  # (t, deliveries, rows, jobs)

    async def close(self) -> None:
        await self.client.aclose()
        self.engine.dispose()

    # HTTP ------------------------------------------------------------------------------
    async def login(self, tenants: list[Tenant]) -> None:
        for t in tenants:
            form = {"grant_type": "client_credentials"}
            response = await self.client.post(
                "/oauth/token", data=form, auth=(t.client_id, t.client_secret)
            )
            response.raise_for_status()
            self.tokens[t.slug] = response.json()["access_token"]

    async def post(self, tenant: Tenant, event: dict[str, Any], sent: Sent) -> bool:
        body = httpx.Request("POST", "/", json=event).content
        msg_id = f"msg-{event['id']}"
        stamp = int(time.time())
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": sign(tenant.secret, msg_id, stamp, body),
            "content-type": "application/json",
        }
        started = time.monotonic()
        try:
            response = await self.client.post(tenant.webhook_path, content=body, headers=headers)
            ok, why = response.status_code in (200, 202), str(response.status_code)
        except httpx.HTTPError as exc:
            ok, why = False, type(exc).__name__
        if ok:
            sent.posts.append(time.monotonic() - started)
        else:
            sent.failures += 1
            sent.failed_by[why] += 1
        return ok

    async def send_probe_event(
        self, tenant: Tenant, event: dict[str, Any], probe: Probe | None, sent: Sent
    ) -> None:
        if await self.post(tenant, event, sent) and probe is not None:
            probe.posted = time.monotonic()
            self.probes.append(probe)
            self.waiting.append(probe)

    # the offered load ------------------------------------------------------------------
    async def offer(
        self, streams: Streams, tenants: list[Tenant], *, rate: float, seconds: float
    ) -> Sent:
        """Event i is due at start + i/rate, to tenant i mod n. LANES senders take the next
        due event each: while the API keeps up it gets the offered rate; when it does not,
        the senders fall behind (the achieved rate says so) instead of piling up requests
        (httpx's pool spends its time on thousands of waiting requests)."""
        sent = Sent(started=time.monotonic())
        total = int(rate * seconds)
        counter = iter(range(total))

        async def lane() -> None:
            for i in counter:  # shared: each index goes to exactly one lane
                delay = sent.started + i / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tenant = tenants[i % len(tenants)]
                event, probe = streams.next(tenant)
                await self.send_probe_event(tenant, event, probe, sent)

        await asyncio.gather(*(lane() for _ in range(LANES)))
        sent.ended = time.monotonic()
        return sent

    async def flood(self, streams: Streams, tenants: list[Tenant], *, events: int) -> Sent:
        """`events` webhooks as fast as LANES senders get them in (a backlog to drain)."""
        sent = Sent(started=time.monotonic())
        order = [tenants[i % len(tenants)] for i in range(events)]
        batch = [(t, streams.next(t)[0]) for t in order]

        async def lane(k: int) -> None:
            for tenant, event in batch[k::LANES]:
                await self.post(tenant, event, sent)

        await asyncio.gather(*(lane(k) for k in range(LANES)))
        sent.ended = time.monotonic()
        return sent

    # probes ----------------------------------------------------------------------------
    async def follow(self, stop: asyncio.Event) -> None:
        """Poll the tenants that have waiting probes until `stop` is set."""
        next_poll: dict[str, float] = {}
        busy: set[str] = set()
        while not stop.is_set():
            now = time.monotonic()
            for slug, youngest in self._youngest_waiting().items():
                if slug in busy or next_poll.get(slug, 0.0) > now:
                    continue
                next_poll[slug] = now + min(1.0, max(0.05, 0.1 * (now - youngest)))
                busy.add(slug)
                task = asyncio.create_task(self._poll(slug))
                task.add_done_callback(lambda _, s=slug: busy.discard(s))  # type: ignore[misc]
            await asyncio.sleep(0.02)

    def _youngest_waiting(self) -> dict[str, float]:
        youngest: dict[str, float] = {}
        for p in self.waiting:
            youngest[p.tenant.slug] = max(youngest.get(p.tenant.slug, 0.0), p.posted)
        return youngest

    async def _poll(self, slug: str) -> None:
        variables = {"period": {"grain": "DAY", "start": today().isoformat()}}
        started = time.monotonic()
        try:
            response = await self.client.post(
                "/graphql",
                json={"query": QUERY, "variables": variables},
                headers={"Authorization": f"Bearer {self.tokens[slug]}"},
            )
            rows = response.json()["data"]["agentScores"]
        except (httpx.HTTPError, KeyError, TypeError, ValueError):
            return
        seen_at = time.monotonic()
        self.polls.append(seen_at - started)
        visible = {
            row["agent"]["externalId"]
            for row in rows
            if any(m["key"] == PROBE_METRIC and m["sampleSize"] >= 1 for m in row["metrics"])
        }
        for p in [p for p in self.waiting if p.tenant.slug == slug and p.agent in visible]:
            p.seen = seen_at
            self.waiting.remove(p)

    async def idle_probes(self, streams: Streams, tenants: list[Tenant], count: int) -> list[Probe]:
        """One probe at a time on an otherwise idle system: the floor of the latency."""
        stop = asyncio.Event()
        follower = asyncio.create_task(self.follow(stop))
        probes, sent = [], Sent()
        for k in range(count):
            tenant = tenants[k % len(tenants)]
            created, asked, reply, solved = streams.ticket(10**9 + k, replier=f"idle-{k}")
            for event in (created, asked):
                await self.post(tenant, event, sent)
            probe = Probe(tenant, f"idle-{k}")
            await self.send_probe_event(tenant, reply, probe, sent)
            probes.append(probe)
            deadline = time.monotonic() + 30
            while probe.seen is None and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            await self.post(tenant, solved, sent)
            await self.wait_drained(timeout=30)
        stop.set()
        await follower
        self.waiting.clear()
        self.probes = [p for p in self.probes if p not in probes]
        return probes

    # backlog ---------------------------------------------------------------------------
    def backlog_now(self) -> tuple[int, int, int]:
        """(pending deliveries, rows the worker has yet to derive, queued + running jobs)."""
        with self.engine.connect() as conn:
            deliveries = conn.execute(
                text("SELECT count(*) FROM webhook_delivery WHERE status = 'pending'")
            ).scalar_one()
            rows = 0
            for table in self.backlog_tables:
                if conn.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar_one():
                    rows += conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        q = self.stack.queue_name
        jobs = int(self.stack.redis.llen(f"rq:queue:{q}")) + int(
            self.stack.redis.zcard(f"rq:wip:{q}")
        )
        return int(deliveries), int(rows), jobs

    async def sample_backlog(self, stop: asyncio.Event, every: float = 1.0) -> None:
        while not stop.is_set():
            d, r, j = await asyncio.to_thread(self.backlog_now)
            self.backlog.append((time.monotonic(), d, r, j))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)

    async def wait_drained(self, *, timeout: float, every: float = 0.2) -> float | None:
        """Seconds until nothing is pending and every probe is visible; None on timeout."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if not self.waiting and sum(await asyncio.to_thread(self.backlog_now)) == 0:
                return time.monotonic() - started
            await asyncio.sleep(every)
        return None

    def delivery_lags(self, since: datetime) -> tuple[list[float], int]:
        """received → processed of the deliveries received since `since`; and how many of
        them are not processed."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT extract(epoch FROM processed_at - received_at) FROM webhook_delivery"
                    " WHERE received_at >= :since"
                ),
                {"since": since},
            ).all()
        lags = [float(r[0]) for r in rows if r[0] is not None]
        return lags, len(rows) - len(lags)
