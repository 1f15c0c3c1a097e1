"""auditLog (admin scope): the tenant's recorded changes, newest first."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from api.audit.types import (
    AuditEvent,
    AuditEventConnection,
    AuditEventEdge,
    PageInfo,
    decode_cursor,
    encode_cursor,
)
from api.context import Info
from api.permissions import requires
from domain.auth import Scope

DEFAULT_FIRST = 50
MAX_FIRST = 500


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
        first = DEFAULT_FIRST if first is None else first
        if not 1 <= first <= MAX_FIRST:
            raise _bad_input(f"first must be between 1 and {MAX_FIRST}, got {first}", "first")
        try:
            position = decode_cursor(after) if after is not None else None
        except ValueError as exc:
            raise _bad_input(str(exc), "after") from None
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


def _bad_input(message: str, field: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "field": field})
