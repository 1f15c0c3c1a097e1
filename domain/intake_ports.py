"""Ports of the way in: stored webhook deliveries, their decoding into canonical events,
and the event log that keeps each event once (see domain/ports.py for the rest).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.events import CanonicalEvent
from domain.integrations import DeliveryAdmin


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    id: str
    source: str
    headers: Mapping[str, str]
    body: bytes
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Decoding:
    """What a stored delivery means: events, or why it has none."""

    events: Sequence[CanonicalEvent] = ()
    ignored: str | None = None  # acknowledged, nothing to do (an unused event type)
    failed: str | None = None  # cannot be understood; kept for an admin to replay


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a delivery was finished (`Deliveries.finish_all`)."""

    delivery_id: str
    status: str
    reason: str | None = None
    event_count: int = 0


class DeliveryDecoder(Protocol):
    def decode(self, delivery: PendingDelivery) -> Decoding: ...


class Deliveries(DeliveryAdmin, Protocol):
    def pending(self, limit: int) -> Sequence[PendingDelivery]: ...

    def finish(
        self, delivery_id: str, *, status: str, reason: str | None = None, event_count: int = 0
    ) -> None: ...

    def finish_all(self, outcomes: Sequence[Outcome]) -> None:
        """`finish` for a batch, in one statement (a delivery per webhook makes batches of
        many small rows: a round trip each was most of the worker's intake time)."""
        ...


class EventLog(Protocol):
    def add(self, source: str, events: Sequence[CanonicalEvent]) -> list[CanonicalEvent]:
        """Store events not seen before (by source and id); return only those."""
        ...

    def history(self, source: str, streams: Collection[str]) -> dict[str, list[CanonicalEvent]]:
        """Every stored event of the given streams (see `domain.events.stream_of`)."""
        ...

    def streams(self, since: datetime | None, *, prefix: str = "") -> list[tuple[str, str]]:
        """(source, stream) of every stream (named `prefix`…) with an event at or after
        `since`."""
        ...
