"""Live score updates (the `scoresUpdated` subscription): who is told, and how.

A commit that wrote scores announces their keys after it (SqlUnitOfWork.commit →
`LiveHub.announce`, the one publish point):
- with REDIS_URL, on the tenant's Redis channel (infra/live/wire.py). Every API process
  listens to all tenants' channels through one pattern subscription, opened by its first
  subscriber, and hands each message to its own subscribers of that tenant; so any number
  of API processes (uvicorn workers) each tell their own clients;
- without Redis (embedded: jobs run on a thread of the API process), straight to this
  process's subscribers, on the event loop they wait on.

Delivery is best effort: an announcement that fails (Redis down) is logged and the job goes
on — the scores are committed, a client reading them sees them. Each subscriber has a
bounded queue; one that lets it fill (a slow client) is ended with FellBehindError instead
of being buffered for without end — as is every subscriber of a tenant whose commit wrote
more scores than are listed (a rebuild: WrittenScores.overflow), who must re-read anyway.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager, suppress

from redis import Redis
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from domain.periods import Grain
from domain.ports import TenantId
from domain.snapshots import ScoreKey, WrittenScores
from infra.live import wire

RECONNECT_SECONDS = 1.0
LISTENING_TIMEOUT_SECONDS = 5.0  # a subscriber waits this long for Redis at most

log = logging.getLogger(__name__)


class FellBehindError(Exception):
    """The subscriber's queue filled: it is dropped and should re-read and resubscribe."""


class Subscription:
    """One subscriber's bounded queue of keys (of one grain, or all)."""

    def __init__(self, tenant_id: TenantId, grain: Grain | None, size: int) -> None:
        self.tenant_id = tenant_id
        self.grain = grain
        self.loop = asyncio.get_running_loop()  # offers are made on it, from any thread
        # None, after the keys that fitted, means it fell behind.
        self._queue: asyncio.Queue[ScoreKey | None] = asyncio.Queue(maxsize=size)
        self.fell_behind = False

    def offer(self, keys: Collection[ScoreKey]) -> None:
        if self.fell_behind:
            return
        for key in keys:
            if self.grain is not None and key.period.grain is not self.grain:
                continue
            try:
                self._queue.put_nowait(key)
            except asyncio.QueueFull:
                self.drop()
                return

    def drop(self) -> None:
        """End the subscription: what it held is dropped, its reader gets FellBehindError."""
        if self.fell_behind:
            return
        self.fell_behind = True
        while not self._queue.empty():  # it is ended anyway: free what it held
            self._queue.get_nowait()
        self._queue.put_nowait(None)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> ScoreKey:
        key = await self._queue.get()
        if key is None:
            raise FellBehindError(
                "more score updates than this subscriber could take (more than "
                f"{self._queue.maxsize} waiting, or a rebuild); read the scores again and "
                "resubscribe"
            )
        return key


class LiveHub:
    """One per process (the Container's `live`)."""

    def __init__(self, *, redis: Redis | None, redis_url: str | None, queue_size: int) -> None:
        self._redis = redis  # publishes (sync: jobs run in threads)
        self._redis_url = redis_url
        self._queue_size = queue_size
        # Subscriptions are added and removed on event loops, read by announcing threads.
        self._lock = threading.Lock()
        self._subscribers: dict[TenantId, set[Subscription]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    @property
    def subscribers(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subscribers.values())

    # publishing (any thread) ----------------------------------------------------------
    def announce(self, tenant_id: TenantId, written: WrittenScores) -> None:
        """Tell the tenant's subscribers these scores were committed. Never raises: a
        lost announcement costs a live message, not data."""
        try:
            # Agents, then teams, then the tenant; periods in order.
            ordered = None
            if not written.overflow:
                ordered = sorted(written.keys, key=lambda k: (k.level, k.period, k.subject_id))
            if self._redis is not None:
                wire.publish(self._redis, tenant_id, ordered)
            else:
                self._deliver(tenant_id, ordered)
        except Exception:
            log.warning("could not announce new scores of tenant %s", tenant_id, exc_info=True)

    # subscribing (on the event loop) --------------------------------------------------
    @asynccontextmanager
    async def subscribe(
        self, tenant_id: TenantId, *, grain: Grain | None = None
    ) -> AsyncIterator[Subscription]:
        """A subscription to the tenant's updates, live once this returns (when Redis is
        used: once this process listens, or after LISTENING_TIMEOUT_SECONDS)."""
        subscription = Subscription(tenant_id, grain, self._queue_size)
        with self._lock:
            self._subscribers[tenant_id].add(subscription)
        try:
            if self._redis_url is not None:
                await self._await_listening()
            yield subscription
        finally:
            with self._lock:
                mine = self._subscribers.get(tenant_id)
                if mine is not None:
                    mine.discard(subscription)
                    if not mine:
                        del self._subscribers[tenant_id]

    def _deliver(self, tenant_id: TenantId, keys: Sequence[ScoreKey] | None) -> None:
        """Offer the keys (None: too many to list, so end them) to the tenant's subscribers,
        each on its own event loop (from a job's thread, or the Redis listener's loop)."""
        with self._lock:
            mine = list(self._subscribers.get(tenant_id, ()))
        for subscription in mine:
            if subscription.loop.is_closed():
                continue
            if keys is None:
                subscription.loop.call_soon_threadsafe(subscription.drop)
            else:
                subscription.loop.call_soon_threadsafe(subscription.offer, keys)

    async def _await_listening(self) -> None:
        listener = self._listener
        # A listener of another event loop (a test's previous app) is of no use here.
        loop = asyncio.get_running_loop()
        if listener is None or listener.done() or listener.get_loop() is not loop:
            self._listening = asyncio.Event()
            self._listener = asyncio.create_task(self._listen(), name="fairscore-live")
        with suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), LISTENING_TIMEOUT_SECONDS)

    async def _listen(self) -> None:
        client = aioredis.Redis.from_url(str(self._redis_url))
        try:
            while True:
                try:
                    await self._relay(client)
                except (RedisError, OSError):
                    self._listening.clear()
                    log.warning("live updates: lost Redis; listening again", exc_info=True)
                    await asyncio.sleep(RECONNECT_SECONDS)
                except Exception:  # anything else must not leave this process's subscribers deaf
                    self._listening.clear()
                    log.exception("live updates: the listener failed; listening again")
                    await asyncio.sleep(RECONNECT_SECONDS)
        finally:
            await client.aclose()

    async def _relay(self, client: aioredis.Redis) -> None:
        async with client.pubsub() as pubsub:
            await pubsub.psubscribe(wire.PATTERN)
            async for message in pubsub.listen():
                if message["type"] == "psubscribe":
                    self._listening.set()
                elif message["type"] == "pmessage":
                    self._relay_one(message["channel"], message["data"])

    def _relay_one(self, channel: bytes, data: bytes) -> None:
        tenant_id = wire.tenant_of(channel.decode(errors="replace"))
        if tenant_id is None:
            return
        try:
            keys = None if data == wire.EVERYTHING.encode() else wire.decode(data)
        except (ValueError, TypeError):
            log.warning("live updates: ignored a malformed message on %r", channel)
            return
        self._deliver(tenant_id, keys)

    async def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            with suppress(asyncio.CancelledError):
                await listener
