"""scoresUpdated (SPEC §6): a message per subject-period whose score the engine committed.

Over graphql-transport-ws at /graphql, authenticated in `connection_init`
(api/graphql_endpoint.py). A subscriber only ever hears of its token's tenant: it
subscribes to that tenant's updates in the process's hub (infra/live/hub.py). A subscriber
that falls behind gets an error with code SUBSCRIBER_TOO_SLOW and its socket is closed
(1013); it should read the scores again and resubscribe. A subscription ends when its token
expires or its client is revoked (UNAUTHENTICATED, socket closed with 4403): the client
reconnects with a new token. Revocation is looked up as often as the HTTP path's cache
refreshes (REVOCATION_CACHE_TTL), so it takes effect within that bound here too.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from datetime import date

import strawberry
from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool

from api.context import Info
from api.graphql_ws import FELL_BEHIND_CLOSE, TOKEN_EXPIRED_CLOSE
from api.metrics import LIVE_SUBSCRIBERS
from api.models.types import LevelEnum
from api.permissions import requires
from api.scores.types import GrainEnum
from domain.auth import Scope
from domain.periods import Grain
from domain.snapshots import ScoreKey
from infra.bootstrap import FellBehindError, SQLAlchemyError, Subscription

TOO_SLOW = "SUBSCRIBER_TOO_SLOW"

log = logging.getLogger(__name__)


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
        f"error with code {TOO_SLOW} and its connection is closed; so does one whose token "
        "expires (UNAUTHENTICATED): connect again with a new token.",
    )
    async def scores_updated(
        self,
        info: Info,
        grain: GrainEnum | None = None,  # type: ignore[valid-type]
    ) -> AsyncGenerator[ScoresUpdate, None]:
        context = info.context
        principal = context.principal
        wanted = None if grain is None else Grain(grain)
        hub = context.container.live
        container = context.container

        async def revoked() -> bool:  # a cache miss is a blocking query: off the event loop
            return await run_in_threadpool(
                container.revocations.is_revoked, principal.tenant_id, principal.client_id
            )

        recheck = container.settings.revocation_cache_ttl
        with LIVE_SUBSCRIBERS.track_inprogress():
            async with hub.subscribe(principal.tenant_id, grain=wanted) as updates:
                try:
                    async for key in _until(updates, principal.expires_at, revoked, recheck):
                        yield ScoresUpdate.of(key)
                except FellBehindError as exc:
                    context.close_with = (FELL_BEHIND_CLOSE, "subscriber fell behind; resubscribe")
                    raise GraphQLError(str(exc), extensions={"code": TOO_SLOW}) from exc
                except TokenExpiredError as exc:
                    context.close_with = (TOKEN_EXPIRED_CLOSE, "token expired or revoked")
                    raise GraphQLError(str(exc), extensions={"code": "UNAUTHENTICATED"}) from exc


class TokenExpiredError(Exception):
    pass


async def _until(
    updates: Subscription,
    expires_at: int | None,
    revoked: Callable[[], Awaitable[bool]],
    recheck_seconds: float,
) -> AsyncIterator[ScoreKey]:
    """The updates until the token expires or its client is revoked (then
    TokenExpiredError): a connection is authenticated once, so its token is re-checked here,
    first when the subscription starts (the socket may be older than a revocation)."""
    checked = -math.inf
    while True:
        left = None if expires_at is None else expires_at - time.time()
        if left is not None and left <= 0:
            raise TokenExpiredError("the token expired; connect again with a new one")
        if time.monotonic() - checked >= recheck_seconds:
            try:
                if await revoked():
                    raise TokenExpiredError("the token's client was revoked")
            except SQLAlchemyError:  # verified before: keep serving, check again next time
                log.warning("live updates: revocation not checked (database)", exc_info=True)
            checked = time.monotonic()
        wait = recheck_seconds if left is None else min(left, recheck_seconds)
        try:
            yield await asyncio.wait_for(anext(updates), wait)
        except TimeoutError:
            continue
