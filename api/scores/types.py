"""GraphQL types for metric values and weighted scores."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache

import strawberry
from graphql import GraphQLError

from api.graphql_leaves import shared
from api.graphql_plans import plain_resolver
from api.identity_memo import IdentityMemo
from api.people.types import Agent, Team
from domain import metrics as m
from domain.casemix import StratumRow, comparison_of
from domain.guardrails import GUARDRAILS
from domain.metrics import Basis, Direction, Level, Statistic
from domain.periods import Grain, Period, PeriodRangeError, normalise
from domain.scoring import ComponentScore, ComponentStatus, ScoreBreakdown
from domain.snapshots import Snapshot
from domain.values import MetricSet, MetricValue, with_nulls

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


@shared
@strawberry.type(name="Stratum")
class StratumType:
    key: str = strawberry.field(
        description="channel/priority; 'channel/*' pools a channel's sparse strata, '*' all"
    )
    observed: float = strawberry.field(description="The subject's mean in the stratum")
    expected: float = strawberry.field(description="The reference's mean in the stratum")
    sample_size: int = strawberry.field(description="The subject's observations in it")

    @classmethod
    def of(cls, row: StratumRow) -> StratumType:
        return cls(
            key=row.key, observed=row.observed, expected=row.expected, sample_size=row.sample_size
        )


@shared
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
    observed: float | None = strawberry.field(
        description="Case mix (SPEC §8): the mean compared with `expected` (a rate's value)"
    )
    expected: float | None = strawberry.field(
        description="Case mix: the reference's mean on this subject's mix of strata"
    )
    adjusted_ratio: float | None = strawberry.field(
        description="Durations: observed ÷ expected (null with too little data)"
    )
    adjusted_difference: float | None = strawberry.field(
        description="Rates: observed − expected (null with too little data)"
    )
    adjusted_ci_low: float | None = strawberry.field(
        description="95% interval of the adjusted value (delta method)"
    )
    adjusted_ci_high: float | None
    strata: list[StratumType] = strawberry.field(
        description="The (pooled) strata behind `expected`"
    )

    @classmethod
    def of(cls, v: MetricValue) -> MetricValueType:
        d = m.get(v.key)
        low, high = v.interval if v.interval else (None, None)
        mix = v.case_mix
        adjusted_low, adjusted_high = mix.interval if mix and mix.interval else (None, None)
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
            observed=v.observed,
            expected=v.expected,
            adjusted_ratio=mix.ratio if mix else None,
            adjusted_difference=mix.difference if mix else None,
            adjusted_ci_low=adjusted_low,
            adjusted_ci_high=adjusted_high,
            strata=[StratumType.of(row) for row in mix.strata] if mix else [],
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
    case_mix: str | None = strawberry.field(
        description="How case mix adjusts it (SPEC §8): RATIO (observed ÷ expected), "
        "DIFFERENCE (observed − expected), or null when it is not adjusted"
    )

    @classmethod
    def of(cls, d: m.MetricDef) -> MetricDefinitionType:
        comparison = comparison_of(d.key)
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
            case_mix=comparison.value if comparison else None,
        )


@shared
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
    adjusted: bool = strawberry.field(
        description="Case mix (SPEC §8): `value` is the observed mean, scored against "
        "`expected` instead of `target`"
    )
    expected: float | None = strawberry.field(
        description="The target an adjusted component was scored against"
    )
    explanation: str = strawberry.field(description="What was compared with what")

    @classmethod
    def of(cls, s: ComponentScore, values: MetricSet | None = None) -> ComponentScoreType:
        c = s.component
        found = values.get((c.metric, c.basis)) if c.adjusted and values else None
        expected = found.expected if found else None
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
            adjusted=c.adjusted,
            expected=expected,
            explanation=explain(s, expected),
        )


def explain(s: ComponentScore, expected: float | None) -> str:
    """One sentence a dashboard can show beside the component's points."""
    c = s.component
    if s.status is ComponentStatus.INSUFFICIENT_DATA:
        need = f"{c.min_sample} observations" + (" and an expected value" if c.adjusted else "")
        return f"{c.label}: insufficient data ({s.sample_size} observations; needs {need})"
    if c.adjusted:
        return (
            f"{c.metric} (case-mix adjusted): observed mean {s.value:g} against the expected "
            f"{expected if expected is None else format(expected, 'g')} for this subject's "
            f"ticket mix, not the fixed target"
        )
    return f"{c.label}: {s.value:g} against the target {c.target:g}"


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
    @plain_resolver
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

    # Pure functions of the object: agentScores reads them for 1,000 agents in one pass
    # (api/graphql_leaves.py), not through graphql-core's per-field execution.
    @strawberry.field
    @plain_resolver
    def metrics(self, basis: BasisEnum = Basis.CALENDAR) -> list[MetricValueType]:  # type: ignore[valid-type]
        return [_metric_value(v) for (_, b), v in self.values.items() if b == basis]

    @strawberry.field
    @plain_resolver
    def components(self) -> list[ComponentScoreType]:
        if self.breakdown is None:
            return []
        return [
            # an adjusted component also reads the subject's values: built each time
            ComponentScoreType.of(s, self.values) if s.component.adjusted else _component(s)
            for s in self.breakdown.components
        ]


# The GraphQL objects of frozen domain values, built once per value (see IdentityMemo):
# the snapshot decode cache hands every read the same values. Sized to what that cache
# holds (2,048 snapshots of ~17 metrics and ~5 components in one basis); ~850 bytes a
# metric with its answer (api/graphql_leaves.py `shared`), so ~40 MB at most in all.
_metric_value = IdentityMemo(MetricValueType.of, 32_768)
_component = IdentityMemo(ComponentScoreType.of, 16_384)


@cache
def empty_values(level: Level) -> MetricSet:
    """Every metric of `level` without data (`scored_fields`' `empty`): the same frozen
    values for every read, so their GraphQL objects are built once. Never changed: merged
    into a new set, or answered as it is."""
    return with_nulls({}, level=level)


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
