"""Decoding events read back from the event log, which were validated on the way in.

`parse_event` checks every field and explains every problem, which ingest needs; a full
rebuild re-reads millions of already-valid events, so this path only converts types.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.events import (
    AgentActivity,
    AgentUpserted,
    AuthorType,
    CanonicalEvent,
    RatingKind,
    Status,
    TicketAssigned,
    TicketCreated,
    TicketHandled,
    TicketMessage,
    TicketRated,
    TicketStatusChanged,
)

_CLASSES = (
    TicketCreated,
    TicketMessage,
    TicketAssigned,
    TicketStatusChanged,
    TicketRated,
    TicketHandled,
    AgentUpserted,
    AgentActivity,
)
_TIMES = frozenset({"occurred_at", "started_at", "ended_at"})
_ENUMS: dict[str, type[StrEnum]] = {
    "author_type": AuthorType,
    "status": Status,
    "kind": RatingKind,
}
# type → (class, its field names), computed once.
_LAYOUT = {cls.type: (cls, tuple(f.name for f in fields(cls))) for cls in _CLASSES}


def from_stored(payload: dict[str, Any]) -> CanonicalEvent:
    cls, names = _LAYOUT[payload["type"]]
    values: dict[str, Any] = {}
    for name in names:
        value = payload.get(name)
        if value is not None:
            if name in _TIMES:
                value = datetime.fromisoformat(value)  # RFC 3339 with Z (Python ≥ 3.11)
            elif name in _ENUMS:
                value = _ENUMS[name](value)
        values[name] = value
    event: CanonicalEvent = cls(**values)
    return event
