"""The weighted KPI model (SPEC §5): attainment, points, weights, gates, shrinkage.

`score(model, metrics)` is a pure function; every number it returns is explained per
component so a dashboard can show why a total is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.metrics import Direction
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


def attainment(component: Component, value: float) -> float:
    """value/target (or target/value when lower is better), clipped to [0, cap]."""
    if component.direction is Direction.LOWER_IS_BETTER:
        raw = component.cap if value <= 0 else component.target / value
    else:
        raw = value / component.target
    return min(max(raw, 0.0), component.cap)


def shrunk_rate(value: MetricValue, prior_weight: float, prior_rate: float | None) -> float | None:
    """(positives + m·p_team) / (n + m): small samples lean towards the team's rate."""
    if value.value is None or value.positives is None or prior_rate is None:
        return value.value
    return (value.positives + prior_weight * prior_rate) / (value.sample_size + prior_weight)


def score(
    model: KpiModel, metrics: MetricSet, *, team_metrics: MetricSet | None = None
) -> ScoreBreakdown:
    measured = [_measure(c, metrics, team_metrics) for c in model.components]
    qualifying = [s for s in measured if s.status is ComponentStatus.OK]
    weight_sum = sum(s.component.weight for s in qualifying)
    components = tuple(_with_contribution(s, weight_sum) for s in measured)
    if not qualifying:
        return ScoreBreakdown(model.name, model.version, None, None, components, ())
    total = sum(s.component.weight * (s.points or 0.0) for s in qualifying) / weight_sum
    failed = tuple(_failed_gates(components))
    components = tuple(_mark_gate(s, failed) for s in components)
    capped = min(total, model.gate_cap) if failed else total
    return ScoreBreakdown(model.name, model.version, capped, total, components, failed)


def _measure(
    component: Component, metrics: MetricSet, team_metrics: MetricSet | None
) -> ComponentScore:
    key = (component.metric, component.basis)
    found = metrics.get(key)
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


def _with_contribution(s: ComponentScore, weight_sum: float) -> ComponentScore:
    if s.status is not ComponentStatus.OK or s.points is None or weight_sum <= 0:
        return s
    contribution = s.component.weight * s.points / weight_sum
    return ComponentScore(
        s.component,
        s.value,
        s.raw_value,
        s.sample_size,
        s.attainment,
        s.points,
        contribution,
        s.status,
    )


def _failed_gates(components: tuple[ComponentScore, ...]) -> list[str]:
    return [
        s.component.label
        for s in components
        if s.status is ComponentStatus.OK
        and s.component.gate_min is not None
        and s.attainment is not None
        and s.attainment < s.component.gate_min - _EPSILON
    ]


def _mark_gate(s: ComponentScore, failed: tuple[str, ...]) -> ComponentScore:
    if s.component.label not in failed or s.status is not ComponentStatus.OK:
        return s
    return ComponentScore(
        s.component,
        s.value,
        s.raw_value,
        s.sample_size,
        s.attainment,
        s.points,
        s.contribution,
        ComponentStatus.GATE_FAILED,
    )
