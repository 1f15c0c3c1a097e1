"""Statistics with SPEC §4's conventions: median, nearest-rank p90, 95% Wilson interval."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from domain.stats import mean, median, nearest_rank, nearest_rank_index, wilson_interval

# --- median ---------------------------------------------------------------------------


def test_the_median_of_an_odd_count_is_the_middle_value() -> None:
    assert median([50.0, 10.0, 30.0]) == 30.0


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values() -> None:
    assert median([40.0, 10.0, 30.0, 20.0]) == 25.0
    assert median([1.0, 2.0]) == 1.5


def test_the_median_of_one_value_is_that_value() -> None:
    assert median([7.0]) == 7.0


def test_statistics_of_nothing_are_none() -> None:
    assert (median([]), mean([]), nearest_rank([], 90)) == (None, None, None)


def test_the_mean_is_the_sum_over_the_count() -> None:
    assert mean([1.0, 2.0, 6.0]) == 3.0


# --- nearest-rank percentile ----------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "rank"),
    [(1, 1), (2, 2), (9, 9), (10, 9), (11, 10), (19, 18), (20, 18), (21, 19), (100, 90)],
)
def test_p90_is_the_value_at_rank_ceil_0_9_n(count: int, rank: int) -> None:
    assert nearest_rank_index(count, 90) == rank == math.ceil(0.9 * count - 1e-9)
    values = [float(v) for v in range(count, 0, -1)]  # n … 1, unsorted on purpose
    assert nearest_rank(values, 90) == float(rank)


def test_a_nearest_rank_percentile_is_always_one_of_the_values() -> None:
    values = [3.0, 100.0, 7.0, 12.0, 50.0]
    assert nearest_rank(values, 90) == 100.0  # rank ceil(4.5) = 5
    assert nearest_rank(values, 50) == 12.0  # rank ceil(2.5) = 3, never interpolated


def test_p100_is_the_maximum_and_p0_the_minimum() -> None:
    assert (nearest_rank([4.0, 2.0, 9.0], 100), nearest_rank([4.0, 2.0, 9.0], 0)) == (9.0, 2.0)


# --- Wilson interval ------------------------------------------------------------------


def wilson_by_hand(positives: int, total: int) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = Φ⁻¹(0.975)."""
    z = NormalDist().inv_cdf(0.975)
    p, n = positives / total, total
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def test_the_wilson_interval_of_8_out_of_10_is_0_4902_to_0_9433() -> None:
    interval = wilson_interval(8, 10)
    assert interval is not None
    assert interval == pytest.approx(wilson_by_hand(8, 10), abs=1e-12)
    assert (round(interval[0], 4), round(interval[1], 4)) == (0.4902, 0.9433)


@pytest.mark.parametrize(("positives", "total"), [(1, 1), (3, 7), (10, 20), (17, 40), (99, 100)])
def test_the_wilson_interval_follows_wilson_s_formula(positives: int, total: int) -> None:
    assert wilson_interval(positives, total) == pytest.approx(
        wilson_by_hand(positives, total), abs=1e-12
    )


def test_the_wilson_interval_stays_inside_0_1_at_the_extremes() -> None:
    none_positive = wilson_interval(0, 10)
    all_positive = wilson_interval(10, 10)
    assert none_positive is not None
    assert all_positive is not None
    assert none_positive[0] == pytest.approx(0.0, abs=1e-12)
    assert none_positive[1] == pytest.approx(0.2775, abs=5e-5)
    assert all_positive[0] == pytest.approx(0.7225, abs=5e-5)
    assert all_positive[1] == pytest.approx(1.0, abs=1e-12)
    assert none_positive[0] >= 0.0
    assert all_positive[1] <= 1.0


def test_the_wilson_interval_is_symmetric_between_positives_and_negatives() -> None:
    low, high = wilson_interval(3, 11) or (math.nan, math.nan)
    mirror_low, mirror_high = wilson_interval(8, 11) or (math.nan, math.nan)
    assert (low, high) == pytest.approx((1 - mirror_high, 1 - mirror_low), abs=1e-12)


def test_the_wilson_interval_narrows_as_the_sample_grows() -> None:
    widths = []
    for n in (10, 100, 1000):
        low, high = wilson_interval(n // 2, n) or (math.nan, math.nan)
        assert low < 0.5 < high
        widths.append(high - low)
    assert widths == sorted(widths, reverse=True)


def test_there_is_no_interval_without_observations() -> None:
    assert wilson_interval(0, 0) is None
