"""A performance review's evidence, frozen when the review is created (SPEC §7).

Everything here is a plain value copied out of the period's snapshots: a review keeps
saying what the numbers were when it was written, whatever arrives later. The current
numbers are compared with these on read (`figure_changed`), never written over them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import isclose

from domain.guardrails import GUARDRAILS
from domain.metrics import Basis, Direction, Level, Statistic
from domain.periods import Period
from domain.scoring import ComponentStatus
from domain.snapshots import Snapshot
from domain.stats import mean, median
from domain.values import MetricSet, MetricValue, with_nulls

QA_SCORE, REVIEWS_GIVEN = "qa_score", "reviews_given"


@dataclass(frozen=True, slots=True)
class FrozenMetric:
    """A metric's default statistic and sample size, beside the team's median: the median
    of the values of the agents in the agent's team (on the period's last day) that have one."""

    key: str
    basis: Basis
    value: float | None
    sample_size: int
    team_median: float | None


@dataclass(frozen=True, slots=True)
class FrozenComponent:
    metric: str
    statistic: Statistic
    basis: Basis
    direction: Direction
    weight: float
    target: float
    value: float | None
    raw_value: float | None
    sample_size: int
    attainment: float | None
    points: float | None
    contribution: float | None
    status: ComponentStatus


@dataclass(frozen=True, slots=True)
class FrozenScore:
    total: float | None
    model_id: str | None
    model_name: str
    model_version: int
    failed_gates: tuple[str, ...]
    components: tuple[FrozenComponent, ...]


@dataclass(frozen=True, slots=True)
class PeriodEvidence:
    """One scored period (an annual review has four): score, metrics, QA, guardrails."""

    period: Period
    score: FrozenScore | None  # None: the period had no score
    metrics: tuple[FrozenMetric, ...]
    qa_score: float | None
    qa_reviews: int
    reviews_given: int
    guardrails: tuple[tuple[str, int], ...]  # (guardrail key, count), every guardrail

    @property
    def total(self) -> float | None:
        return self.score.total if self.score else None

    def metric(self, key: str, basis: Basis = Basis.CALENDAR) -> FrozenMetric | None:
        return next((m for m in self.metrics if m.key == key and m.basis == basis), None)


@dataclass(frozen=True, slots=True)
class ValueEvidence:
    """A support value's mean rating (1–5) over the period's ratings; None when unrated."""

    key: str
    label: str
    mean: float | None
    ratings: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    total: float | None


@dataclass(frozen=True, slots=True)
class GoalEvidence:
    goal_id: str
    title: str
    progress: float | None
    status: str | None
    completed: bool


@dataclass(frozen=True, slots=True)
class ReviewEvidence:
    """What a review freezes. `periods` holds one entry (four for an annual review, one
    per quarter); `total` is that period's total (the year's: `year_total`); `trend` is
    the totals of the scored periods up to the review's last one, oldest first."""

    team_id: str | None
    total: float | None
    periods: tuple[PeriodEvidence, ...]
    values: tuple[ValueEvidence, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    goals: tuple[GoalEvidence, ...] = ()


def scored_metrics(snapshot: Snapshot | None) -> MetricSet:
    """Every agent metric, null where the snapshot has none: the set agentScores lists."""
    empty = with_nulls({}, level=Level.AGENT)
    return {**empty, **snapshot.metrics} if snapshot else empty


def frozen_score(snapshot: Snapshot | None) -> FrozenScore | None:
    b = snapshot.breakdown if snapshot else None
    if snapshot is None or b is None:
        return None
    return FrozenScore(
        total=b.total,
        model_id=snapshot.model_id,
        model_name=b.model_name,
        model_version=b.model_version,
        failed_gates=tuple(b.failed_gates),
        components=tuple(
            FrozenComponent(
                metric=s.component.metric,
                statistic=s.component.statistic,
                basis=s.component.basis,
                direction=s.component.direction,
                weight=s.component.weight,
                target=s.component.target,
                value=s.value,
                raw_value=s.raw_value,
                sample_size=s.sample_size,
                attainment=s.attainment,
                points=s.points,
                contribution=s.contribution,
                status=s.status,
            )
            for s in b.components
        ),
    )


def period_evidence(
    period: Period, snapshot: Snapshot | None, teammates: Sequence[Snapshot | None] = ()
) -> PeriodEvidence:
    """The evidence of one period from the agent's snapshot and their teammates' (the
    agent included) for the team medians; without teammates the medians are None."""
    metrics = scored_metrics(snapshot)
    medians = team_medians(metrics, teammates)
    qa = metrics.get((QA_SCORE, Basis.CALENDAR))
    given = metrics.get((REVIEWS_GIVEN, Basis.CALENDAR))
    signals = snapshot.signals if snapshot else {}
    return PeriodEvidence(
        period=period,
        score=frozen_score(snapshot),
        metrics=tuple(
            FrozenMetric(v.key, v.basis, v.value, v.sample_size, medians.get(k))
            for k, v in metrics.items()
        ),
        qa_score=qa.value if qa else None,
        qa_reviews=qa.sample_size if qa else 0,
        reviews_given=int(given.value or 0) if given else 0,
        guardrails=tuple((g.key, int(signals.get(g.key, 0))) for g in GUARDRAILS),
    )


def team_medians(
    metrics: Mapping[tuple[str, Basis], MetricValue], teammates: Sequence[Snapshot | None]
) -> dict[tuple[str, Basis], float | None]:
    out: dict[tuple[str, Basis], float | None] = {}
    for key in metrics:
        values = [
            v.value
            for s in teammates
            if s is not None and (v := s.metrics.get(key)) is not None and v.value is not None
        ]
        out[key] = median(values)
    return out


def year_total(periods: Iterable[PeriodEvidence]) -> float | None:
    """The mean of the scored periods' totals (None when none has one)."""
    return mean([p.total for p in periods if p.total is not None])


def headline_total(periods: Sequence[PeriodEvidence]) -> float | None:
    return periods[0].total if len(periods) == 1 else year_total(periods)


def figure_changed(frozen: float | None, current: float | None) -> bool:
    """Whether a frozen figure differs from its current value (floats to 1e-9)."""
    if frozen is None or current is None:
        return frozen is not current
    return not isclose(frozen, current, rel_tol=1e-9, abs_tol=1e-9)


def metric_changed(frozen: FrozenMetric, now: FrozenMetric | None) -> bool:
    if now is None:
        return frozen.value is not None or frozen.sample_size != 0
    return figure_changed(frozen.value, now.value) or frozen.sample_size != now.sample_size


def period_changed(frozen: PeriodEvidence, now: PeriodEvidence) -> bool:
    """Whether the period's numbers moved since they were frozen (team medians aside: they
    are context, kept as frozen)."""
    return (
        figure_changed(frozen.total, now.total)
        or figure_changed(frozen.qa_score, now.qa_score)
        or (frozen.qa_reviews, frozen.reviews_given) != (now.qa_reviews, now.reviews_given)
        or frozen.guardrails != now.guardrails
        or any(metric_changed(f, now.metric(f.key, f.basis)) for f in frozen.metrics)
    )
