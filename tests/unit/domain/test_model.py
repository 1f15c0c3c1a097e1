"""KPI model validation (SPEC §5): what an admin may save, and the field each refusal names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.metrics import Basis, Direction, Level, Statistic
from domain.model import Component, KpiModel, ModelError, default_model, validate

HIGHER, LOWER = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
CSAT = Component("csat", weight=2, target=0.9, direction=HIGHER)
FRT = Component(
    "first_response_time", weight=1, target=3600, direction=LOWER, statistic=Statistic.MEDIAN
)


def model(*components: Component, level: Level = Level.AGENT, gate_cap: float = 80.0) -> KpiModel:
    return KpiModel(name="Support", components=components, level=level, gate_cap=gate_cap)


def refusal(candidate: KpiModel) -> ModelError:
    with pytest.raises(ModelError) as caught:
        validate(candidate)
    return caught.value


def test_a_valid_model_is_returned_unchanged() -> None:
    candidate = model(CSAT, FRT)
    assert validate(candidate) is candidate


def test_the_default_model_is_valid_at_the_agent_level() -> None:
    assert validate(default_model()).level is Level.AGENT


def test_an_unknown_metric_is_refused() -> None:
    error = refusal(model(CSAT, replace(FRT, metric="happiness")))
    assert (str(error), error.field) == ("unknown metric 'happiness'", "components[1].metric")


@pytest.mark.parametrize("weight", [0, -1, float("nan")])
def test_a_weight_must_be_positive(weight: float) -> None:
    error = refusal(model(replace(CSAT, weight=weight)))
    assert error.field == "components[0].weight"
    assert str(error).startswith("weight must be positive")


@pytest.mark.parametrize("target", [0, -0.5])
def test_a_target_must_be_positive(target: float) -> None:
    assert refusal(model(replace(CSAT, target=target))).field == "components[0].target"


@pytest.mark.parametrize(
    ("metric", "level", "allowed"),
    [
        ("nps", Level.AGENT, "TEAM, TENANT"),
        ("abandoned_rate", Level.AGENT, "TEAM, TENANT"),
        ("tickets_created", Level.AGENT, "TEAM, TENANT"),
        ("conversations_per_hour", Level.TENANT, "AGENT, TEAM"),
        ("reviews_given", Level.TENANT, "AGENT, TEAM"),
        ("contact_ratio", Level.TEAM, "TENANT"),
    ],
)
def test_a_metric_must_be_measured_at_the_model_s_level(
    metric: str, level: Level, allowed: str
) -> None:
    error = refusal(model(Component(metric, 1, 1, HIGHER), level=level))
    assert error.field == "components[0].metric"
    assert str(error) == f"{metric} is not measured at the {level.value} level (only {allowed})"


def test_nps_is_accepted_in_a_team_model() -> None:
    validate(model(Component("nps", 1, 30, HIGHER), level=Level.TEAM))


def test_a_business_basis_is_only_for_durations() -> None:
    error = refusal(model(replace(CSAT, basis=Basis.BUSINESS)))
    assert error.field == "components[0].basis"
    assert "csat is not a duration" in str(error)
    validate(model(replace(FRT, basis=Basis.BUSINESS)))


def test_a_rate_has_no_p90() -> None:
    error = refusal(model(replace(CSAT, statistic=Statistic.P90)))
    assert error.field == "components[0].statistic"
    assert str(error) == "csat has no statistic p90 (value)"


@pytest.mark.parametrize("statistic", [Statistic.MEDIAN, Statistic.MEAN, Statistic.P90])
def test_a_duration_offers_median_mean_and_p90(statistic: Statistic) -> None:
    validate(model(replace(FRT, statistic=statistic)))


def test_the_same_component_twice_is_refused() -> None:
    error = refusal(model(CSAT, FRT, replace(CSAT, weight=5)))
    assert (str(error), error.field) == ("csat appears twice", "components[2]")


def test_the_same_duration_in_another_statistic_or_basis_is_a_different_component() -> None:
    validate(
        model(
            FRT,
            replace(FRT, statistic=Statistic.P90),
            replace(FRT, basis=Basis.BUSINESS),
        )
    )


def test_a_model_needs_a_name_and_at_least_one_component() -> None:
    assert refusal(KpiModel(name="  ", components=(CSAT,))).field == "name"
    assert refusal(model()).field == "components"


@pytest.mark.parametrize(
    ("component", "field"),
    [
        (replace(CSAT, cap=0), "components[0].cap"),
        (replace(CSAT, min_sample=-1), "components[0].minSample"),
        (replace(CSAT, gate_min=-0.1), "components[0].gateMin"),
        (replace(CSAT, prior_weight=0), "components[0].priorWeight"),
        (replace(FRT, prior_weight=5), "components[0].priorWeight"),
    ],
)
def test_cap_min_sample_gate_and_prior_weight_are_checked(component: Component, field: str) -> None:
    assert refusal(model(component)).field == field


def test_shrinkage_is_allowed_on_a_rate() -> None:
    validate(model(replace(CSAT, prior_weight=10, gate_min=0.8, min_sample=0)))


@pytest.mark.parametrize("gate_cap", [0, -10])
def test_the_gate_cap_must_be_positive(gate_cap: float) -> None:
    error = refusal(model(CSAT, gate_cap=gate_cap))
    assert error.field == "gateCap"
    assert "gate_cap must be positive" in str(error)
