"""The root GraphQL schema, composed from the per-domain query and mutation types.

Each domain package (`api/<domain>/queries.py`, `mutations.py`) contributes one class;
add it to QUERIES, MUTATIONS or SUBSCRIPTIONS below.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.tools import merge_types
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api.audit.queries import AuditQuery
from api.careers.mutations import CareersMutation
from api.careers.queries import CareersQuery
from api.clients.mutations import ClientsMutation
from api.clients.queries import ClientsQuery
from api.engagement.mutations import EngagementMutation
from api.engagement.queries import EngagementQuery
from api.error_logging import ErrorLoggingSchema
from api.goals.mutations import GoalsMutation
from api.goals.queries import GoalsQuery
from api.graphql_cost import QueryCostLimiter
from api.graphql_leaves import PlainObjectsExecutionContext
from api.graphql_shape import DocumentShapeLimiter, ShapeLimits
from api.graphql_validated import SkipRevalidation, ValidatedDocuments
from api.integrations.mutations import IntegrationsMutation
from api.integrations.queries import IntegrationsQuery
from api.live import LiveSubscription
from api.models.mutations import ModelsMutation
from api.models.queries import ModelsQuery
from api.one_on_ones.mutations import OneOnOnesMutation
from api.one_on_ones.queries import OneOnOnesQuery
from api.people.erasure import ErasureMutation
from api.people.mutations import PeopleMutation
from api.people.queries import PeopleQuery
from api.people.team_mutations import TeamsMutation
from api.performance_reviews.mutations import PerformanceReviewsMutation
from api.performance_reviews.queries import PerformanceReviewsQuery
from api.quality.mutations import QualityMutation
from api.quality.profile import ProfileQuery
from api.quality.queries import QualityQuery
from api.scores.history import HistoryQuery
from api.scores.mutations import ScoresMutation
from api.scores.queries import ScoresQuery
from api.settings.mutations import SettingsMutation
from api.settings.queries import SettingsQuery
from api.settings.tenant import TenantMutation
from api.tickets.queries import TicketQuery

QUERIES: tuple[type, ...] = (
    ScoresQuery,
    HistoryQuery,
    PeopleQuery,
    TicketQuery,
    SettingsQuery,
    ModelsQuery,
    IntegrationsQuery,
    ClientsQuery,
    QualityQuery,
    ProfileQuery,
    EngagementQuery,
    AuditQuery,
    CareersQuery,
    OneOnOnesQuery,
    GoalsQuery,
    PerformanceReviewsQuery,
)
MUTATIONS: tuple[type, ...] = (
    ScoresMutation,
    SettingsMutation,
    TenantMutation,
    ModelsMutation,
    IntegrationsMutation,
    ClientsMutation,
    PeopleMutation,
    TeamsMutation,
    QualityMutation,
    EngagementMutation,
    CareersMutation,
    OneOnOnesMutation,
    GoalsMutation,
    ErasureMutation,
    PerformanceReviewsMutation,
)

SUBSCRIPTIONS: tuple[type, ...] = (LiveSubscription,)

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)
Subscription = merge_types("Subscription", SUBSCRIPTIONS)


class FairscoreSchema(ErrorLoggingSchema):
    async def execute(  # noqa: PLR0917 (strawberry's signature)
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """One answer, over HTTP: a subscription runs only over WebSocket (`subscribe`).
        strawberry would execute one sent by POST or GET like a query, and crash on its
        async generator ("Unexpected error."); refused, the view answers 400."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed - {OperationType.SUBSCRIPTION},
            operation_extensions,
        )


# Converting the types takes ~0.05 s of CPU; the same limits give the same schema, which holds no
# state of a request (extensions are made per operation): the suite's ~1,400 apps share it.
@cache
def build_schema(
    *,
    max_depth: int,
    max_aliases: int,
    max_tokens: int,
    max_selections: int,
    max_pairs: int,
    max_cost: int,
) -> strawberry.Schema:
    shape = ShapeLimits(max_selections=max_selections, max_pairs=max_pairs, max_aliases=max_aliases)
    return FairscoreSchema(
        query=Query,
        mutation=Mutation,
        # Plain objects (metric values, components) completed without per-field execution.
        execution_context_class=PlainObjectsExecutionContext,
        subscription=Subscription,
        extensions=[
            # /graphql refuses longer documents before parsing (api/graphql_limits.py);
            # this bounds the parser itself for any other caller.
            partial(MaxTokensLimiter, max_token_count=max_tokens),
            # Before validation, whose cost (and QueryDepthLimiter's) is not linear; it
            # counts aliases too, as strawberry's MaxAliasesLimiter does but in linear time.
            partial(DocumentShapeLimiter, limits=shape),
            partial(QueryDepthLimiter, max_depth=max_depth),
            # A text that passed this schema's validation (its rules, the depth limit among
            # them) passes again: not validated twice (api/graphql_validated.py).
            partial(SkipRevalidation, validated=ValidatedDocuments()),
            # After validation, before execution: what the operation asks of the database.
            partial(QueryCostLimiter, max_cost=max_cost),
            partial(MaskErrors, should_mask_error=_unexpected),
        ],
    )


def _unexpected(error: GraphQLError) -> bool:
    """Mask crashes (they may quote SQL); keep validation and permission messages."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)
