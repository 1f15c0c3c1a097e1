"""Live updates over a real Redis: what one process announces reaches every API process's
subscribers of that tenant (each hub is one API process, e.g. one uvicorn worker), no
other tenant's; a malformed message is skipped; Redis down costs the message, not the job."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest
from redis import Redis

from domain.metrics import Level
from domain.periods import Grain, Period
from domain.ports import TenantId
from domain.snapshots import ScoreKey, WrittenScores
from infra.live import wire
from infra.live.hub import FellBehindError, LiveHub, Subscription

DAY = Period(Grain.DAY, date(2026, 3, 2))


def written(keys: list[ScoreKey], *, limit: int = 10_000) -> WrittenScores:
    out = WrittenScores(limit=limit)
    for k in keys:
        out.add(k)
    return out


def hub(redis_url: str) -> LiveHub:
    return LiveHub(redis=Redis.from_url(redis_url), redis_url=redis_url, queue_size=100)


async def next_key(subscription: Subscription, timeout: float = 3) -> ScoreKey:
    return await asyncio.wait_for(anext(aiter(subscription)), timeout)


def test_every_api_process_hears_its_tenants_updates_and_no_others(redis_url: str) -> None:
    a, b = TenantId(uuid.uuid4().hex), TenantId(uuid.uuid4().hex)
    first, second, worker = hub(redis_url), hub(redis_url), hub(redis_url)
    announced = [ScoreKey(Level.AGENT, "agent-1", DAY), ScoreKey(Level.TENANT, a, DAY)]

    async def scenario() -> tuple[list[ScoreKey], list[ScoreKey], bool]:
        async with (
            first.subscribe(a) as on_first,
            second.subscribe(a) as on_second,
            first.subscribe(b) as other_tenant,
        ):
            # A malformed message on A's channel is skipped; the listener goes on.
            Redis.from_url(redis_url).publish(wire.channel(a), b"not json")
            await asyncio.to_thread(worker.announce, a, written(announced))
            heard_first = [await next_key(on_first) for _ in announced]
            heard_second = [await next_key(on_second) for _ in announced]
            try:
                await next_key(other_tenant, timeout=0.5)
                overheard = True
            except TimeoutError:
                overheard = False
            # A rebuild's commit, too many to list: both processes end A's subscribers.
            await asyncio.to_thread(worker.announce, a, written(announced, limit=1))
            for subscription in (on_first, on_second):
                with pytest.raises(FellBehindError):
                    await next_key(subscription)
        await first.close()
        await second.close()
        return heard_first, heard_second, overheard

    heard_first, heard_second, overheard = asyncio.run(scenario())
    assert heard_first == announced
    assert heard_second == announced
    assert not overheard


def test_announcing_while_redis_is_down_neither_raises_nor_blocks() -> None:
    down = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    live = LiveHub(redis=Redis.from_url(down), redis_url=down, queue_size=10)
    live.announce(TenantId("t"), written([ScoreKey(Level.AGENT, "agent-1", DAY)]))
    assert live.subscribers == 0
