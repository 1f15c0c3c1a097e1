"""Snapshot metrics keep their Wilson intervals as they are read (issue 12): a rate's
interval is stored with it, read back unchanged, and a row stored before intervals were
(six numbers at most) reads exactly as it always did."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.metrics import Basis
from domain.stats import wilson_interval
from domain.values import MetricValue
from infra.db.codec import metrics_from_json, metrics_to_json


@st.composite
def rates(draw: st.DrawFn) -> MetricValue:
    total = draw(st.integers(min_value=0, max_value=5_000))
    positives = draw(st.integers(min_value=0, max_value=total))
    value = positives / total if total else None
    return MetricValue(
        "csat",
        Basis.CALENDAR,
        value,
        total,
        positives=float(positives) if total else None,
        interval=wilson_interval(positives, total),
    )


@settings(max_examples=300, deadline=None)
@given(rate=rates())
def test_a_rate_reads_back_with_its_interval(rate: MetricValue) -> None:
    stored = json.loads(json.dumps(metrics_to_json({("csat", Basis.CALENDAR): rate})))
    assert metrics_from_json(stored) == {("csat", Basis.CALENDAR): rate}
    row = stored["csat|CALENDAR"]
    assert (tuple(row[6:8]) or None) == rate.interval  # stored, not recomputed


@settings(max_examples=300, deadline=None)
@given(rate=rates())
def test_a_row_stored_before_intervals_reads_the_same(rate: MetricValue) -> None:
    stored = json.loads(json.dumps(metrics_to_json({("csat", Basis.CALENDAR): rate})))
    old = {name: row[:6] for name, row in stored.items()}  # the former form
    assert metrics_from_json(old) == metrics_from_json(stored)


def test_a_duration_stores_no_interval() -> None:
    duration = MetricValue("reply_time", Basis.BUSINESS, 60.0, 3, 70.0, 60.0, 90.0)
    stored = metrics_to_json({("reply_time", Basis.BUSINESS): duration})
    assert stored == {"reply_time|BUSINESS": [60.0, 3, 70.0, 60.0, 90.0]}
    assert metrics_from_json(stored) == {("reply_time", Basis.BUSINESS): duration}
