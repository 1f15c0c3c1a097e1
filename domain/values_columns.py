"""`metric_values` of many subject-periods at once, stream by stream (a bulk rebuild).

`metric_values` builds an Aggregate per stream, looks every metric of the level up per
subject and wraps each in a MetricValue: over the million summaries of a whole history
that interpretation is the cost. Here a batch of summaries arrives as columns — per
stream, one list per statistic, an entry per subject-period — and each metric's rule
(`stream_numbers`, `derived_numbers`) runs over its stream's column in one comprehension,
giving the metric's `Numbers` per subject-period: the very numbers `metric_values` puts in
its MetricValues (tests/unit/domain/test_value_columns.py holds the two equal).

Sparse like a stored snapshot: a metric `metric_values` leaves out is None, and so is a
count of 0 (`with_counts` implies those on the way back).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from domain.guardrails import signal_streams
from domain.metrics import Basis, Kind, Level
from domain.metrics.workload import ACTIVITY, ASSIGNMENT
from domain.values import (
    DerivedInputs,
    Numbers,
    StreamKey,
    Summary,
    bases_of,
    derived_numbers,
    metrics_at,
    stream_numbers,
)


@dataclass(frozen=True, slots=True)
class StreamColumns:
    """One stream's summaries (infra.db.aggregates' statistics), an entry per
    subject-period: a None count where the subject-period has none of the stream."""

    count: Sequence[int | None]
    total: Sequence[float | None]
    median: Sequence[float | None]
    p90: Sequence[float | None]
    tickets: Sequence[int | None]


def metric_columns(
    streams: Mapping[StreamKey, StreamColumns],
    n: int,
    *,
    level: Level,
    business: bool,
    users: Sequence[int | None] | None = None,
) -> list[tuple[StreamKey, list[Numbers | None]]]:
    """Each metric of `level` that any of the `n` subject-periods has, with its numbers
    per subject-period (None: left out); `users`: each one's period's active users."""
    out: list[tuple[StreamKey, list[Numbers | None]]] = []
    inputs: list[DerivedInputs] | None = None  # read once, for the first derived metric
    for definition in metrics_at(level):
        key = definition.key
        if definition.kind is Kind.DERIVED:
            inputs = inputs or _derived_inputs(streams, n, users)
            derived = [derived_numbers(key, i) for i in inputs]
            kept = [x if x[0] is not None or x[1] else None for x in derived]
            if any(x is not None for x in kept):
                out.append(((key, Basis.CALENDAR), kept))
            continue
        for basis in bases_of(definition, business):
            s = streams.get((key, basis))
            if s is None:
                continue
            # typed as when present: an absent stream's (None count) is skipped
            summaries = cast(
                "Iterator[Summary]", zip(s.count, s.total, s.median, s.p90, s.tickets, strict=True)
            )
            column: list[Numbers | None] = [
                stream_numbers(definition, summary) if summary[0] else None for summary in summaries
            ]
            out.append(((key, basis), column))
    return out


def signal_columns(
    streams: Mapping[StreamKey, StreamColumns], n: int
) -> list[tuple[str, list[int]]]:
    """`signal_counts` per subject-period: each guardrail's count (0 when none)."""
    out = []
    for guardrail, stream in signal_streams():
        s = streams.get((stream, Basis.CALENDAR))
        out.append((guardrail, [int(c or 0) for c in s.count] if s else [0] * n))
    return out


def _derived_inputs(
    streams: Mapping[StreamKey, StreamColumns], n: int, users: Sequence[int | None] | None
) -> list[DerivedInputs]:
    """`DerivedInputs` per subject-period, as `domain.values._derived` reads them."""

    def counts(stream: str) -> list[int]:
        s = streams.get((stream, Basis.CALENDAR))
        return [c or 0 for c in s.count] if s else [0] * n

    activity = streams.get((ACTIVITY.key, Basis.CALENDAR))
    assigned = streams.get((ASSIGNMENT.key, Basis.CALENDAR))
    seconds = (
        [t if c else 0.0 for c, t in zip(activity.count, activity.total, strict=True)]
        if activity
        else [0.0] * n
    )
    tickets = (
        [k or 0 if c else 0 for c, k in zip(assigned.count, assigned.tickets, strict=True)]
        if assigned
        else [0] * n
    )
    return [
        DerivedInputs(csat, solved, created, u, a, t)
        for csat, solved, created, u, a, t in zip(
            counts("csat"),
            counts("tickets_solved"),
            counts("tickets_created"),
            users if users is not None else [None] * n,
            seconds,
            tickets,
            strict=True,
        )
    ]
