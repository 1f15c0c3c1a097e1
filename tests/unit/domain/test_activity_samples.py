"""Agent activity as samples: spans merged, split at local midnights, every second kept."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.metrics.workload import ACTIVITY, activity_samples, merge_intervals
from domain.periods import local_day, local_midnight
from domain.samples import ONE_DAY
from tests.unit.domain.histories import utc


def berlin_day_starts(t: datetime) -> datetime:
    return local_midnight(local_day(t, "Europe/Berlin") + ONE_DAY, "Europe/Berlin")


def test_overlapping_and_touching_activity_spans_merge() -> None:
    nine = utc(2026, 3, 2, 9)
    hours = [nine + timedelta(hours=h) for h in range(6)]
    spans = [(hours[0], hours[2]), (hours[1], hours[3]), (hours[3], hours[4]), (hours[1], hours[2])]
    assert merge_intervals(spans) == [(hours[0], hours[4])]
    assert merge_intervals([(hours[4], hours[5]), (hours[0], hours[1])]) == [
        (hours[0], hours[1]),
        (hours[4], hours[5]),
    ]


def test_activity_is_split_at_local_midnights() -> None:
    start = utc(2026, 3, 2, 20)  # Monday 21:00 in Berlin
    end = utc(2026, 3, 3, 1)  # Tuesday 02:00 in Berlin
    samples = activity_samples("a1", [(start, end)], day_starts=berlin_day_starts)
    assert [(s.at, s.value / 3600) for s in samples] == [
        (start, 3.0),
        (utc(2026, 3, 2, 23), 2.0),
    ]


def test_a_split_activity_span_keeps_every_second() -> None:
    # Friday 22:00 to Monday 02:00 in Berlin, an ordinary (non-DST) weekend: 2 + 24 + 24 + 2 h.
    start, end = utc(2026, 3, 6, 21), utc(2026, 3, 9, 1)
    samples = activity_samples("a1", [(start, end)], day_starts=berlin_day_starts)
    assert [s.value / 3600 for s in samples] == [2.0, 24.0, 24.0, 2.0]
    assert sum(s.value for s in samples) == (end - start).total_seconds()


def test_overlapping_activity_is_counted_once() -> None:
    nine = utc(2026, 3, 2, 9)
    spans = [
        (nine, nine + timedelta(hours=2)),
        (nine + timedelta(hours=1), nine + timedelta(hours=3)),
    ]
    samples = activity_samples("a1", spans, day_starts=berlin_day_starts)
    assert [(s.metric, s.agent, s.value) for s in samples] == [(ACTIVITY.key, "a1", 3 * 3600.0)]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(
            utc(2026, 3, 28, 21),  # Saturday 22:00 in Berlin
            utc(2026, 3, 30, 0),  # Monday 02:00 in Berlin
            [("2026-03-28", 2.0), ("2026-03-29", 23.0), ("2026-03-30", 2.0)],
            id="spring forward: 23 hours",
        ),
        pytest.param(
            utc(2026, 10, 24, 20),  # Saturday 22:00 in Berlin
            utc(2026, 10, 26, 1),  # Monday 02:00 in Berlin
            [("2026-10-24", 2.0), ("2026-10-25", 25.0), ("2026-10-26", 2.0)],
            id="fall back: 25 hours",
        ),
    ],
)
def test_activity_on_a_clock_change_day_counts_the_hours_that_really_elapsed(
    start: datetime, end: datetime, expected: list[tuple[str, float]]
) -> None:
    # `berlin_day_starts` is how domain.services.processing splits activity, too.
    samples = activity_samples("a1", [(start, end)], day_starts=berlin_day_starts)
    by_day = [(local_day(s.at, "Europe/Berlin").isoformat(), s.value / 3600) for s in samples]
    assert by_day == expected
    assert sum(s.value for s in samples) == (end - start).total_seconds()
