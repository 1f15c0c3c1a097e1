"""Properties of the weighted score (SPEC §5) that hold for every model and every data set."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.metrics import Basis, Direction
from domain.model import Component, KpiModel
from domain.scoring import ComponentStatus, score
from domain.values import MetricSet, MetricValue

METRICS = (
    "csat",
    "one_touch_rate",
    "reopen_rate",
    "replies_per_ticket",
    "tickets_solved",
    "handle_time",
    "ces",
    "qa_score",
)
SPARE = "sla_first_response"  # never in the generated models: the component added later

positive = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False, allow_infinity=False)
measured = st.one_of(
    st.none(), st.floats(min_value=-1e3, max_value=1e6, allow_nan=False, allow_infinity=False)
)


@st.composite
def components(draw: st.DrawFn, metric: str) -> Component:
    return Component(
        metric,
        weight=draw(positive),
        target=draw(positive),
        direction=draw(st.sampled_from([Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER])),
        cap=draw(st.floats(min_value=0.5, max_value=3.0)),
        min_sample=draw(st.integers(min_value=0, max_value=10)),
        gate_min=draw(st.none() | st.floats(min_value=0.0, max_value=1.5)),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[KpiModel, MetricSet]:
    keys = draw(st.lists(st.sampled_from(METRICS), min_size=1, max_size=len(METRICS), unique=True))
    parts = tuple(draw(components(key)) for key in keys)
    values: MetricSet = {}
    for key in keys:
        value = draw(measured)
        sample = draw(st.integers(min_value=0, max_value=30))
        values[(key, Basis.CALENDAR)] = MetricValue(key, Basis.CALENDAR, value, sample)
    gate_cap = draw(st.floats(min_value=1.0, max_value=200.0))
    return KpiModel(name="property", components=parts, gate_cap=gate_cap), values


@given(scenarios(), st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_every_weight_by_the_same_positive_constant_leaves_the_total_unchanged(
    scenario: tuple[KpiModel, MetricSet], factor: float
) -> None:
    model, values = scenario
    scaled = replace(
        model, components=tuple(replace(c, weight=c.weight * factor) for c in model.components)
    )
    before, after = score(model, values), score(scaled, values)
    assert after.failed_gates == before.failed_gates
    if before.total is None:
        assert after.total is None
    else:
        assert after.total == pytest.approx(before.total, rel=1e-9, abs=1e-9)


@given(
    scenarios(),
    measured,
    st.integers(min_value=1, max_value=50),
    st.data(),
)
def test_a_component_below_min_sample_never_moves_the_total(
    scenario: tuple[KpiModel, MetricSet], value: float | None, min_sample: int, data: st.DataObject
) -> None:
    model, values = scenario
    sample = data.draw(st.integers(min_value=0, max_value=min_sample - 1))
    extra = replace(data.draw(components(SPARE)), min_sample=min_sample)
    at = data.draw(st.integers(min_value=0, max_value=len(model.components)))
    parts = list(model.components)
    parts.insert(at, extra)
    bigger = replace(model, components=tuple(parts))
    with_extra = {
        **values,
        (SPARE, Basis.CALENDAR): MetricValue(SPARE, Basis.CALENDAR, value, sample),
    }

    before, after = score(model, values), score(bigger, with_extra)
    assert after.total == before.total
    assert after.failed_gates == before.failed_gates
    assert after.components[at].status is ComponentStatus.INSUFFICIENT_DATA


@given(scenarios())
def test_the_total_is_null_or_between_0_and_100_times_the_largest_cap(
    scenario: tuple[KpiModel, MetricSet],
) -> None:
    model, values = scenario
    result = score(model, values)
    if result.total is None:
        assert all(c.status is ComponentStatus.INSUFFICIENT_DATA for c in result.components)
        return
    top = 100 * max(c.cap for c in model.components)
    assert 0.0 <= result.total <= top + 1e-9
    assert result.total <= (result.uncapped_total or 0.0) + 1e-9
    if result.failed_gates:
        assert result.total <= model.gate_cap


@given(scenarios())
def test_contributions_add_up_to_the_total_before_any_gate(
    scenario: tuple[KpiModel, MetricSet],
) -> None:
    model, values = scenario
    result = score(model, values)
    if result.uncapped_total is None:
        return
    contributions = sum(c.contribution or 0.0 for c in result.components)
    assert contributions == pytest.approx(result.uncapped_total, rel=1e-9, abs=1e-9)
