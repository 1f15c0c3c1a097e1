"""Ticket look-up by the id its helpdesk gave it."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.permissions import requires
from api.tickets.types import Ticket
from domain.auth import Scope


@strawberry.type
class TicketQuery:
    @strawberry.field(extensions=requires(Scope.READ))
    async def ticket(
        self, info: Info, external_id: str, source: str | None = None
    ) -> Ticket | None:
        view = await info.context.read(lambda r: r.ticket(external_id, source))
        return Ticket.of(view) if view else None
