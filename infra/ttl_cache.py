"""A per-key cache whose entries are re-read once older than `ttl` seconds.

Used where a value read on every request changes rarely and a change must take effect
within a stated bound: a process serves an entry at most `ttl` seconds after its read
began, and the process that changes the value evicts it at once (`evict`). Each process
has its own cache: other processes see a change within `ttl`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from enum import Enum
from typing import Generic, Literal, TypeVar

from cachetools import TLRUCache

K = TypeVar("K")
V = TypeVar("V")


class Missing(Enum):
    MISSING = 0


MISSING: Literal[Missing.MISSING] = Missing.MISSING


class TtlCache(Generic[K, V]):
    def __init__(
        self,
        load: Callable[[K], V],
        *,
        ttl: float,
        keep: Callable[[V], bool] = lambda _: True,
        clock: Callable[[], float] = time.monotonic,
        maxsize: int = 10_000,
    ) -> None:
        """`keep`: whether a loaded value is cached (a miss may not be: anyone could
        mint keys). `maxsize`: entries kept, the least recently used dropped first."""
        self._load = load
        self._keep = keep
        self._clock = clock
        # Entries are (read began at, value) and expire `ttl` after the read began, not
        # after it ended (TTLCache's rule), so a slow read does not stretch the bound.
        self._entries: TLRUCache[K, tuple[float, V]] = TLRUCache(
            maxsize, lambda _key, entry, _now: entry[0] + ttl, timer=clock
        )
        self._lock = threading.Lock()  # guards every field here; never held during a load
        # The read under way per key: its other readers wait for its answer (a miss too),
        # readers of other keys never wait.
        self._loading: dict[K, Future[V]] = {}
        self._generation = 0  # bumped by evict: a load begun before it is not cached

    def peek(self, key: K) -> V | Literal[Missing.MISSING]:
        """The cached value, or MISSING (never cached, expired, being read): never reads,
        so an event loop may ask (and read on a thread when it is MISSING)."""
        with self._lock:
            cached = self._entries.get(key)
        return MISSING if cached is None else cached[1]

    def get(self, key: K) -> V:
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                return cached[1]
            pending = self._loading.get(key)
            if pending is None:
                mine: Future[V] = Future()
                self._loading[key] = mine
                generation, read_at = self._generation, self._clock()
        if pending is not None:
            return pending.result()  # the read under way answers this reader too
        return self._read(key, mine, generation, read_at)

    def _read(self, key: K, pending: Future[V], generation: int, read_at: float) -> V:
        try:
            value = self._load(key)
        except BaseException as exc:
            with self._lock:
                self._done(key, pending)
            pending.set_exception(exc)
            raise
        with self._lock:
            if self._keep(value) and generation == self._generation:
                self._entries[key] = (read_at, value)
            self._done(key, pending)
        pending.set_result(value)
        return value

    def _done(self, key: K, pending: Future[V]) -> None:
        if self._loading.get(key) is pending:  # else evicted meanwhile, or a newer read's
            del self._loading[key]

    def evict(self, keys: Iterable[K]) -> None:
        with self._lock:
            for key in keys:
                self._entries.pop(key, None)
                self._loading.pop(key, None)  # a reader from now on reads afresh
            self._generation += 1
