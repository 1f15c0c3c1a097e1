"""The weighted KPI model (SPEC §5): attainment, points, weights, min samples, gates, shrinkage."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.metrics import Basis, Direction, Level, Statistic
from domain.model import Component, KpiModel
from domain.scoring import ComponentStatus, attainment, score, shrunk_rate
from domain.values import Aggregate, MetricSet, MetricValue, metric_values

HIGHER, LOWER = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER


def rate(key: str, value: float, sample: int = 20) -> MetricValue:
    return MetricValue(
        key, Basis.CALENDAR, value, sample, mean=value, positives=round(value * sample)
    )


def duration(
    key: str,
    median: float,
    sample: int = 20,
    *,
    p90: float | None = None,
    basis: Basis = Basis.CALENDAR,
) -> MetricValue:
    return MetricValue(key, basis, median, sample, mean=median, median=median, p90=p90)


def metrics(*values: MetricValue) -> MetricSet:
    return {(v.key, v.basis): v for v in values}


def model(*components: Component, gate_cap: float = 80.0) -> KpiModel:
    return KpiModel(name="Support", components=components, gate_cap=gate_cap)


CSAT = Component("csat", weight=3, target=0.9, direction=HIGHER)
FRT = Component("first_response_time", weight=1, target=3600, direction=LOWER)


# --- attainment and points ------------------------------------------------------------


def test_attainment_is_value_over_target_when_higher_is_better() -> None:
    assert attainment(CSAT, 0.72) == pytest.approx(0.8)


def test_attainment_is_target_over_value_when_lower_is_better() -> None:
    assert attainment(FRT, 7200) == 0.5


def test_a_lower_is_better_value_of_0_reaches_the_cap() -> None:
    assert attainment(FRT, 0) == 1.2
    assert attainment(Component("reopen_rate", 1, 0.1, LOWER, cap=1.5), 0.0) == 1.5


@pytest.mark.parametrize(
    ("component", "value", "expected"),
    [
        pytest.param(
            Component("csat", 1, 0.75, HIGHER), 1.0, 1.2, id="higher: 1.33 is capped at 1.2"
        ),
        pytest.param(FRT, 60, 1.2, id="lower: 60× faster is capped at 1.2"),
        pytest.param(Component("nps", 1, 30, HIGHER), -45, 0.0, id="negative clipped to 0"),
        pytest.param(Component("csat", 1, 0.5, HIGHER, cap=2.0), 0.9, 1.8, id="own cap"),
    ],
)
def test_attainment_is_clipped_to_0_and_the_cap(
    component: Component, value: float, expected: float
) -> None:
    assert attainment(component, value) == pytest.approx(expected)


def test_points_are_100_times_attainment_so_100_is_on_target() -> None:
    result = score(model(CSAT), metrics(rate("csat", 0.9)))
    (csat,) = result.components
    assert csat.attainment == pytest.approx(1.0)
    assert csat.points == pytest.approx(100.0)
    assert result.total == pytest.approx(100.0)


# --- the weighted total ---------------------------------------------------------------


def test_the_total_is_the_weighted_mean_of_points() -> None:
    # csat 0.72 / 0.9 → 80 points (weight 3); frt 3600 / 1800 → capped 120 points (weight 1).
    result = score(
        model(CSAT, FRT), metrics(rate("csat", 0.72), duration("first_response_time", 1800))
    )
    assert result.total == pytest.approx((3 * 80 + 1 * 120) / 4)  # 90


def test_every_component_is_explained_and_contributions_sum_to_the_total() -> None:
    result = score(
        model(CSAT, FRT), metrics(rate("csat", 0.72), duration("first_response_time", 1800))
    )
    csat, frt = result.components
    assert (csat.value, csat.sample_size, csat.status) == (0.72, 20, ComponentStatus.OK)
    assert (csat.attainment, csat.points) == (pytest.approx(0.8), pytest.approx(80.0))
    assert csat.contribution == pytest.approx(3 * 80 / 4)
    assert (frt.attainment, frt.points, frt.contribution) == (1.2, 120.0, pytest.approx(30.0))
    assert result.total == pytest.approx(sum(c.contribution or 0 for c in result.components))


def test_a_component_reads_its_statistic_and_basis() -> None:
    p90 = Component(
        "first_response_time", 1, 3600, LOWER, statistic=Statistic.P90, basis=Basis.BUSINESS
    )
    values = metrics(
        duration("first_response_time", 60, p90=99_999),
        duration("first_response_time", 1200, p90=7200, basis=Basis.BUSINESS),
    )
    (component,) = score(model(p90), values).components
    assert (component.value, component.attainment) == (7200, 0.5)


def test_defaults_are_cap_1_2_min_sample_5_and_gate_cap_80() -> None:
    component = Component("csat", weight=1, target=0.9, direction=HIGHER)
    assert (component.cap, component.min_sample, component.gate_min) == (1.2, 5, None)
    assert KpiModel(name="m", components=(component,)).gate_cap == 80.0


# --- too little data ------------------------------------------------------------------


def test_a_component_below_min_sample_is_insufficient_and_its_weight_goes_to_the_rest() -> None:
    result = score(
        model(CSAT, FRT),
        metrics(rate("csat", 0.72, sample=4), duration("first_response_time", 1800)),
    )
    csat, frt = result.components
    assert csat.status is ComponentStatus.INSUFFICIENT_DATA
    assert (csat.value, csat.sample_size) == (0.72, 4)
    assert (csat.attainment, csat.points, csat.contribution) == (None, None, None)
    assert frt.contribution == pytest.approx(120.0)
    assert result.total == pytest.approx(120.0)


def test_a_sample_exactly_at_min_sample_qualifies() -> None:
    (csat,) = score(model(CSAT), metrics(rate("csat", 0.9, sample=5))).components
    assert csat.status is ComponentStatus.OK


def test_a_metric_without_a_value_is_insufficient_data() -> None:
    empty = MetricValue("csat", Basis.CALENDAR, None, 0)
    result = score(model(CSAT, FRT), metrics(empty, duration("first_response_time", 3600)))
    assert result.components[0].status is ComponentStatus.INSUFFICIENT_DATA
    assert result.total == pytest.approx(100.0)


def test_a_metric_missing_from_the_set_is_insufficient_data() -> None:
    result = score(model(CSAT, FRT), metrics(duration("first_response_time", 3600)))
    assert result.components[0].status is ComponentStatus.INSUFFICIENT_DATA
    assert result.components[0].sample_size == 0


def test_the_total_is_null_when_no_component_qualifies() -> None:
    result = score(model(CSAT, FRT), metrics(rate("csat", 0.9, sample=1)))
    assert (result.total, result.uncapped_total, result.failed_gates) == (None, None, ())
    assert {c.status for c in result.components} == {ComponentStatus.INSUFFICIENT_DATA}


def test_min_sample_zero_lets_any_measured_value_count() -> None:
    csat = Component("csat", 1, 0.9, HIGHER, min_sample=0)
    assert score(model(csat), metrics(rate("csat", 0.9, sample=1))).total == pytest.approx(100.0)


def test_a_count_of_0_is_scored_as_0_where_a_missing_value_is_insufficient_data() -> None:
    """SPEC §4 + §5: an agent measured in a period with no solve has tickets_solved 0 with
    sample size 0, so a component that asks for no minimum sample scores it (0 points)."""
    measured = metric_values(
        {("first_response_time", Basis.CALENDAR): Aggregate.of([1800.0])}, level=Level.AGENT
    )
    solved = Component("tickets_solved", 1, 20, HIGHER, min_sample=0)
    csat = Component("csat", 1, 0.9, HIGHER, min_sample=0)
    result = score(model(solved, csat, replace(FRT, min_sample=0)), measured)
    count, missing, speed = result.components
    assert (count.status, count.value, count.sample_size) == (ComponentStatus.OK, 0.0, 0)
    assert (count.attainment, count.points) == (0.0, 0.0)
    assert missing.status is ComponentStatus.INSUFFICIENT_DATA  # csat is null, not 0
    assert speed.points == pytest.approx(120.0)
    assert result.total == pytest.approx(60.0)  # (0 + 120) / 2
    # with the default minimum sample a count of 0 (sample 0) is insufficient data
    default = score(model(Component("tickets_solved", 1, 20, HIGHER)), measured)
    assert default.components[0].status is ComponentStatus.INSUFFICIENT_DATA


# --- quality gates --------------------------------------------------------------------

GATED_CSAT = Component("csat", weight=1, target=0.9, direction=HIGHER, gate_min=0.8)
FAST = Component("first_response_time", weight=3, target=3600, direction=LOWER)


def test_a_failed_gate_caps_the_total_at_gate_cap_and_names_the_gate() -> None:
    # csat 0.63 → attainment 0.7 < 0.8: the gate fails; speed alone would give 112.5.
    values = metrics(rate("csat", 0.63), duration("first_response_time", 1800))
    result = score(model(GATED_CSAT, FAST), values)
    assert result.uncapped_total == pytest.approx((1 * 70 + 3 * 120) / 4)
    assert result.total == 80.0
    assert result.failed_gates == ("csat",)
    assert result.components[0].status is ComponentStatus.GATE_FAILED
    assert result.components[1].status is ComponentStatus.OK


def test_the_gate_cap_is_the_model_s() -> None:
    values = metrics(rate("csat", 0.63), duration("first_response_time", 1800))
    assert score(model(GATED_CSAT, FAST, gate_cap=60.0), values).total == 60.0


def test_a_failed_gate_leaves_a_total_already_below_the_cap() -> None:
    values = metrics(rate("csat", 0.36), duration("first_response_time", 14400))
    result = score(model(GATED_CSAT, FAST), values)
    assert result.total == result.uncapped_total == pytest.approx((1 * 40 + 3 * 25) / 4)
    assert result.failed_gates == ("csat",)


def test_attainment_exactly_at_gate_min_passes() -> None:
    gate = Component("csat", weight=1, target=0.9, direction=HIGHER, gate_min=0.5)
    values = metrics(rate("csat", 0.45), duration("first_response_time", 1800))  # 0.45/0.9 = 0.5
    result = score(model(gate, FAST), values)
    assert result.failed_gates == ()
    assert result.total == result.uncapped_total == pytest.approx((1 * 50 + 3 * 120) / 4)


def test_a_csat_of_18_out_of_25_is_exactly_on_an_80_percent_gate_against_a_90_percent_target() -> (
    None
):
    values = metrics(rate("csat", 18 / 25, sample=25), duration("first_response_time", 1800))
    result = score(model(GATED_CSAT, FAST), values)
    assert result.failed_gates == ()
    assert result.total == pytest.approx((1 * 80 + 3 * 120) / 4)


def test_a_gate_on_a_component_without_enough_data_does_not_fail() -> None:
    values = metrics(rate("csat", 0.1, sample=2), duration("first_response_time", 1800))
    result = score(model(GATED_CSAT, FAST), values)
    assert result.failed_gates == ()
    assert result.total == pytest.approx(120.0)


def test_the_gate_names_the_statistic_of_a_duration_component() -> None:
    gate = Component("first_response_time", 1, 3600, LOWER, statistic=Statistic.P90, gate_min=0.9)
    values = metrics(duration("first_response_time", 60, p90=7200))
    assert score(model(gate), values).failed_gates == ("first_response_time.p90",)


def test_contributions_explain_the_uncapped_total_when_a_gate_caps_it() -> None:
    values = metrics(rate("csat", 0.63), duration("first_response_time", 1800))
    result = score(model(GATED_CSAT, FAST), values)
    assert sum(c.contribution or 0 for c in result.components) == pytest.approx(
        result.uncapped_total
    )


# --- small-sample shrinkage -----------------------------------------------------------


def test_shrinkage_pulls_a_small_sample_towards_the_team_rate() -> None:
    # 2 positives of n = 3, prior weight m = 5, team rate 0.9: (2 + 5 × 0.9) / (3 + 5).
    mine = MetricValue("csat", Basis.CALENDAR, 2 / 3, 3, positives=2)
    assert shrunk_rate(mine, 5, 0.9) == pytest.approx(6.5 / 8)


def test_a_shrunk_component_reports_both_raw_and_adjusted_values() -> None:
    component = Component("csat", 1, 0.9, HIGHER, min_sample=3, prior_weight=5)
    mine = MetricValue("csat", Basis.CALENDAR, 2 / 3, 3, positives=2)
    team = MetricValue("csat", Basis.CALENDAR, 0.9, 40, positives=36)
    result = score(model(component), metrics(mine), team_metrics=metrics(team))
    (csat,) = result.components
    assert csat.raw_value == pytest.approx(2 / 3)
    assert csat.value == pytest.approx(0.8125)
    assert csat.attainment == pytest.approx(0.8125 / 0.9)
    assert result.total == pytest.approx(100 * 0.8125 / 0.9)


def test_a_large_sample_barely_moves_under_shrinkage() -> None:
    mine = MetricValue("csat", Basis.CALENDAR, 0.5, 1000, positives=500)
    assert shrunk_rate(mine, 5, 0.9) == pytest.approx((500 + 4.5) / 1005)


def test_without_a_team_rate_there_is_nothing_to_shrink_towards() -> None:
    component = Component("csat", 1, 0.9, HIGHER, prior_weight=5)
    mine = rate("csat", 0.6)
    (alone,) = score(model(component), metrics(mine)).components
    (no_team_value,) = score(
        model(component),
        metrics(mine),
        team_metrics=metrics(MetricValue("csat", Basis.CALENDAR, None, 0)),
    ).components
    assert alone.value == alone.raw_value == 0.6
    assert no_team_value.value == 0.6


def test_a_component_without_prior_weight_is_not_shrunk() -> None:
    result = score(model(CSAT), metrics(rate("csat", 0.6)), team_metrics=metrics(rate("csat", 1.0)))
    assert result.components[0].value == result.components[0].raw_value == 0.6


def test_the_breakdown_names_the_model_and_version() -> None:
    scored = score(KpiModel("Support", (CSAT,), version=3), metrics(rate("csat", 0.9)))
    assert (scored.model_name, scored.model_version) == ("Support", 3)
