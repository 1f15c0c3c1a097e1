"""scoresUpdated (SPEC §6): a message per subject-period whose score the engine committed.

Over graphql-transport-ws at /graphql, authenticated in `connection_init`
(api/graphql_endpoint.py). A subscriber only ever hears of its token's tenant: it
subscribes to that tenant's updates in the process's hub (infra/live/hub.py). A subscriber
that falls behind gets an error with code SUBSCRIBER_TOO_SLOW and its socket is closed
(api/graphql_ws.py); it should read the scores again and resubscribe.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry
from graphql import GraphQLError

from api.context import Info
from api.models.types import LevelEnum
from api.permissions import requires
from api.scores.types import GrainEnum
from domain.auth import Scope
from domain.periods import Grain
from domain.ports import ScoreKey
from infra.bootstrap import FellBehindError

TOO_SLOW = "SUBSCRIBER_TOO_SLOW"


@strawberry.type
class ScoreSubject:
    kind: LevelEnum  # type: ignore[valid-type]
    id: strawberry.ID = strawberry.field(description="The agent's, team's or tenant's id")


@strawberry.type
class ScoresUpdate:
    subject: ScoreSubject
    grain: GrainEnum  # type: ignore[valid-type]
    period_start: date

    @classmethod
    def of(cls, key: ScoreKey) -> ScoresUpdate:
        subject = ScoreSubject(kind=key.level, id=strawberry.ID(key.subject_id))
        return cls(subject=subject, grain=key.period.grain, period_start=key.period.start)


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        extensions=requires(Scope.READ),
        description="One message per subject and period (of `grain`, or every grain) whose "
        "score was just committed for the token's tenant: read it with agentScores, "
        "teamScores, tenantMetrics or scoreHistory. Best effort: a message may be lost "
        "(Redis unavailable); the scores never are. A subscriber that falls behind gets an "
        f"error with code {TOO_SLOW} and its connection is closed.",
    )
    async def scores_updated(
        self,
        info: Info,
        grain: GrainEnum | None = None,  # type: ignore[valid-type]
    ) -> AsyncGenerator[ScoresUpdate, None]:
        context = info.context
        wanted = None if grain is None else Grain(grain)
        hub = context.container.live
        async with hub.subscribe(context.principal.tenant_id, grain=wanted) as updates:
            try:
                async for key in updates:
                    yield ScoresUpdate.of(key)
            except FellBehindError as exc:
                context.fell_behind = True
                raise GraphQLError(str(exc), extensions={"code": TOO_SLOW}) from exc
