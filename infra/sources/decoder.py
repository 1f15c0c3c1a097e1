"""Decode a stored delivery with its source's adapter (used by the processing job)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.event_fields import EventError
from domain.events import CanonicalEvent, parse_event
from domain.intake_ports import Decoding, PendingDelivery
from domain.json_nesting import DEFAULT_MAX_DEPTH, JsonInputError, loads
from infra.sources.base import InboundRequest, PayloadError, SourceAdapter


def decode_events(adapter: SourceAdapter, request: InboundRequest, payload: Any) -> Decoding:
    """The body, parsed (`payload`) → canonical events, or the reason there are none.
    Pure and repeatable."""
    try:
        decoded = adapter.decode(request, payload)
        events: list[CanonicalEvent] = [
            parse_event(raw, where=f"{adapter.source} event {i}")
            for i, raw in enumerate(decoded.events)
        ]
    except (PayloadError, EventError) as exc:
        return Decoding(failed=str(exc))
    if decoded.ignored and not events:
        return Decoding(ignored=decoded.ignored)
    return Decoding(events=events)


def decode_body(adapter: SourceAdapter, request: InboundRequest, *, max_depth: int) -> Decoding:
    """A stored body → canonical events, or the reason there are none."""
    try:
        payload = loads(request.body, max_depth=max_depth)
    except JsonInputError as exc:
        return Decoding(failed=str(exc))
    return decode_events(adapter, request, payload)


class AdapterDecoder:
    def __init__(
        self, adapters: Mapping[str, SourceAdapter], *, json_max_depth: int = DEFAULT_MAX_DEPTH
    ) -> None:
        self.adapters = adapters
        self.json_max_depth = json_max_depth

    def decode(self, delivery: PendingDelivery) -> Decoding:
        adapter = self.adapters.get(delivery.source)
        if adapter is None:
            return Decoding(failed=f"no adapter for source {delivery.source!r}")
        request = InboundRequest(dict(delivery.headers), delivery.body, delivery.received_at)
        return decode_body(adapter, request, max_depth=self.json_max_depth)
