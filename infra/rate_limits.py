"""Request rate limits (issue 11): /graphql per API client, /oauth/token per client_id (or
remote address), each webhook integration on its own.

Counted by `limits`' sliding-window counter: two counters per key (this window's and the
last one's, weighted), so a burst at a window's edge cannot pass twice the limit as with a
fixed window, at a constant cost per request. With Redis the counts live there and every
API process shares them; embedded (no Redis) they live in this process's memory. A limit
that cannot be counted (Redis down) lets the request through: the limiter must not turn a
Redis outage into an API outage (webhook intake goes on storing deliveries meanwhile).
"""

from __future__ import annotations

import logging
import math
import time
from enum import Enum

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import SlidingWindowCounterRateLimiter
from redis import ConnectionPool

log = logging.getLogger(__name__)

KEY_PREFIX = "fairscore:limits"
# A limit check waits this long for Redis at most (its own connections, not the queue's).
REDIS_TIMEOUT_SECONDS = 0.5
WARN_EVERY_SECONDS = 60.0


class Limited(Enum):
    """What a limit counts; the value is the setting that names it."""

    GRAPHQL = "RATE_LIMIT_GRAPHQL"
    TOKEN = "RATE_LIMIT_TOKEN"  # noqa: S105 - a setting's name
    WEBHOOK = "RATE_LIMIT_WEBHOOK"


def parse_limit(text: str) -> RateLimitItem:
    """A limit in `limits`' notation: "600/minute", "20 per second"; ValueError if not."""
    item = parse(text)
    if item.amount < 1:
        raise ValueError(f"{text!r}: the amount must be at least 1")
    return item


class RateLimits:
    """The three limits, each counted per key (a client id, an integration id, an address)."""

    def __init__(
        self, storage: Storage, limits: dict[Limited, str], *, pool: ConnectionPool | None = None
    ) -> None:
        self.storage = storage
        self.pool = pool
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self.items = {what: parse_limit(text) for what, text in limits.items()}
        self._warned_at: float | None = None

    @classmethod
    def in_redis(cls, url: str, limits: dict[Limited, str]) -> RateLimits:
        pool = ConnectionPool.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        storage = RedisStorage(
            url, connection_pool=pool, key_prefix=KEY_PREFIX, wrap_exceptions=True
        )
        return cls(storage, limits, pool=pool)

    @classmethod
    def in_memory(cls, limits: dict[Limited, str]) -> RateLimits:
        return cls(MemoryStorage(wrap_exceptions=True), limits)

    @property
    def in_process(self) -> bool:
        """Counted in this process's memory: `retry_after` does no I/O."""
        return self.pool is None

    def retry_after(self, what: Limited, key: str) -> int | None:
        """Count one request of `key`: None if it is within the limit, else the whole seconds
        (at least 1) until the limit lets one through again. A blocking call (Redis)."""
        item = self.items[what]
        try:
            if self.limiter.hit(item, what.name, key):
                return None
            reset_at = self.limiter.get_window_stats(item, what.name, key).reset_time
        except StorageError as exc:
            self.warn(what, exc)
            return None
        return max(1, math.ceil(reset_at - time.time()))

    def warn(self, what: Limited, exc: StorageError) -> None:
        # An outage is a line a minute in the log, not one per request.
        now = time.monotonic()
        if self._warned_at is None or now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning(
                "rate limit %s not counted, requests let through: %r", what.value, exc.storage_error
            )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.disconnect()
