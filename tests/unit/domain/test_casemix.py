"""Indirect standardisation (SPEC §8) against a worked example computed by hand.

Durations in minutes. Two channels (email, phone), two priorities (normal, urgent);
a stratum needs 3 reference observations to stand alone (min_stratum=3), an adjusted
value 2 of the subject's (min_sample=2).

Reference (the tenant: both agents and their colleagues):
    email/normal  10 20 30        n=3  mean 20    variance 100
    email/urgent  40 50 60 70     n=4  mean 55    variance 500/3
    phone/normal   5  7  9        n=3  mean 7     variance 4
    phone/urgent 100              n=1  sparse → pooled into phone:
    phone/*        5  7  9 100    n=4  mean 30.25

Agent A (easy queue): email/normal 20 40; phone/normal 5 9.
    O = (20+40+5+9)/4 = 18.5    E = (2·20 + 2·7)/4 = 13.5    ratio = 37/27
Agent B (hard queue): email/urgent 40 70; phone/normal 7; phone/urgent 100 (pooled).
    O = (40+70+7+100)/4 = 54.25    E = (2·55 + 1·7 + 1·30.25)/4 = 36.8125
    ratio = 217/147.25 = 868/589
"""

from __future__ import annotations

import math

import pytest

from domain.casemix import (
    CaseMixPolicy,
    Comparison,
    Moments,
    Reference,
    StratumCell,
    StratumRow,
    standardise,
)
from domain.casemix.apply import adjusted_column, references, with_case_mix
from domain.metrics import Basis
from domain.stats import Z95
from domain.values import MetricValue

POLICY = CaseMixPolicy(min_stratum=3, min_sample=2)
REFERENCE: dict[StratumCell, list[float]] = {
    ("email", "normal"): [10, 20, 30],
    ("email", "urgent"): [40, 50, 60, 70],
    ("phone", "normal"): [5, 7, 9],
    ("phone", "urgent"): [100],
}
AGENT_A: dict[StratumCell, list[float]] = {
    ("email", "normal"): [20, 40],
    ("phone", "normal"): [5, 9],
}
AGENT_B: dict[StratumCell, list[float]] = {
    ("email", "urgent"): [40, 70],
    ("phone", "normal"): [7],
    ("phone", "urgent"): [100],
}


def cells(values: dict[StratumCell, list[float]]) -> dict[StratumCell, Moments]:
    return {cell: Moments.of(v) for cell, v in values.items()}


def reference(values: dict[StratumCell, list[float]] = REFERENCE) -> Reference:
    return Reference(cells(values), POLICY)


def test_agent_a_on_the_easy_queue() -> None:
    result = standardise(cells(AGENT_A), reference(), Comparison.RATIO)
    assert result.observed == 18.5
    assert result.expected == 13.5
    assert result.sample_size == 4
    assert result.ratio == pytest.approx(37 / 27, rel=1e-12)
    assert result.difference is None
    assert result.strata == (
        StratumRow("email/normal", observed=30.0, expected=20.0, sample_size=2),
        StratumRow("phone/normal", observed=7.0, expected=7.0, sample_size=2),
    )


def test_agent_b_on_the_hard_queue_with_a_sparse_stratum_pooled_into_its_channel() -> None:
    result = standardise(cells(AGENT_B), reference(), Comparison.RATIO)
    assert result.observed == 54.25
    assert result.expected == 36.8125
    assert result.ratio == pytest.approx(868 / 589, rel=1e-12)
    assert result.strata == (
        StratumRow("email/urgent", observed=55.0, expected=55.0, sample_size=2),
        StratumRow("phone/*", observed=100.0, expected=30.25, sample_size=1),
        StratumRow("phone/normal", observed=7.0, expected=7.0, sample_size=1),
    )


def test_the_interval_is_the_delta_method_one_computed_by_hand() -> None:
    # Agent A: Var(O) = (2·100 + 2·4)/4² = 13; Var(E) = (2/4)²·100/3 + (2/4)²·4/3 = 26/3.
    ratio = 37 / 27
    half = Z95 * math.sqrt((13 + ratio**2 * 26 / 3) / 13.5**2)
    low, high = standardise(cells(AGENT_A), reference(), Comparison.RATIO).interval or (0, 0)
    assert low == pytest.approx(ratio - half, rel=1e-12)
    assert high == pytest.approx(ratio + half, rel=1e-12)


def test_a_rate_is_compared_by_difference() -> None:
    # email/normal 1 1 0 1 (p = 3/4), phone/normal 0 0 1 (p = 1/3); agent: email 1 0, phone 1.
    rates = {("email", "normal"): [1.0, 1.0, 0.0, 1.0], ("phone", "normal"): [0.0, 0.0, 1.0]}
    agent = {("email", "normal"): [1.0, 0.0], ("phone", "normal"): [1.0]}
    result = standardise(cells(agent), reference(rates), Comparison.DIFFERENCE)
    assert result.observed == pytest.approx(2 / 3)
    assert result.expected == pytest.approx((2 * 3 / 4 + 1 / 3) / 3)  # 11/18
    assert result.difference == pytest.approx(1 / 18)
    assert result.ratio is None
    # Var(O) = (2·(1/4) + 1·(1/3)) / 9 with the references' sample variances 1/4 and 1/3;
    # Var(E) = (2/3)²·(1/4)/4 + (1/3)²·(1/3)/3.
    half = Z95 * math.sqrt((2 / 4 + 1 / 3) / 9 + (4 / 9) / 16 + (1 / 9) / 9)
    low, high = result.interval or (0, 0)
    assert (low, high) == (pytest.approx(1 / 18 - half), pytest.approx(1 / 18 + half))


def test_a_channel_too_sparse_as_a_whole_is_pooled_into_all() -> None:
    thin = {**REFERENCE, ("chat", "urgent"): [3.0]}  # chat: one observation in all
    result = standardise(
        {("chat", "urgent"): Moments.of([6.0, 6.0])}, reference(thin), Comparison.RATIO
    )
    overall = (60 + 220 + 21 + 100 + 3) / 12  # every reference observation
    assert result.strata == (StratumRow("*", 6.0, pytest.approx(overall), 2),)
    assert result.ratio == pytest.approx(6.0 / overall)


def test_too_few_observations_give_no_adjusted_value() -> None:
    result = standardise({("email", "normal"): Moments.of([20.0])}, reference(), Comparison.RATIO)
    assert (result.observed, result.expected, result.sample_size) == (20.0, 20.0, 1)
    assert (result.ratio, result.interval) == (None, None)


def test_a_reference_too_thin_even_pooled_gives_no_expected_value() -> None:
    tiny = Reference({("email", "normal"): Moments.of([1.0, 2.0])}, POLICY)
    result = standardise({("email", "normal"): Moments.of([1.0, 2.0])}, tiny, Comparison.RATIO)
    assert (result.expected, result.ratio, result.interval, result.strata) == (None, None, None, ())
    assert result.sample_size == 2


def test_no_priority_is_a_stratum_of_its_own() -> None:
    values = {("email", None): [1.0, 2.0, 3.0], ("email", "urgent"): [10.0, 20.0, 30.0]}
    result = standardise(
        {("email", None): Moments.of([4.0, 4.0])}, reference(values), Comparison.RATIO
    )
    assert result.strata == (StratumRow("email/(none)", 4.0, 2.0, 2),)
    assert result.ratio == 2.0


def test_a_policy_rejects_a_minimum_that_cannot_give_a_variance() -> None:
    with pytest.raises(ValueError):
        CaseMixPolicy(min_stratum=1)


def test_a_column_of_subjects_is_adjusted_as_each_one_alone() -> None:
    # a bulk rebuild's column: each subject standardised, or None without data or reference
    ref = reference()
    column = adjusted_column(
        Comparison.RATIO,
        [4, 4, 0, None, 4],
        [cells(AGENT_A), cells(AGENT_B), cells(AGENT_A), cells(AGENT_A), cells(AGENT_A)],
        [ref, ref, ref, ref, None],
    )
    assert column == [
        standardise(cells(AGENT_A), ref, Comparison.RATIO),
        standardise(cells(AGENT_B), ref, Comparison.RATIO),
        None,
        None,
        None,
    ]


def test_a_subjects_metrics_get_the_columns_adjustment() -> None:
    key = ("reply_time", Basis.CALENDAR)
    refs = references({key: cells(REFERENCE)}, POLICY)
    value = MetricValue("reply_time", Basis.CALENDAR, 18.5, 4, 18.5)
    adjusted = with_case_mix({key: value}, {key: cells(AGENT_A)}, refs)[key]
    (expected,) = adjusted_column(Comparison.RATIO, [4], [cells(AGENT_A)], [refs[key]])
    assert adjusted.case_mix == expected
    assert with_case_mix({key: value}, {key: cells(AGENT_A)}, {}) == {key: value}
