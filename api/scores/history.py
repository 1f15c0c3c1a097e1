"""scoreHistory (SPEC §6): one subject's scores and metrics over a range of periods."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError

from api.context import Info
from api.models.types import LevelEnum
from api.permissions import requires
from api.scores.types import GrainEnum, Scored, empty_values, scored_fields
from domain.auth import Scope
from domain.history import (
    MAX_PERIODS,
    HistoryError,
    HistoryPoint,
    checked_metrics,
    history_periods,
    score_history,
)
from domain.metrics import Level
from domain.periods import Grain


@strawberry.input
class SubjectInput:
    kind: LevelEnum  # type: ignore[valid-type]
    id: strawberry.ID | None = strawberry.field(
        default=None, description="The agent's or team's id; must be left out for TENANT"
    )


@strawberry.type
class ScorePoint(Scored):
    period_start: date


def _subject_id(subject: SubjectInput, tenant_id: str) -> str:
    if subject.kind is Level.TENANT:
        if subject.id is not None:
            raise HistoryError(
                "a TENANT subject takes no id (it is the token's tenant)", "subject.id"
            )
        return tenant_id
    if not subject.id:
        raise HistoryError(f"a {subject.kind.value} subject needs an id", "subject.id")
    return str(subject.id)


def _point(level: Level, point: HistoryPoint, keys: frozenset[str] | None) -> ScorePoint:
    # The same reading of a snapshot as agentScores/teamScores/tenantMetrics.
    fields = scored_fields(point.period, point.snapshot, empty_values(level))
    if keys is not None:
        fields["values"] = {k: v for k, v in fields["values"].items() if k[0] in keys}  # type: ignore[attr-defined]
    return ScorePoint(period_start=point.period.start, **fields)  # type: ignore[arg-type]


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        extensions=requires(Scope.READ),
        description="A trend: one point per period of `grain`, oldest first, from the period "
        f"containing `from` to the one containing `to` (at most {MAX_PERIODS}), for an agent, "
        "a team or the tenant. A period with nothing stored has a null total, null metrics and "
        "counts of 0, as agentScores/teamScores/tenantMetrics answer for it. `metrics` "
        "narrows the metric keys (null: all of the level's). Null when the tenant has no "
        "such agent or team; bad input is an error with code BAD_USER_INPUT and the "
        "`field` at fault in its extensions.",
    )
    async def score_history(
        self,
        info: Info,
        *,
        subject: SubjectInput,
        grain: GrainEnum,  # type: ignore[valid-type]
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        metrics: list[str] | None = None,
    ) -> list[ScorePoint] | None:
        level = Level(subject.kind)
        try:
            subject_id = _subject_id(subject, info.context.principal.tenant_id)
            periods = history_periods(Grain(grain), from_, to)
            keys = checked_metrics(level, metrics)
        except HistoryError as exc:
            # A read query: bad input is a GraphQL error (error unions are for mutations).
            raise GraphQLError(
                str(exc), extensions={"code": "BAD_USER_INPUT", "field": exc.field}
            ) from exc
        points = await info.context.read(
            lambda r: score_history(r, level=level, subject_id=subject_id, periods=periods)
        )
        if points is None:  # unknown, or another tenant's: the same null
            return None
        return [_point(level, p, keys) for p in points]
