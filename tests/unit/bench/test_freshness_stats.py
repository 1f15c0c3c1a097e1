"""The freshness bench's figures: nearest-rank percentiles, backlog slope and verdicts."""

from __future__ import annotations

import math

import pytest

from bench.freshness_stats import (
    after_warmup,
    backlog_is_flat,
    failed_text,
    latency_verdict,
    percentile,
    ratio_verdict,
    slope,
)


def test_percentile_is_the_nearest_rank_an_observed_value() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 95) == 5.0
    assert percentile(values, 20) == 1.0
    assert percentile(values, 21) == 2.0
    assert percentile([7.0], 95) == 7.0
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0


def test_percentile_of_nothing_is_nan_and_the_rank_must_be_in_range() -> None:
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 0)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_slope_is_the_least_squares_rate() -> None:
    assert slope([(0, 10), (1, 12), (2, 14), (3, 16)]) == pytest.approx(2.0)
    assert slope([(0, 5), (1, 7), (2, 5), (3, 7)]) == pytest.approx(0.4)
    assert slope([(0, 3)]) == 0.0
    assert slope([]) == 0.0
    assert slope([(1, 3), (1, 9)]) == 0.0


def test_a_backlog_is_flat_when_it_grows_by_less_than_one_percent_of_the_rate() -> None:
    wobbling = [(float(t), 40.0 + (t % 3)) for t in range(60)]
    growing = [(float(t), 2.0 * t) for t in range(60)]
    assert backlog_is_flat(wobbling, offered_rate=150)
    assert not backlog_is_flat(growing, offered_rate=150)
    assert backlog_is_flat(growing, offered_rate=300)  # 2/s is under 1% of 300/s
    assert backlog_is_flat([(float(t), 100.0 - t) for t in range(10)], offered_rate=30)


def test_verdicts_say_what_missed() -> None:
    assert ratio_verdict(1.8, 1.7) == "met"
    assert ratio_verdict(1.2, 1.7) == "missed by 0.50"
    assert ratio_verdict(math.nan, 1.7) == "no result"
    assert latency_verdict(1.5, 2.0, flat=True, unseen=0) == "met"
    assert (
        latency_verdict(6.6, 2.0, flat=False, unseen=2)
        == "missed: 2 probes never visible, p95 over by 4.6 s, backlog grows"
    )
    assert latency_verdict(math.nan, 2.0, flat=True, unseen=0) == "missed: p95 no result"


def test_the_warm_up_is_the_first_fifth_of_the_window() -> None:
    climb_then_level = [(float(t), float(min(t, 5) * 10)) for t in range(26)]
    steady = after_warmup(climb_then_level)
    assert steady[0] == (5.0, 50.0)
    assert slope(steady) == 0.0
    assert after_warmup([]) == []
    assert after_warmup([(3.0, 1.0)]) == [(3.0, 1.0)]


def test_failed_webhooks_say_why_when_the_load_kept_it() -> None:
    assert failed_text({"failures": 0, "failed_by": {}}) == "0 failed"
    assert failed_text({"failures": 0}) == "0 failed"  # raw figures saved before it was kept
    sent = {"failures": 4, "failed_by": {"ReadTimeout": 1, "503": 3}}
    assert failed_text(sent) == "4 failed (503: 3, ReadTimeout: 1)"
