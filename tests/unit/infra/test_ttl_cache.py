"""TtlCache: an entry is re-read once older than the ttl, evicted at once, and a value
read while an eviction happened is not kept (it may predate the change)."""

from __future__ import annotations

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
