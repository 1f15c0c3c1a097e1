"""metric_columns, the bulk rebuild's metric values by column, gives exactly what
`metric_values` gives (as stored: counts of 0 implied), and signal_columns what
`signal_counts` gives: same numbers, same types, for any level, basis and summaries,
whatever else the subject-periods of the same batch hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import metrics as m
from domain.guardrails import PREFIX, signal_counts
from domain.metrics import Basis, Level
from domain.metrics.workload import ACTIVITY, ASSIGNMENT
from domain.values import (
    Aggregate,
    MetricValue,
    PeriodContext,
    StreamKey,
    is_empty,
    metric_values,
)
from domain.values_columns import StreamColumns, metric_columns, signal_columns

STREAMS = sorted(
    {d.key for d in m.DEFINITIONS if d.kind is not m.Kind.DERIVED}
    | {ACTIVITY.key, ASSIGNMENT.key, PREFIX + "quick_reopen", PREFIX + "unreplied_assignment"}
)
DURATIONS = set(m.duration_streams())
value = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def aggregate(draw: st.DrawFn, stream: str) -> Aggregate:
    count = draw(st.integers(1, 40))
    median = draw(value) if stream in DURATIONS else None
    p90 = draw(value) if stream in DURATIONS else None
    # a rate's total is its positives: at most its count
    total = (
        draw(st.floats(0, count)) if stream.endswith("rate") or stream == "csat" else draw(value)
    )
    return Aggregate(count, total, median, p90, draw(st.integers(1, count)))


@st.composite
def subject(draw: st.DrawFn) -> dict[StreamKey, Aggregate]:
    streams = draw(st.lists(st.sampled_from(STREAMS), max_size=8, unique=True))
    out = {(s, Basis.CALENDAR): draw(aggregate(s)) for s in streams}
    for s in streams:
        if s in DURATIONS and draw(st.booleans()):
            out[(s, Basis.BUSINESS)] = draw(aggregate(s))
    return out


def by_column(subjects: list[dict[StreamKey, Aggregate]]) -> dict[StreamKey, StreamColumns]:
    keys = {k for s in subjects for k in s}
    out = {}
    for key in keys:
        found = [s.get(key) for s in subjects]
        out[key] = StreamColumns(
            [a.count if a else None for a in found],
            [a.total if a else None for a in found],
            [a.median if a else None for a in found],
            [a.p90 if a else None for a in found],
            [a.distinct_tickets if a else None for a in found],
        )
    return out


@settings(max_examples=300, deadline=None)
@given(
    subjects=st.lists(subject(), max_size=6),
    level=st.sampled_from(list(Level)),
    business=st.booleans(),
    users=st.lists(st.one_of(st.none(), st.integers(0, 50)), min_size=6, max_size=6),
)
def test_metric_columns_are_metric_values_as_stored(
    subjects: list[dict[StreamKey, Aggregate]],
    level: Level,
    business: bool,
    users: list[int | None],
) -> None:
    n = len(subjects)
    users = users[:n] if level is Level.TENANT else [None] * n
    columns = metric_columns(
        by_column(subjects),
        n,
        level=level,
        business=business,
        users=users if level is Level.TENANT else None,
    )
    for i, streams in enumerate(subjects):
        expected = {
            k: v
            for k, v in metric_values(
                streams,
                level=level,
                context=PeriodContext(active_users=users[i]),
                has_business_hours=business,
            ).items()
            if v.sample_size or not is_empty(v)
        }
        found = {
            key: MetricValue(key[0], key[1], *numbers)
            for key, column in columns
            if (numbers := column[i]) is not None
        }
        assert found == expected
        for key, v in found.items():  # equal and of the same types (1 == 1.0 in Python)
            assert [type(x) for x in (v.value, v.sample_size, v.positives)] == [
                type(x)
                for x in (expected[key].value, expected[key].sample_size, expected[key].positives)
            ]


@given(subjects=st.lists(subject(), max_size=6))
def test_signal_columns_are_signal_counts(subjects: list[dict[StreamKey, Aggregate]]) -> None:
    columns = signal_columns(by_column(subjects), len(subjects))
    for i, streams in enumerate(subjects):
        counts = {
            key: agg.count for (key, basis), agg in streams.items() if basis is Basis.CALENDAR
        }
        assert {key: column[i] for key, column in columns} == signal_counts(counts)
