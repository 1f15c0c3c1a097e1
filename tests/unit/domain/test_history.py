"""The periods and metric keys of a score history (SPEC §6 `scoreHistory`)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.history import MAX_PERIODS, HistoryError, checked_metrics, history_periods
from domain.metrics import Level
from domain.periods import GRAINS, Grain, Period, normalise


def test_a_range_runs_from_the_period_of_from_to_the_period_of_to() -> None:
    found = history_periods(Grain.QUARTER, date(2024, 12, 31), date(2025, 4, 1))
    assert found == [
        Period(Grain.QUARTER, date(2024, 10, 1)),
        Period(Grain.QUARTER, date(2025, 1, 1)),
        Period(Grain.QUARTER, date(2025, 4, 1)),
    ]


@given(
    grain=st.sampled_from(GRAINS),
    first=st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    days=st.integers(0, 800),
)
def test_periods_are_consecutive_and_cover_both_ends(grain: Grain, first: date, days: int) -> None:
    last = first + timedelta(days=days)
    try:
        found = history_periods(grain, first, last)
    except HistoryError as exc:
        assert exc.field == "from"
        # more than MAX_PERIODS periods, each at least a day long
        assert (normalise(grain, last).start - normalise(grain, first).start).days >= MAX_PERIODS
        return
    assert found[0] == normalise(grain, first) and found[-1] == normalise(grain, last)
    assert all(a.end == b.start for a, b in pairwise(found))
    assert len(found) <= MAX_PERIODS


def test_the_bound_is_exactly_max_periods() -> None:
    start = date(2025, 1, 1)
    assert len(history_periods(Grain.DAY, start, start + timedelta(MAX_PERIODS - 1))) == 400
    with pytest.raises(HistoryError, match="400"):
        history_periods(Grain.DAY, start, start + timedelta(MAX_PERIODS))


def test_to_before_from_is_refused() -> None:
    with pytest.raises(HistoryError) as caught:
        history_periods(Grain.MONTH, date(2025, 2, 1), date(2025, 1, 31))
    assert caught.value.field == "to"


def test_metric_keys_must_be_of_the_level() -> None:
    assert checked_metrics(Level.AGENT, None) is None
    assert checked_metrics(Level.TEAM, ["nps", "csat"]) == {"nps", "csat"}
    with pytest.raises(HistoryError, match="'nope', 'nps'") as caught:
        checked_metrics(Level.AGENT, ["csat", "nps", "nope"])
    assert caught.value.field == "metrics"
