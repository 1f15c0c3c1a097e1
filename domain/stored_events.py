"""Decoding events read back from the event log, which were validated on the way in.

`parse_event` checks every field and explains every problem, which ingest needs; a full
rebuild re-reads millions of already-valid events, so this path only converts types, to
the same types `parse_event` gives (aware datetimes, enum members, floats).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.events import (
    AgentActivity,
    AgentUpserted,
    AuthorType,
    CanonicalEvent,
    Priority,
    RatingKind,
    Status,
    TicketAssigned,
    TicketCreated,
    TicketHandled,
    TicketMessage,
    TicketRated,
    TicketStatusChanged,
    TicketUpdated,
)

_CLASSES = (
    TicketCreated,
    TicketUpdated,
    TicketMessage,
    TicketAssigned,
    TicketStatusChanged,
    TicketRated,
    TicketHandled,
    AgentUpserted,
    AgentActivity,
)
Convert = Callable[[Any], Any]


def _members(enum: type[StrEnum]) -> Convert:
    return {member.value: member for member in enum}.__getitem__  # a dict, not Enum.__call__


_CONVERT: dict[str, Convert] = {
    "occurred_at": datetime.fromisoformat,  # RFC 3339 with Z (Python ≥ 3.11)
    "started_at": datetime.fromisoformat,
    "ended_at": datetime.fromisoformat,
    "author_type": _members(AuthorType),
    "status": _members(Status),
    "kind": _members(RatingKind),
    "priority": _members(Priority),
    "score": float,  # JSON may hold 5 for 5.0; parse_event's numbers are floats
    "scale_max": float,
    "seconds": float,
}
# type → (class, its fields in order with their conversions), computed once.
_LAYOUT: dict[str, tuple[type, tuple[tuple[str, Convert | None], ...]]] = {
    cls.type: (cls, tuple((f.name, _CONVERT.get(f.name)) for f in fields(cls))) for cls in _CLASSES
}


def from_stored(payload: dict[str, Any]) -> CanonicalEvent:
    cls, layout = _LAYOUT[payload["type"]]
    values = []
    for name, convert in layout:
        value = payload.get(name)
        if convert is not None and value is not None:
            value = convert(value)
        values.append(value)
    event: CanonicalEvent = cls(*values)
    return event
