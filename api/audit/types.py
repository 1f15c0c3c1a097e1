"""auditLog's Relay connection: events newest first, behind opaque cursors."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from domain.audit import AuditEntry


@strawberry.type(description="One recorded change: who, what, when, and how it ended.")
class AuditEvent:
    at: datetime
    client_id: str = strawberry.field(
        description="The API client that called (empty for operator CLI commands)"
    )
    actor: str = strawberry.field(
        description="The Fairscore-Actor header the caller sent (empty without one); `cli` "
        "for operator commands"
    )
    action: str = strawberry.field(description="The mutation or CLI command")
    outcome: str = strawberry.field(
        description="`ok`, the typed error's name (e.g. ValidationError), or `error:<code>`"
    )
    details: JSON = strawberry.field(
        description="Arguments with secrets redacted; for settings changes the changed "
        "keys `before` and `after`"
    )

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEvent:
        return cls(
            at=entry.at,
            client_id=entry.client_id,
            actor=entry.actor,
            action=entry.action,
            outcome=entry.outcome,
            details=JSON(dict(entry.details)),
        )


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo


def encode_cursor(entry: AuditEntry) -> str:
    raw = f"{entry.at.isoformat()}|{entry.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """Raises ValueError for anything encode_cursor did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, event_id = raw.partition("|")
        moment = datetime.fromisoformat(at)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor from auditLog") from None
    if not event_id or moment.tzinfo is None:
        raise ValueError("not a cursor from auditLog")
    return moment, event_id
