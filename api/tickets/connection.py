"""The tickets connection: its filter input, edges, cursors and total."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api import pagination
from api.context import Info
from api.pagination import PageInfo
from api.scores.types import PeriodInput, read_period
from api.tickets.types import Ticket
from domain.events import Status
from domain.views import TicketFilter, TicketPosition, TicketView

LIST_NAME = "tickets"
TicketStatusEnum = strawberry.enum(Status, name="TicketStatus")


@strawberry.input(
    name="TicketFilter", description="Tickets matching every given filter (omitted: any)"
)
class TicketFilterInput:
    team_id: strawberry.ID | None = None
    agent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The assigned agent"
    )
    status: list[TicketStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses"
    )
    channel: str | None = None
    created: PeriodInput | None = strawberry.field(
        default=None, description="Created in this period (the tenant's local time)"
    )
    solved: PeriodInput | None = strawberry.field(
        default=None, description="First solved in this period (the tenant's local time)"
    )

    def to_filter(self) -> TicketFilter:
        return TicketFilter(
            team_id=self.team_id,
            agent_id=self.agent_id,
            statuses=frozenset(Status(s).value for s in self.status or ()),
            channel=self.channel,
            created=read_period(self.created) if self.created else None,
            solved=read_period(self.solved) if self.solved else None,
        )


@strawberry.type
class TicketEdge:
    cursor: str
    node: Ticket


@strawberry.type
class TicketConnection:
    edges: list[TicketEdge]
    page_info: PageInfo
    wanted: strawberry.Private[TicketFilter]

    @strawberry.field(description="Tickets matching the filter, on every page (one count)")
    async def total_count(self, info: Info) -> int:
        wanted = self.wanted
        return await info.context.read(lambda reads: reads.tickets.count(wanted))


def encode_cursor(view: TicketView) -> str:
    at = view.created_at.isoformat() if view.created_at else ""
    return pagination.encode_cursor(LIST_NAME, at, view.source, view.external_id)


def decode_cursor(cursor: str) -> TicketPosition:
    """Raises a BAD_USER_INPUT error for anything encode_cursor did not make."""
    at, source, external_id = pagination.decode_cursor(cursor, LIST_NAME, 3)
    try:
        moment = datetime.fromisoformat(at) if at else None
    except ValueError:
        raise pagination.bad_input(f"not a cursor from {LIST_NAME}", "after") from None
    if (moment is not None and moment.tzinfo is None) or not source or not external_id:
        raise pagination.bad_input(f"not a cursor from {LIST_NAME}", "after")
    return TicketPosition(moment, source, external_id)
