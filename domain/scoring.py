"""The weighted KPI model (SPEC §5): attainment, points, weights, gates, shrinkage.

`score(model, metrics)` is a pure function; every number it returns is explained per
component so a dashboard can show why a total is what it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.metrics import Basis, Direction, Statistic
from domain.model import Component, KpiModel
from domain.values import MetricSet, MetricValue

# Attainments are ratios of floats: 0.72 / 0.9 is 0.7999999999999999. A value exactly
# on a gate passes it (SPEC §5: the gate fails only *below* gate_min).
_EPSILON = 1e-9


class ComponentStatus(StrEnum):
    OK = "OK"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    GATE_FAILED = "GATE_FAILED"


@dataclass(frozen=True, slots=True)
class ComponentScore:
    component: Component
    value: float | None  # after shrinkage when the component asks for it
    raw_value: float | None
    sample_size: int
    attainment: float | None
    points: float | None
    contribution: float | None
    status: ComponentStatus


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    model_name: str
    model_version: int
    total: float | None
    uncapped_total: float | None
    components: tuple[ComponentScore, ...]
    failed_gates: tuple[str, ...]


def attainment(component: Component, value: float, target: float | None = None) -> float:
    """value/target (or target/value when lower is better), clipped to [0, cap]; an
    adjusted component passes its expected value as the target."""
    goal = component.target if target is None else target
    if component.direction is Direction.LOWER_IS_BETTER:
        raw = component.cap if value <= 0 else goal / value
    else:
        raw = value / goal
    return min(max(raw, 0.0), component.cap)


def adjusted_inputs(
    component: Component, observed: float | None, expected: float | None, sample: int
) -> tuple[float, float] | None:
    """(observed, expected) when an adjusted component can be scored: both known, a
    positive expectation and enough observations; else None (insufficient data)."""
    if observed is None or expected is None or expected <= 0 or sample < component.min_sample:
        return None
    return observed, expected


def shrunk_rate(value: MetricValue, prior_weight: float, prior_rate: float | None) -> float | None:
    """(positives + m·p_team) / (n + m): small samples lean towards the team's rate."""
    return shrunk(value.value, value.positives, value.sample_size, prior_weight, prior_rate)


def shrunk(
    value: float | None,
    positives: float | None,
    sample_size: int,
    prior_weight: float,
    prior_rate: float | None,
) -> float | None:
    """`shrunk_rate` of a value's numbers (the column scorer has no MetricValue)."""
    if value is None or positives is None or prior_rate is None:
        return value
    return (positives + prior_weight * prior_rate) / (sample_size + prior_weight)


def score(
    model: KpiModel, metrics: MetricSet, *, team_metrics: MetricSet | None = None
) -> ScoreBreakdown:
    measured = [_measure(c, metrics, team_metrics) for c in model.components]
    failed = tuple(_failed_gates(measured))
    results = [
        (s.value, s.raw_value, s.sample_size, s.attainment, _gated(s, failed)) for s in measured
    ]
    return completed(model, results, failed)


def _measure(
    component: Component, metrics: MetricSet, team_metrics: MetricSet | None
) -> ComponentScore:
    key = (component.metric, component.basis)
    found = metrics.get(key)
    if component.adjusted:
        return _measure_adjusted(component, found)
    raw = found.statistic(component.statistic) if found else None
    sample = found.sample_size if found else 0
    value = raw
    if found is not None and component.prior_weight and team_metrics is not None:
        team_value = team_metrics.get(key)
        value = shrunk_rate(found, component.prior_weight, team_value.value if team_value else None)
    if value is None or sample < component.min_sample:
        return ComponentScore(
            component, value, raw, sample, None, None, None, ComponentStatus.INSUFFICIENT_DATA
        )
    reached = attainment(component, value)
    return ComponentScore(
        component, value, raw, sample, reached, 100 * reached, None, ComponentStatus.OK
    )


def _measure_adjusted(component: Component, found: MetricValue | None) -> ComponentScore:
    """SPEC §8: the observed mean against the expected one for the subject's mix."""
    observed = found.observed if found else None
    sample = found.sample_size if found else 0
    inputs = adjusted_inputs(component, observed, found.expected if found else None, sample)
    if inputs is None:
        return ComponentScore(
            component, observed, observed, sample, None, None, None, _INSUFFICIENT
        )
    reached = attainment(component, *inputs)
    return ComponentScore(component, observed, observed, sample, reached, 100 * reached, None, _OK)


def _failed_gates(components: Sequence[ComponentScore]) -> list[str]:
    return [
        s.component.label
        for s in components
        if s.status is ComponentStatus.OK
        and s.component.gate_min is not None
        and s.attainment is not None
        and s.attainment < s.component.gate_min - _EPSILON
    ]


def _gated(s: ComponentScore, failed: tuple[str, ...]) -> ComponentStatus:
    if s.component.label in failed and s.status is ComponentStatus.OK:
        return ComponentStatus.GATE_FAILED
    return s.status


# Stored results ------------------------------------------------------------------------
#
# A stored breakdown keeps what cannot be recomputed without the metrics: per component
# its value, raw value, sample size, attainment and status (and the failed gates). Its
# points, contributions and totals follow from those and the model: `completed` is the
# one place of that arithmetic, for `score` and for a stored row read back alike.

# (value, raw_value, sample_size, attainment, status): one component's stored result
ComponentResult = tuple[float | None, float | None, int, float | None, ComponentStatus]


def completed(
    model: KpiModel, results: Sequence[ComponentResult], failed: tuple[str, ...]
) -> ScoreBreakdown:
    """The breakdown `score` gave whose components' results are `results` (in the
    model's order) and whose failed gates are `failed`."""
    parts = list(zip(model.components, results, strict=True))
    # the qualifying components' weights, in component order, from 0
    weight_sum = sum(c.weight for c, r in parts if r[4] is not _INSUFFICIENT)
    components = tuple(
        _completed(c, result, weight_sum if result[4] is not _INSUFFICIENT else None)
        for c, result in parts
    )
    qualifying = [s for s in components if s.status is not _INSUFFICIENT]
    if not qualifying:
        return ScoreBreakdown(model.name, model.version, None, None, components, failed)
    total = sum(s.component.weight * (s.points or 0.0) for s in qualifying) / weight_sum
    capped = min(total, model.gate_cap) if failed else total
    return ScoreBreakdown(model.name, model.version, capped, total, components, failed)


def _completed(c: Component, result: ComponentResult, weight_sum: float | None) -> ComponentScore:
    """One component with its points and its share of the total (None `weight_sum`:
    it did not qualify)."""
    value, raw, sample, reached, status = result
    points = 100 * reached if weight_sum is not None and reached is not None else None
    contribution = None
    if points is not None and weight_sum is not None and weight_sum > 0:
        contribution = c.weight * points / weight_sum
    return ComponentScore(c, value, raw, sample, reached, points, contribution, status)


# Many snapshots at once (a re-score over a whole history) ---------------------------------
#
# `score` builds a MetricSet and a ScoreBreakdown per snapshot; over hundreds of thousands
# of snapshots those objects are the cost. `domain.scoring_columns.ColumnScorer` applies
# the same rule to columns of plain numbers: these are the shapes it reads and returns.

MetricField = tuple[str, Basis, str]  # (metric key, basis, MetricValue attribute)
Row = Sequence[Any]  # one snapshot's numbers as stored (float, int or None), in field order
ScoredComponent = tuple[
    float | None,  # value
    float | None,  # raw_value
    int,  # sample_size
    float | None,  # attainment
    float | None,  # points
    float | None,  # contribution
    ComponentStatus,
]
# (total, uncapped_total, failed_gates, components): a ScoreBreakdown without its model
Scored = tuple[float | None, float | None, tuple[str, ...], tuple[ScoredComponent, ...]]

# MetricValue's numbers (its attributes after key and basis), as `statistic` names them.
_NUMBERS = ("value", "sample_size", "mean", "median", "p90", "positives")
_PROBE = MetricValue("", Basis.CALENDAR, 0.0, 1, 2.0, 3.0, 4.0, 5.0)


def statistic_field(statistic: Statistic) -> str:
    """The MetricValue attribute `MetricValue.statistic` reads for `statistic`."""
    found = _PROBE.statistic(statistic)
    return _NUMBERS[int(found if found is not None else 0)]


def fields_for(models: Iterable[KpiModel]) -> list[MetricField]:
    """The numbers `ColumnScorer`s of these models read from a snapshot (and a team's)."""
    out: dict[MetricField, None] = {}
    for model in models:
        for c in model.components:
            key = (c.metric, c.basis)
            if c.adjusted:
                out[(*key, "observed")] = None
                out[(*key, "expected")] = None
            else:
                out[(*key, statistic_field(c.statistic))] = None
            out[(*key, "sample_size")] = None
            if c.prior_weight:
                out[(*key, "value")] = None
                out[(*key, "positives")] = None
    return list(out)


def as_scored(b: ScoreBreakdown) -> Scored:
    """A breakdown in `ColumnScorer`'s row shape (to compare the two)."""
    return (
        b.total,
        b.uncapped_total,
        b.failed_gates,
        tuple(
            (s.value, s.raw_value, s.sample_size, s.attainment, s.points, s.contribution, s.status)
            for s in b.components
        ),
    )


_OK, _INSUFFICIENT = ComponentStatus.OK, ComponentStatus.INSUFFICIENT_DATA
