"""TtlCache: an entry is re-read once older than the ttl, evicted at once, and a value
read while an eviction happened is not kept (it may predate the change); a read holds up
only the readers of its own key; a failed read is not remembered; the size is bounded."""

from __future__ import annotations

import threading

import pytest

from infra.ttl_cache import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_is_reread_after_the_ttl_and_at_once_after_an_eviction() -> None:
    clock, reads = Clock(), []
    values = {"a": 1}

    def load(key: str) -> int:
        reads.append(key)
        return values[key]

    cache: TtlCache[str, int] = TtlCache(load, ttl=2, clock=clock)
    assert cache.get("a") == 1
    values["a"] = 2
    clock.now = 1.9
    assert cache.get("a") == 1  # within the ttl: the cached value
    clock.now = 2.0
    assert cache.get("a") == 2  # the bound: re-read
    values["a"] = 3
    cache.evict(["a"])
    assert cache.get("a") == 3
    assert reads == ["a", "a", "a"]


def test_misses_are_not_kept_and_a_load_overtaken_by_an_eviction_is_not_cached() -> None:
    reads: list[str] = []
    cache: TtlCache[str, int | None]

    def load(key: str) -> int | None:
        reads.append(key)
        if key == "racing" and reads.count("racing") == 1:
            cache.evict(["racing"])  # a writer commits while this read is under way
        return None if key == "missing" else len(reads)

    cache = TtlCache(load, ttl=60, keep=lambda value: value is not None)
    assert cache.get("missing") is None
    assert cache.get("missing") is None
    assert cache.get("racing") == 3  # read, evicted meanwhile: not kept
    assert cache.get("racing") == 4
    assert cache.get("racing") == 4
    assert reads == ["missing", "missing", "racing", "racing"]


def test_a_slow_read_of_one_key_does_not_hold_up_readers_of_another() -> None:
    """Readers of made-up ids (misses, never cached) must not queue behind one another's
    queries: only readers of the same key wait for its read."""
    slow_started, release = threading.Event(), threading.Event()

    def load(key: str) -> int | None:
        if key == "slow":
            slow_started.set()
            release.wait()
        return None

    cache: TtlCache[str, int | None] = TtlCache(load, ttl=60, keep=lambda v: v is not None)
    slow = threading.Thread(target=cache.get, args=["slow"])
    slow.start()
    try:
        assert slow_started.wait(10)
        other = threading.Thread(target=cache.get, args=["made-up"])
        other.start()
        other.join(10)  # a global lock held by the slow read would block it until released
        assert not other.is_alive()
    finally:
        release.set()
        slow.join(10)


def test_a_failed_read_is_raised_and_the_next_reader_reads_again() -> None:
    reads: list[str] = []

    def load(key: str) -> int:
        reads.append(key)
        if len(reads) == 1:
            raise ConnectionError("database unavailable")
        return 7

    cache: TtlCache[str, int] = TtlCache(load, ttl=60)
    with pytest.raises(ConnectionError):
        cache.get("a")
    assert cache.get("a") == 7
    assert cache.get("a") == 7
    assert reads == ["a", "a"]


def test_at_most_maxsize_entries_are_kept() -> None:
    reads: list[str] = []

    def load(key: str) -> str:
        reads.append(key)
        return key

    cache: TtlCache[str, str] = TtlCache(load, ttl=60, maxsize=2)
    for key in ("a", "b", "c", "c", "b", "a"):
        cache.get(key)
    assert reads == ["a", "b", "c", "a"]  # a was the least recently used: dropped for c
