"""Ticket look-up by the id its helpdesk gave it."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.context import Info
from api.permissions import requires
from api.tickets.types import Ticket
from domain.auth import Scope


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
