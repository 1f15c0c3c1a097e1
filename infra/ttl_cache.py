"""A per-key cache whose entries are re-read once older than `ttl` seconds.

Used where a value read on every request changes rarely and a change must take effect
within a stated bound: a process serves an entry at most `ttl` seconds after it was read,
and the process that changes the value evicts it at once (`evict`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    def __init__(
        self,
        load: Callable[[K], V],
        *,
        ttl: float,
        keep: Callable[[V], bool] = lambda _: True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`keep`: whether a loaded value is cached (a miss may not be: anyone could
        mint keys)."""
        self._load = load
        self._ttl = ttl
        self._keep = keep
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[float, V]] = {}
        self._generation = 0  # bumped by evict: a load begun before it is not cached

    def get(self, key: K) -> V:
        cached = self._entries.get(key)
        if cached is not None and self._clock() - cached[0] < self._ttl:
            return cached[1]
        with self._lock:  # one reader refreshes; the others wait for its answer
            cached = self._entries.get(key)
            if cached is not None and self._clock() - cached[0] < self._ttl:
                return cached[1]
            generation, read_at = self._generation, self._clock()
            value = self._load(key)
            if self._keep(value) and generation == self._generation:
                self._entries[key] = (read_at, value)
            return value

    def evict(self, keys: Iterable[K]) -> None:
        for key in keys:
            self._entries.pop(key, None)
            self._generation += 1
