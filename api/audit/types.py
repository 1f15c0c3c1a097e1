"""auditLog's Relay connection: events newest first, behind opaque cursors."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from api import pagination
from api.pagination import PageInfo
from domain.audit import AuditEntry

LIST_NAME = "auditLog"


@strawberry.type(description="One recorded change: who, what, when, and how it ended.")
class AuditEvent:
    id: strawberry.ID
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
            id=strawberry.ID(entry.id),
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
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo


def encode_cursor(entry: AuditEntry) -> str:
    return pagination.encode_timed_cursor(LIST_NAME, entry.at, entry.id)


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """Raises a BAD_USER_INPUT error for anything encode_cursor did not make."""
    return pagination.decode_timed_cursor(cursor, LIST_NAME)
