"""oneOnOnes (scope people:read): an agent's one-on-ones, latest first, paged."""

from __future__ import annotations

import strawberry

from api import pagination
from api.context import Info
from api.one_on_ones.types import LIST_NAME, OneOnOne, encode_cursor, one_on_ones
from api.pagination import DEFAULT_FIRST, MAX_FIRST, Connection, InUnitOfWork, page_size
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
    ) -> Connection[OneOnOne]:
        size = page_size(first, DEFAULT_FIRST)
        position = pagination.decode_dated_cursor(after, LIST_NAME) if after is not None else None
        agent = str(agent_id)
        found = await info.context.read_uow(
            lambda uow: one_on_ones(uow).one_on_ones.of_agent(agent, first=size + 1, after=position)
        )
        return pagination.connection(
            found,
            size,
            cursor=encode_cursor,
            node=OneOnOne.of,
            counter=InUnitOfWork(lambda uow: one_on_ones(uow).one_on_ones.count(agent)),
        )
