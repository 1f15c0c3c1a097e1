"""A limit's hits counted in this process first and added to Redis in batches (webhooks).

Counting each webhook in Redis cost a round trip per request, on a thread (the event loop
must not block): at a helpdesk's burst rate that was a good part of intake's CPU (py-spy,
bench/RESULTS.txt). Here a key's hits are counted in this process while its shared count
— as last read from Redis, at most FRESH_SECONDS ago — plus this process's unsent hits is
below LOCAL_SHARE of the limit; a background thread adds them to the shared counter
(`limits`' own sliding window, the same keys `RateLimits.retry_after` counts in) every
SYNC_SECONDS and reads the count back. Past that share, or with no fresh count, the caller
counts the hit in Redis at once (`RateLimits.retry_after`: exact, every process together).

So the limit itself is exact as before unless other processes add more than the rest of
the limit (1 − LOCAL_SHARE of it) between two of this process's reads — SYNC_SECONDS —
and a refusal always comes from Redis. Redis unreachable: nothing is counted, requests go
through (RateLimits' rule), with its one warning a minute.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from limits.errors import StorageError
from limits.storage import RedisStorage

from infra.rate_limits import Limited, RateLimits

LOCAL_SHARE = 0.5
SYNC_SECONDS = 0.1
FRESH_SECONDS = 1.0


class BatchedHits:
    def __init__(
        self,
        limits: RateLimits,
        what: Limited,
        *,
        clock: Callable[[], float] = time.monotonic,
        background: bool = True,
    ) -> None:
        """`background`: a thread sends every SYNC_SECONDS (tests call `send`)."""
        self._limits = limits
        self._what = what
        self._item = limits.items[what]
        if not isinstance(limits.storage, RedisStorage):
            raise TypeError("batched hits are for a limit counted in Redis")
        self._storage = limits.storage
        self._clock = clock
        self._background = background
        self._local_below = self._item.amount * LOCAL_SHARE
        self._known: dict[str, tuple[float, float]] = {}  # key: (shared count, read at)
        self._unsent: Counter[str] = Counter()
        self._to_read: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def counted(self, key: str) -> bool:
        """Whether one hit of `key` was counted here (its limit is far). If not, the caller
        counts it with `exact` (a round trip)."""
        now = self._clock()
        with self._lock:
            known = self._known.get(key)
            here = (
                known is not None
                and now - known[1] <= FRESH_SECONDS
                and known[0] + self._unsent[key] + 1 <= self._local_below
            )
            if here:
                self._unsent[key] += 1
                self._sender()
        return here

    def exact(self, key: str) -> int | None:
        """One hit of `key` counted in Redis now (`RateLimits.retry_after`, blocking); its
        count is read back for the next ones."""
        wait = self._limits.retry_after(self._what, key)
        with self._lock:
            self._to_read.add(key)
            self._sender()
        return wait

    def _sender(self) -> None:
        # (under the lock)
        if self._background and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(
                target=self._run, name="fairscore-rate-limits", daemon=True
            )
            self._thread.start()
        self._wake.set()

    def send(self) -> None:
        """Add the unsent hits to the shared counts, and read back every key just used."""
        with self._lock:
            unsent, self._unsent = self._unsent, Counter()
            keys, self._to_read = self._to_read | set(unsent), set()
        item, expiry = self._item, self._item.get_expiry()
        for key in keys:
            shared_key = item.key_for(self._what.name, key)
            read_at = self._clock()
            try:
                if unsent[key]:
                    self._storage.acquire_sliding_window_entry(
                        shared_key, item.amount, expiry, unsent[key]
                    )
                previous, previous_ttl, current, _ = self._storage.get_sliding_window(
                    shared_key, expiry
                )
            except StorageError as exc:
                self._limits.warn(self._what, exc)
                with self._lock:
                    self._known.pop(key, None)
                continue
            with self._lock:  # limits' weighting of the two windows
                self._known[key] = (previous * previous_ttl / expiry + current, read_at)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            self.send()
            time.sleep(SYNC_SECONDS)
