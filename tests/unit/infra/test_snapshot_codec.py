"""Snapshot metrics keep their Wilson intervals as they are read (issue 12): a rate's
interval is stored with it, read back unchanged, and a row stored before intervals were
(six numbers at most) reads exactly as it always did. Case mix stores what cannot be
recomputed, and rows stored with every number read the same."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.casemix import CaseMixPolicy, Comparison, Reference, standardise
from domain.metrics import Basis
from domain.stats import wilson_interval
from domain.values import MetricValue
from infra.db.codec import CASE_MIX_AT, metrics_from_json, metrics_to_json, numbers_to_json
from tests.unit.domain.test_casemix_properties import duration, moments, outcome, populations


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


@st.composite
def adjusted(draw: st.DrawFn) -> MetricValue:
    """A metric with the adjustment `standardise` gives it, any pooling, any policy."""
    comparison = draw(st.sampled_from(list(Comparison)))
    values = duration if comparison is Comparison.RATIO else outcome
    policy = CaseMixPolicy(
        min_stratum=draw(st.integers(min_value=2, max_value=6)),
        min_sample=draw(st.integers(min_value=1, max_value=6)),
    )
    reference = Reference(moments(draw(populations(values))), policy)
    mix = standardise(moments(draw(populations(values))), reference, comparison)
    key = "reply_time" if comparison is Comparison.RATIO else "csat"
    return MetricValue(key, Basis.CALENDAR, mix.observed, mix.sample_size, case_mix=mix)


def _stored(value: MetricValue) -> list[object]:
    stored = json.loads(json.dumps(metrics_to_json({(value.key, value.basis): value})))
    row: list[object] = stored[f"{value.key}|CALENDAR"]
    return row


@settings(max_examples=300, deadline=None)
@given(value=adjusted())
def test_case_mix_reads_back_as_it_was_computed(value: MetricValue) -> None:
    assert metrics_from_json({f"{value.key}|CALENDAR": _stored(value)}) == {
        (value.key, value.basis): value
    }


@settings(max_examples=300, deadline=None)
@given(value=adjusted())
def test_a_bulk_rebuilds_numbers_and_adjustment_are_stored_alike(value: MetricValue) -> None:
    v = value
    numbers = (v.value, v.sample_size, v.mean, v.median, v.p90, v.positives, v.interval)
    assert numbers_to_json(numbers, v.case_mix) == _stored(value)


@settings(max_examples=300, deadline=None)
@given(value=adjusted())
def test_a_row_stored_with_every_case_mix_number_reads_the_same(value: MetricValue) -> None:
    mix = value.case_mix
    assert mix is not None
    low, high = mix.interval or (None, None)
    strata = [[s.key, s.observed, s.expected, s.sample_size] for s in mix.strata] or None
    old = _stored(value)[:CASE_MIX_AT]
    old += [None] * (CASE_MIX_AT - len(old))
    old += [mix.observed, mix.expected, mix.adjusted, low, high, strata]  # the former form
    while old[-1] is None:
        old.pop()
    assert metrics_from_json({f"{value.key}|CALENDAR": old}) == {(value.key, value.basis): value}


def test_a_single_stratum_is_its_key_and_an_adjusted_value_is_recomputed() -> None:
    policy = CaseMixPolicy(min_stratum=3, min_sample=2)
    reference = Reference(moments({("chat", "high"): [10.0, 20.0, 30.0]}), policy)
    mix = standardise(moments({("chat", "high"): [20.0] * 6}), reference, Comparison.RATIO)
    value = MetricValue("reply_time", Basis.CALENDAR, 20.0, 6, 20.0, case_mix=mix)
    assert mix.adjusted == 1.0 and mix.interval is not None
    low, high = mix.interval
    assert _stored(value)[CASE_MIX_AT:] == [20.0, 20.0, None, low, high, "chat/high"]
