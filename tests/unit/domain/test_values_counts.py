"""Metric values with no data (SPEC §4): null with sample size 0, except counts, which are 0
for a listed subject; each level lists exactly its own metrics."""

from __future__ import annotations

import pytest

from domain import metrics as m
from domain.metrics import Basis, Level
from domain.values import Aggregate, MetricValue, has_data, metric_values, with_counts, with_nulls


@pytest.mark.parametrize("level", list(Level))
def test_every_metric_is_null_with_sample_size_zero_when_there_is_no_data(level: Level) -> None:
    counts = {d.key for d in m.DEFINITIONS if d.is_count and level in d.levels}
    measured = metric_values({}, level=level, has_business_hours=True)
    assert {key for key, _ in measured} == counts, "sparse: only the counts"
    assert not has_data(measured)
    values = with_nulls({}, level=level)
    assert values, "every level has metrics"
    for (key, basis), v in values.items():
        if key in counts:
            assert v == MetricValue(key, basis, 0.0, 0), key  # SPEC §4: a count is 0
        else:
            assert v == MetricValue(key, basis, None, 0), key


def test_a_subject_with_other_data_counts_0_not_null() -> None:
    """SPEC §4: the count is 0 with sample size 0 and no interval; other metrics stay null."""
    replied = {("first_response_time", Basis.CALENDAR): Aggregate.of([60.0])}
    agent = metric_values(replied, level=Level.AGENT)
    assert agent[("tickets_solved", Basis.CALENDAR)] == MetricValue(
        "tickets_solved", Basis.CALENDAR, 0.0, 0
    )
    assert agent[("reviews_given", Basis.CALENDAR)].value == 0.0
    assert ("tickets_created", Basis.CALENDAR) not in agent  # no agent level
    assert ("one_touch_rate", Basis.CALENDAR) not in agent  # null, not 0
    assert has_data(agent)
    tenant = with_nulls(metric_values(replied, level=Level.TENANT), level=Level.TENANT)
    assert tenant[("tickets_created", Basis.CALENDAR)].value == 0.0
    assert tenant[("tickets_created", Basis.CALENDAR)].interval is None
    assert tenant[("csat_response_rate", Basis.CALENDAR)].value is None  # nothing solved
    assert with_counts({}, level=Level.TEAM) == {
        (key, Basis.CALENDAR): MetricValue(key, Basis.CALENDAR, 0.0, 0)
        for key in ("tickets_created", "tickets_solved", "reviews_given")
    }


@pytest.mark.parametrize("level", list(Level))
def test_a_level_has_exactly_the_metrics_defined_for_it(level: Level) -> None:
    keys = {key for key, _ in with_nulls({}, level=level)}
    assert keys == {d.key for d in m.DEFINITIONS if level in d.levels}


def test_business_time_is_null_while_the_tenant_has_no_business_hours() -> None:
    aggregates = {("first_response_time", Basis.BUSINESS): Aggregate.of([60.0])}
    values = with_nulls(metric_values(aggregates, level=Level.TENANT), level=Level.TENANT)
    assert values[("first_response_time", Basis.BUSINESS)].value is None
    with_hours = metric_values(aggregates, level=Level.TENANT, has_business_hours=True)
    assert with_hours[("first_response_time", Basis.BUSINESS)].value == 60.0


def test_every_duration_metric_has_a_calendar_and_a_business_value() -> None:
    values = with_nulls({}, level=Level.TENANT)
    durations = {d.key for d in m.DEFINITIONS if d.is_duration and Level.TENANT in d.levels}
    assert durations == {"first_response_time", "reply_time", "resolution_time"}
    for key in durations:
        assert {(key, Basis.CALENDAR), (key, Basis.BUSINESS)} <= set(values)
