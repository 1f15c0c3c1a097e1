"""Canonical events (SPEC §3): the one vocabulary every source adapter maps to.

`parse_event` turns a JSON object into a typed event or raises `EventError` (read with
domain/event_fields.py) with a message fit for an HTTP 422 body. Events are immutable and
carry only plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from domain.event_fields import EventError, EventFields


class AuthorType(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    BOT = "bot"
    SYSTEM = "system"


class Status(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def is_solved(self) -> bool:
        return self in (Status.SOLVED, Status.CLOSED)


class Priority(StrEnum):
    """A ticket's priority (SPEC §8); adapters map their vendor's scale onto these four."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class RatingKind(StrEnum):
    CSAT = "csat"
    CES = "ces"
    NPS = "nps"


@dataclass(frozen=True, slots=True)
class TicketCreated:
    id: str
    occurred_at: datetime
    ticket_id: str
    channel: str
    requester_id: str | None
    team_id: str | None = None
    assignee_id: str | None = None
    priority: Priority | None = None
    type = "ticket.created"


@dataclass(frozen=True, slots=True)
class TicketUpdated:
    """The ticket's channel and/or priority change from `occurred_at` on (SPEC §8); a
    field left out (None) keeps its value. At least one of them is set."""

    id: str
    occurred_at: datetime
    ticket_id: str
    channel: str | None = None
    priority: Priority | None = None
    type = "ticket.updated"


@dataclass(frozen=True, slots=True)
class TicketMessage:
    id: str
    occurred_at: datetime
    ticket_id: str
    message_id: str
    author_type: AuthorType
    author_id: str | None
    public: bool
    type = "ticket.message"


@dataclass(frozen=True, slots=True)
class TicketAssigned:
    id: str
    occurred_at: datetime
    ticket_id: str
    assignee_id: str | None
    team_id: str | None = None
    type = "ticket.assigned"


@dataclass(frozen=True, slots=True)
class TicketStatusChanged:
    id: str
    occurred_at: datetime
    ticket_id: str
    status: Status
    type = "ticket.status_changed"


@dataclass(frozen=True, slots=True)
class TicketRated:
    id: str
    occurred_at: datetime
    ticket_id: str
    kind: RatingKind
    score: float
    scale_max: float
    comment: str | None = None
    type = "ticket.rated"


@dataclass(frozen=True, slots=True)
class TicketHandled:
    id: str
    occurred_at: datetime
    ticket_id: str
    agent_id: str
    seconds: float
    type = "ticket.handled"


@dataclass(frozen=True, slots=True)
class AgentUpserted:
    id: str
    occurred_at: datetime
    agent_id: str
    name: str
    email: str | None = None
    team_id: str | None = None
    type = "agent.upserted"


@dataclass(frozen=True, slots=True)
class AgentActivity:
    id: str
    occurred_at: datetime
    agent_id: str
    started_at: datetime
    ended_at: datetime
    type = "agent.activity"


TicketEvent = (
    TicketCreated
    | TicketUpdated
    | TicketMessage
    | TicketAssigned
    | TicketStatusChanged
    | TicketRated
    | TicketHandled
)
AgentEvent = AgentUpserted | AgentActivity
CanonicalEvent = TicketEvent | AgentEvent

EVENT_TYPES: tuple[str, ...] = (
    "ticket.created",
    "ticket.updated",
    "ticket.message",
    "ticket.assigned",
    "ticket.status_changed",
    "ticket.rated",
    "ticket.handled",
    "agent.upserted",
    "agent.activity",
)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_event(raw: Any, *, where: str = "event") -> CanonicalEvent:
    """Validate one canonical event object (SPEC §3)."""
    if not isinstance(raw, Mapping):
        raise EventError(f"{where}: an event must be a JSON object")
    f = EventFields(raw, where)
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        raise EventError(
            f"{where}: unknown event type {kind!r}; expected one of {', '.join(EVENT_TYPES)}"
        )
    f.where = f"{where} ({kind})"
    ident, at = f.text("id"), f.time("occurred_at")
    match kind:
        case "ticket.created" | "ticket.updated":
            return _parse_stratum_event(f, kind, ident, at)
        case "ticket.message":
            return TicketMessage(
                id=ident,
                occurred_at=at,
                ticket_id=f.text("ticket_id"),
                message_id=f.text("message_id"),
                author_type=f.choice("author_type", AuthorType),
                author_id=f.opt_text("author_id"),
                public=f.boolean("public"),
            )
        case "ticket.assigned":
            return TicketAssigned(
                id=ident,
                occurred_at=at,
                ticket_id=f.text("ticket_id"),
                assignee_id=f.opt_text("assignee_id"),
                team_id=f.opt_text("team_id"),
            )
        case "ticket.status_changed":
            return TicketStatusChanged(
                id=ident,
                occurred_at=at,
                ticket_id=f.text("ticket_id"),
                status=f.choice("status", Status),
            )
        case "ticket.rated":
            return _parse_rating(f, ident, at)
        case "ticket.handled":
            seconds = f.number("seconds")
            if seconds < 0:
                raise f._fail("'seconds' must not be negative")
            return TicketHandled(
                id=ident,
                occurred_at=at,
                ticket_id=f.text("ticket_id"),
                agent_id=f.text("agent_id"),
                seconds=seconds,
            )
        case "agent.upserted":
            return AgentUpserted(
                id=ident,
                occurred_at=at,
                agent_id=f.text("agent_id"),
                name=f.text("name"),
                email=f.opt_text("email"),
                team_id=f.opt_text("team_id"),
            )
        case _:  # agent.activity
            started, ended = f.time("started_at"), f.time("ended_at")
            if ended < started:
                raise f._fail("'ended_at' is before 'started_at'")
            return AgentActivity(
                id=ident,
                occurred_at=at,
                agent_id=f.text("agent_id"),
                started_at=started,
                ended_at=ended,
            )


def _parse_stratum_event(
    f: EventFields, kind: str, ident: str, at: datetime
) -> TicketCreated | TicketUpdated:
    """The events that state a ticket's channel and priority."""
    if kind == "ticket.created":
        return TicketCreated(
            id=ident,
            occurred_at=at,
            ticket_id=f.text("ticket_id"),
            channel=f.text("channel"),
            requester_id=f.opt_text("requester_id"),
            team_id=f.opt_text("team_id"),
            assignee_id=f.opt_text("assignee_id"),
            priority=f.opt_choice("priority", Priority),
        )
    update = TicketUpdated(
        id=ident,
        occurred_at=at,
        ticket_id=f.text("ticket_id"),
        channel=f.opt_text("channel"),
        priority=f.opt_choice("priority", Priority),
    )
    if update.channel is None and update.priority is None:
        raise f._fail("'channel' or 'priority' is required (what the update changes)")
    return update


def _parse_rating(f: EventFields, ident: str, at: datetime) -> TicketRated:
    score, scale_max = f.number("score"), f.number("scale_max")
    if scale_max <= 0:
        raise f._fail("'scale_max' must be positive")
    if not 0 <= score <= scale_max:
        raise f._fail("'score' must lie between 0 and 'scale_max'")
    return TicketRated(
        id=ident,
        occurred_at=at,
        ticket_id=f.text("ticket_id"),
        kind=f.choice("kind", RatingKind),
        score=score,
        scale_max=scale_max,
        comment=f.opt_text("comment"),
    )


def parse_batch(document: Any) -> list[CanonicalEvent]:
    """One event object or `{"events": [...]}` (SPEC §3)."""
    if isinstance(document, Mapping) and "events" in document and "type" not in document:
        items = document["events"]
        if not isinstance(items, list):
            raise EventError("'events' must be a list")
        if not items:
            raise EventError("'events' is empty")
        return [parse_event(item, where=f"events[{i}]") for i, item in enumerate(items)]
    return [parse_event(document)]


def to_json(event: CanonicalEvent) -> dict[str, Any]:
    """The canonical JSON object of an event (inverse of `parse_event`)."""
    out: dict[str, Any] = {"type": event.type}
    for name in event.__dataclass_fields__:
        value = getattr(event, name)
        if isinstance(value, datetime):
            value = format_time(value)
        elif isinstance(value, StrEnum):
            value = value.value
        out[name] = value
    return out


def stream_of(event: CanonicalEvent) -> str:
    """The stream an event is folded with: its ticket, or an agent's profile/activity."""
    if isinstance(event, AgentUpserted):
        return f"agent:{event.agent_id}"
    if isinstance(event, AgentActivity):
        return f"activity:{event.agent_id}"
    return event.ticket_id
