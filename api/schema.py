"""The root GraphQL schema, composed from the per-domain query types."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from api.people.queries import PeopleQuery
from api.scores.queries import ScoresQuery
from api.tickets.queries import TicketQuery


@strawberry.type
class Query(ScoresQuery, PeopleQuery, TicketQuery):
    pass


def build_schema(*, max_depth: int, max_aliases: int) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[
            partial(QueryDepthLimiter, max_depth=max_depth),
            partial(MaxAliasesLimiter, max_alias_count=max_aliases),
        ],
    )
