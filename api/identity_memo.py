"""Answers of a pure function of immutable objects, remembered by the objects' identity.

A read of 1,000 agents builds ~22,000 GraphQL objects (MetricValue, ComponentScore) from
frozen domain values, and the snapshot decode cache (infra/db/repositories/snapshots.py)
hands the very same values to every read of the same stored text: building them again
was the largest part of agentScores after graphql-core (issue 12). Keyed by identity,
not equality — hashing a value costs about as much as building its answer — and each
entry keeps its key object alive, so an id cannot be reused while it is remembered. An
answer is only ever right for immutable keys (frozen dataclasses, tuples of them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """`build(key)` once per key object; at most `size` entries (all forgotten at once
    when full: cheaper than ordering them, and the next read of a tenant refills it)."""

    def __init__(self, build: Callable[[K], V], size: int) -> None:
        self._build = build
        self._size = size
        self._entries: dict[int, tuple[K, V]] = {}

    def __call__(self, key: K) -> V:
        found = self._entries.get(id(key))
        if found is not None and found[0] is key:
            return found[1]
        answer = self._build(key)
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[id(key)] = (key, answer)
        return answer

    def __len__(self) -> int:
        return len(self._entries)
