"""GraphQL types for metric values and weighted scores."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import strawberry
from graphql import GraphQLError

from api.people.types import Agent, Team
from domain import metrics as m
from domain.guardrails import GUARDRAILS
from domain.metrics import Basis, Direction, Statistic
from domain.periods import Grain, Period, PeriodRangeError, normalise
from domain.ports import Snapshot
from domain.scoring import ComponentScore, ComponentStatus, ScoreBreakdown
from domain.values import MetricSet, MetricValue

GrainEnum = strawberry.enum(Grain, name="Grain")
BasisEnum = strawberry.enum(Basis, name="Basis")
StatisticEnum = strawberry.enum(Statistic, name="Statistic")
DirectionEnum = strawberry.enum(Direction, name="Direction")
StatusEnum = strawberry.enum(ComponentStatus, name="ComponentStatus")


@strawberry.input
class PeriodInput:
    grain: GrainEnum  # type: ignore[valid-type]
    start: date = strawberry.field(description="Any day of the period; its start is used")


def read_period(period: PeriodInput) -> Period:
    """The period a read query asks for; one past the last date is a GraphQL error with
    code BAD_USER_INPUT (a read query: error unions are for mutations)."""
    try:
        return normalise(period.grain, period.start)
    except PeriodRangeError as exc:
        raise GraphQLError(
            str(exc), extensions={"code": "BAD_USER_INPUT", "field": "period"}
        ) from exc


@strawberry.type(name="Period")
class PeriodType:
    grain: GrainEnum  # type: ignore[valid-type]
    start: date
    end: date = strawberry.field(description="The first day after the period")

    @classmethod
    def of(cls, period: Period) -> PeriodType:
        return cls(grain=period.grain, start=period.start, end=period.end)


@strawberry.type(name="MetricValue")
class MetricValueType:
    key: str
    label: str
    unit: str
    basis: BasisEnum  # type: ignore[valid-type]
    value: float | None = strawberry.field(
        description="The default statistic: median for durations (seconds), else the value"
    )
    sample_size: int = strawberry.field(
        description="Observations behind the value (a rate's denominator)"
    )
    mean: float | None
    median: float | None
    p90: float | None
    positives: float | None
    ci_low: float | None = strawberry.field(description="95% Wilson interval (rates)")
    ci_high: float | None

    @classmethod
    def of(cls, v: MetricValue) -> MetricValueType:
        d = m.get(v.key)
        low, high = v.interval if v.interval else (None, None)
        return cls(
            key=v.key,
            label=d.label,
            unit=d.unit,
            basis=v.basis,
            value=v.value,
            sample_size=v.sample_size,
            mean=v.mean,
            median=v.median,
            p90=v.p90,
            positives=v.positives,
            ci_low=low,
            ci_high=high,
        )


@strawberry.type(name="MetricDefinition")
class MetricDefinitionType:
    key: str
    label: str
    unit: str
    kind: str
    direction: DirectionEnum  # type: ignore[valid-type]
    levels: list[str]
    statistics: list[StatisticEnum]  # type: ignore[valid-type]
    default_statistic: StatisticEnum  # type: ignore[valid-type]
    bases: list[BasisEnum]  # type: ignore[valid-type]
    cohort: str = strawberry.field(description="Which event's time puts a value in a period")
    attribution: str = strawberry.field(description="Who a value is attributed to")
    description: str

    @classmethod
    def of(cls, d: m.MetricDef) -> MetricDefinitionType:
        return cls(
            key=d.key,
            label=d.label,
            unit=d.unit,
            kind=d.kind.value,
            direction=d.direction,
            levels=[level.value for level in d.levels],
            statistics=list(d.statistics()),
            default_statistic=d.default_statistic,
            bases=[Basis.CALENDAR, Basis.BUSINESS] if d.is_duration else [Basis.CALENDAR],
            cohort=d.cohort,
            attribution=d.attribution,
            description=d.description,
        )


@strawberry.type(name="ComponentScore")
class ComponentScoreType:
    metric: str
    statistic: StatisticEnum  # type: ignore[valid-type]
    basis: BasisEnum  # type: ignore[valid-type]
    direction: DirectionEnum  # type: ignore[valid-type]
    weight: float
    target: float
    cap: float
    min_sample: int
    gate_min: float | None
    value: float | None
    raw_value: float | None = strawberry.field(description="Before small-sample shrinkage")
    sample_size: int
    attainment: float | None
    points: float | None
    contribution: float | None
    status: StatusEnum  # type: ignore[valid-type]

    @classmethod
    def of(cls, s: ComponentScore) -> ComponentScoreType:
        c = s.component
        return cls(
            metric=c.metric,
            statistic=c.statistic,
            basis=c.basis,
            direction=c.direction,
            weight=c.weight,
            target=c.target,
            cap=c.cap,
            min_sample=c.min_sample,
            gate_min=c.gate_min,
            value=s.value,
            raw_value=s.raw_value,
            sample_size=s.sample_size,
            attainment=s.attainment,
            points=s.points,
            contribution=s.contribution,
            status=s.status,
        )


@strawberry.type
class GuardrailSignal:
    key: str
    label: str
    description: str
    count: int


@strawberry.interface
class Scored:
    period: PeriodType
    total: float | None
    model_name: str | None
    model_version: int | None
    failed_gates: list[str]
    computed_at: datetime | None
    values: strawberry.Private[MetricSet]
    breakdown: strawberry.Private[ScoreBreakdown | None]
    signals: strawberry.Private[Mapping[str, int]]

    @strawberry.field(
        description="Patterns worth a look; they never change a score by "
        "themselves (SPEC §4 guardrail signals)."
    )
    def guardrails(self) -> list[GuardrailSignal]:
        return [
            GuardrailSignal(
                key=g.key,
                label=g.label,
                description=g.description,
                count=int(self.signals.get(g.key, 0)),
            )
            for g in GUARDRAILS
        ]

    @strawberry.field
    def metrics(self, basis: BasisEnum = Basis.CALENDAR) -> list[MetricValueType]:  # type: ignore[valid-type]
        return [MetricValueType.of(v) for (_, b), v in self.values.items() if b == basis]

    @strawberry.field
    def components(self) -> list[ComponentScoreType]:
        if self.breakdown is None:
            return []
        return [ComponentScoreType.of(s) for s in self.breakdown.components]


def scored_fields(
    period: Period,
    snapshot: Snapshot | None,
    empty: MetricSet,
    breakdown: ScoreBreakdown | None = None,
) -> dict[str, object]:
    """The `Scored` fields of a snapshot (or of a preview's breakdown over its metrics)."""
    b = breakdown or (snapshot.breakdown if snapshot else None)
    return {
        "period": PeriodType.of(period),
        "total": b.total if b else None,
        "model_name": b.model_name if b else None,
        "model_version": b.model_version if b else None,
        "failed_gates": list(b.failed_gates) if b else [],
        "computed_at": snapshot.computed_at if snapshot else None,
        # `empty` lists every metric of the level as null; stored snapshots are sparse.
        "values": {**empty, **snapshot.metrics} if snapshot else empty,
        "signals": snapshot.signals if snapshot else {},
        "breakdown": b,
    }


@strawberry.type
class AgentScore(Scored):
    agent: Agent


@strawberry.type
class TeamScore(Scored):
    team: Team


@strawberry.type
class TenantScore(Scored):
    pass
