"""A KPI component with `adjusted: true` (SPEC §8) scores the observed mean against the
expected one for the subject's mix; validation and tenant settings around it."""

from __future__ import annotations

import pytest

from domain.casemix import Adjustment, CaseMixPolicy, Comparison
from domain.metrics import Basis, Direction, Statistic
from domain.model import Component, KpiModel, ModelError, unadjusted, validate
from domain.policy import case_mix_json, case_mix_of
from domain.scoring import ComponentStatus, score
from domain.values import MetricSet, MetricValue

LOWER, HIGHER = Direction.LOWER_IS_BETTER, Direction.HIGHER_IS_BETTER
MEDIAN = Statistic.MEDIAN


def duration(median: float, mean: float, expected: float | None, n: int = 10) -> MetricSet:
    mix = Adjustment(Comparison.RATIO, mean, expected, n, None, None)
    key = ("resolution_time", Basis.CALENDAR)
    return {key: MetricValue(key[0], key[1], median, n, mean, median, None, case_mix=mix)}


def test_the_expected_value_replaces_the_target() -> None:
    component = Component("resolution_time", 1, target=3600, direction=LOWER, adjusted=True)
    result = score(KpiModel("m", (component,)), duration(7200, 9000, expected=10_000))
    scored = result.components[0]
    assert scored.value == 9000  # the observed mean, not the median
    assert scored.attainment == pytest.approx(10_000 / 9000)
    assert result.total == pytest.approx(100 * 10_000 / 9000)


def test_a_rate_against_its_expected_rate() -> None:
    mix = Adjustment(Comparison.DIFFERENCE, 0.6, 0.75, 20, -0.15, (-0.3, 0.0))
    metrics: MetricSet = {
        ("csat", Basis.CALENDAR): MetricValue("csat", Basis.CALENDAR, 0.6, 20, case_mix=mix)
    }
    component = Component("csat", 1, target=0.9, direction=HIGHER, adjusted=True)
    assert score(KpiModel("m", (component,)), metrics).components[0].attainment == pytest.approx(
        0.8
    )


@pytest.mark.parametrize("expected", [None, 0.0])
def test_without_an_expected_value_the_component_has_insufficient_data(
    expected: float | None,
) -> None:
    component = Component("resolution_time", 1, target=3600, direction=LOWER, adjusted=True)
    result = score(KpiModel("m", (component,)), duration(60, 60, expected=expected))
    assert result.components[0].status is ComponentStatus.INSUFFICIENT_DATA
    assert result.total is None


def test_unadjusted_scores_the_fixed_target_again() -> None:
    component = Component(
        "resolution_time", 1, target=3600, direction=LOWER, statistic=MEDIAN, adjusted=True
    )
    model = KpiModel("m", (component,))
    raw = score(unadjusted(model), duration(7200, 9000, expected=10_000)).components[0]
    assert raw.attainment == pytest.approx(0.5)


def test_only_adjusted_metrics_may_be_adjusted_and_never_with_a_prior() -> None:
    with pytest.raises(ModelError) as wrong_metric:
        validate(KpiModel("m", (Component("qa_score", 1, 80, HIGHER, adjusted=True),)))
    assert wrong_metric.value.field == "components[0].adjusted"
    with pytest.raises(ModelError) as with_prior:
        validate(KpiModel("m", (Component("csat", 1, 0.9, HIGHER, adjusted=True, prior_weight=5),)))
    assert with_prior.value.field == "components[0].priorWeight"


def test_case_mix_settings_round_trip_and_fall_back_to_the_defaults() -> None:
    policy = CaseMixPolicy(min_stratum=4, min_sample=3, by_team=True, enabled=False)
    assert case_mix_of({"case_mix": case_mix_json(policy)}) == policy
    assert case_mix_of({}) == CaseMixPolicy()
    assert case_mix_of({"case_mix": {"min_stratum": 1}}) == CaseMixPolicy()  # unusable
