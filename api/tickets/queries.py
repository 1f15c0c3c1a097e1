"""Tickets: one by the id its helpdesk gave it, or a filtered, paged list."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.context import Info
from api.pagination import MAX_FIRST, PageInfo, page_size
from api.permissions import requires
from api.tickets.connection import (
    TicketConnection,
    TicketEdge,
    TicketFilterInput,
    decode_cursor,
    encode_cursor,
)
from api.tickets.types import Ticket
from domain.auth import Scope
from domain.views import TicketFilter

DEFAULT_FIRST = 50


@strawberry.type
class TicketQuery:
    @strawberry.field(extensions=requires(Scope.READ))
    async def ticket(
        self,
        info: Info,
        external_id: str,
        # Named `source` in GraphQL only: permission extensions take `source` positionally.
        source_system: Annotated[str | None, strawberry.argument(name="source")] = None,
    ) -> Ticket | None:
        view = await info.context.read(lambda r: r.ticket(external_id, source_system))
        return Ticket.of(view) if view else None

    @strawberry.field(
        extensions=requires(Scope.READ),
        description="Tickets for a drill-down, newest created first (tickets whose creation "
        "has not arrived yet last), then by source and external id; `first` at most "
        f"{MAX_FIRST}, `after` an endCursor.",
    )
    async def tickets(
        self,
        info: Info,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
        filter: TicketFilterInput | None = None,  # the name SPEC §6 gives
    ) -> TicketConnection:
        first = page_size(first, DEFAULT_FIRST)
        position = decode_cursor(after) if after is not None else None
        wanted = filter.to_filter() if filter else TicketFilter()
        # One more than asked tells whether another page follows.
        found = await info.context.read(
            lambda r: r.tickets.page(wanted, first=first + 1, after=position)
        )
        edges = [TicketEdge(cursor=encode_cursor(v), node=Ticket.of(v)) for v in found[:first]]
        return TicketConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > first,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            wanted=wanted,
        )
