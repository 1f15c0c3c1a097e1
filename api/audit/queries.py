"""auditLog (admin scope): the tenant's recorded changes, newest first."""

from __future__ import annotations

import strawberry

from api.audit.types import (
    AuditEvent,
    AuditEventConnection,
    AuditEventEdge,
    decode_cursor,
    encode_cursor,
)
from api.context import Info
from api.pagination import MAX_FIRST, PageInfo, page_size
from api.permissions import requires
from domain.auth import Scope

DEFAULT_FIRST = 50


@strawberry.type
class AuditQuery:
    @strawberry.field(
        extensions=requires(Scope.ADMIN),
        description="Admin mutations, client and integration changes and credential "
        f"rotations, newest first; `first` at most {MAX_FIRST}, `after` an endCursor.",
    )
    async def audit_log(
        self, info: Info, first: int | None = DEFAULT_FIRST, after: str | None = None
    ) -> AuditEventConnection:
        first = page_size(first, DEFAULT_FIRST)
        position = decode_cursor(after) if after is not None else None
        # One more than asked tells whether another page follows.
        found = await info.context.read_uow(
            lambda uow: uow.audit.page(first=first + 1, after=position)
        )
        page = list(found[:first])
        edges = [AuditEventEdge(cursor=encode_cursor(e), node=AuditEvent.of(e)) for e in page]
        return AuditEventConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > first,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
