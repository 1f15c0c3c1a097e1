"""The live hub without Redis (embedded): announcements reach the tenant's subscribers of the
right grain, from any thread; another tenant's never; a subscriber that lets its bounded
queue fill is ended; the wire format round-trips and splits big commits."""

from __future__ import annotations

import asyncio
import threading
from datetime import date

import pytest

from domain.metrics import Level
from domain.periods import Grain, Period
from domain.ports import TenantId
from domain.snapshots import ScoreKey, WrittenScores
from infra.live import wire
from infra.live.hub import FellBehindError, LiveHub

A, B = TenantId("tenant-a"), TenantId("tenant-b")
DAY = Period(Grain.DAY, date(2026, 3, 2))
WEEK = Period(Grain.WEEK, date(2026, 3, 2))


def key(subject: str, period: Period = DAY, level: Level = Level.AGENT) -> ScoreKey:
    return ScoreKey(level, subject, period)


def written(keys: list[ScoreKey], *, limit: int = 10_000) -> WrittenScores:
    out = WrittenScores(limit=limit)
    for k in keys:
        out.add(k)
    return out


def hub(size: int = 100) -> LiveHub:
    return LiveHub(redis=None, redis_url=None, queue_size=size)


def from_a_thread(live: LiveHub, tenant: TenantId, keys: list[ScoreKey]) -> None:
    """As a job does: announce on a thread of its own."""
    thread = threading.Thread(target=live.announce, args=(tenant, written(keys)))
    thread.start()
    thread.join()


async def take(subscription: object, count: int) -> list[ScoreKey]:
    it = aiter(subscription)  # type: ignore[call-overload]
    return [await asyncio.wait_for(anext(it), 2) for _ in range(count)]


def test_a_subscriber_hears_its_tenant_in_order_agents_first_and_only_its_grain() -> None:
    async def scenario() -> tuple[list[ScoreKey], list[ScoreKey], int]:
        live = hub()
        async with live.subscribe(A, grain=Grain.DAY) as mine, live.subscribe(B) as theirs:
            keys = [key(A, level=Level.TENANT), key("a2", WEEK), key("a1")]
            from_a_thread(live, A, keys)
            from_a_thread(live, B, [key("b1", WEEK)])
            heard = await take(mine, 2)
            overheard = await take(theirs, 1)
            during = live.subscribers
        return heard, overheard, during - live.subscribers

    heard, overheard, left = asyncio.run(scenario())
    assert heard == [key("a1"), key(A, level=Level.TENANT)]
    assert overheard == [key("b1", WEEK)]  # B's only: A's three never reached it
    assert left == 2


def test_a_subscriber_whose_queue_fills_is_ended_not_buffered() -> None:
    async def scenario() -> tuple[list[ScoreKey], BaseException | None]:
        live = hub(size=3)
        async with live.subscribe(A) as subscription:
            live.announce(A, written([key("a1")]))
            await asyncio.sleep(0)
            first = await take(subscription, 1)
            live.announce(A, written([key(f"a{n}") for n in range(4)]))  # one more than fits
            await asyncio.sleep(0)
            try:
                await take(subscription, 1)
            except FellBehindError as exc:
                return first, exc
            live.announce(A, written([key("later")]))  # a dropped subscriber takes no more
        return first, None

    first, error = asyncio.run(scenario())
    assert first == [key("a1")]
    assert isinstance(error, FellBehindError)
    assert "resubscribe" in str(error)


def test_a_commit_writing_more_than_it_lists_ends_its_tenants_subscribers_only() -> None:
    many = written([key(f"a{n}") for n in range(6)], limit=5)
    assert many.overflow and not many.keys and many

    async def scenario() -> tuple[BaseException | None, list[ScoreKey]]:
        live = hub()
        async with live.subscribe(A) as mine, live.subscribe(B) as theirs:
            from_a_thread(live, A, [])  # nothing written: nothing heard
            live.announce(A, many)
            live.announce(B, written([key("b1")]))
            heard_b = await take(theirs, 1)
            try:
                await take(mine, 1)
            except FellBehindError as exc:
                return exc, heard_b
        return None, heard_b

    error, heard_b = asyncio.run(scenario())
    assert isinstance(error, FellBehindError)
    assert heard_b == [key("b1")]


def test_announcing_with_nobody_listening_is_harmless() -> None:
    live = hub()
    live.announce(A, written([key("a1")]))
    assert live.subscribers == 0


def test_the_wire_format_round_trips_in_chunks() -> None:
    keys = [key(f"agent-{n:04d}", WEEK) for n in range(wire.CHUNK * 2 + 1)]
    messages = list(wire.encode(keys))
    assert len(messages) == 3
    assert [k for m in messages for k in wire.decode(m)] == keys
    assert not written([])
    assert wire.tenant_of(wire.channel(A)) == A
    assert wire.tenant_of("someone:else") is None


@pytest.mark.parametrize("message", ["{}", "[[1, 2]]", '[["AGENT", "a", "YEAR", "2026-01-01"]]'])
def test_a_malformed_message_is_refused_by_decode(message: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        wire.decode(message)
