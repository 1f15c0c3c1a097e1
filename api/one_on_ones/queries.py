"""oneOnOnes (scope people:read): an agent's one-on-ones, latest first, paged."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.one_on_ones.types import OneOnOneConnection, connection, decode_cursor, one_on_ones
from api.pagination import DEFAULT_FIRST, MAX_FIRST, page_size
from api.permissions import requires
from domain.auth import Scope


@strawberry.type
class OneOnOnesQuery:
    @strawberry.field(
        extensions=requires(Scope.PEOPLE_READ),
        description=f"The agent's one-on-ones, latest day first; `first` at most {MAX_FIRST}, "
        "`after` an endCursor (none for an unknown agent).",
    )
    async def one_on_ones(
        self,
        info: Info,
        agent_id: strawberry.ID,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> OneOnOneConnection:
        size = page_size(first, DEFAULT_FIRST)
        position = decode_cursor(after) if after is not None else None
        agent = str(agent_id)
        found = await info.context.read_uow(
            lambda uow: one_on_ones(uow).one_on_ones.of_agent(agent, first=size + 1, after=position)
        )
        return connection(found, size, agent)
