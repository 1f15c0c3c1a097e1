"""A chunk's summaries (infra.bulk.columnar's `summary` table) one row per subject-period,
each stream's statistics side by side, handed over by column (`SummaryBatch`): the
metric values of a whole history are computed a column at a time
(domain.values_columns), not a summary row at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.metrics import Basis, Level
from domain.values import StreamKey
from domain.values_columns import StreamColumns
from infra.db.aggregates import DISTINCT_TICKETS, DURATIONS

_PIVOT = """
SELECT period, level, subject, {columns} FROM summary
GROUP BY period, level, subject ORDER BY period
"""


def pivot(metrics: Iterable[str]) -> tuple[str, list[Place]]:
    """The statement over `summary` and where each of its columns (after period, level
    and subject) goes."""
    layout = _layout(metrics)
    statement = _PIVOT.format(columns=", ".join(column for _, column in layout))
    return statement, [place for place, _ in layout]


# Where a stream's statistic sits in a pivoted row: (stream key, StreamColumns field).
Place = tuple[StreamKey, str]
_STATISTICS = {  # StreamColumns field → summary column, calendar and business
    Basis.CALENDAR: {"count": "n", "total": "total", "median": "median", "p90": "p90"},
    Basis.BUSINESS: {"count": "nb", "total": "total_b", "median": "median_b", "p90": "p90_b"},
}


def _layout(metrics: Iterable[str]) -> list[tuple[Place, str]]:
    """The pivoted columns: each stream's statistics that its metric reads (counts and
    totals of all; medians, p90 and the business basis of durations; distinct tickets
    where counted)."""
    out: list[tuple[Place, str]] = []
    for metric in metrics:
        if metric is None:
            continue
        bases = (Basis.CALENDAR, Basis.BUSINESS) if metric in DURATIONS else (Basis.CALENDAR,)
        for basis in bases:
            fields = (
                ("count", "total", "median", "p90") if metric in DURATIONS else ("count", "total")
            )
            for name in fields:
                column = _STATISTICS[basis][name]
                out.append((((metric, basis), name), _picked(metric, column)))
        if metric in DISTINCT_TICKETS:
            out.append((((metric, Basis.CALENDAR), "tickets"), _picked(metric, "tickets")))
    return out


def _picked(metric: str, column: str) -> str:
    return f"max({column}) FILTER (WHERE metric = '{metric}')"


@dataclass(frozen=True, slots=True)
class SummaryBatch:
    """Subject-periods of one level with their streams' summaries, by column."""

    level: Level
    starts: list[date]
    subjects: list[str]
    streams: dict[StreamKey, StreamColumns]


def batches(rows: list[tuple[Any, ...]], places: list[Place]) -> Iterator[SummaryBatch]:
    for level in Level:
        picked = [r for r in rows if r[1] == level.value]
        if not picked:
            continue
        columns = list(zip(*picked, strict=True))
        n = len(picked)
        found: dict[StreamKey, dict[str, Sequence[Any]]] = {}
        for place, column in zip(places, columns[3:], strict=True):
            found.setdefault(place[0], {})[place[1]] = column
        blank = [None] * n
        streams = {
            key: StreamColumns(
                f["count"],
                f["total"],
                f.get("median", blank),
                f.get("p90", blank),
                f.get("tickets", blank),
            )
            for key, f in found.items()
            if any(f["count"])
        }
        yield SummaryBatch(level, list(columns[0]), list(columns[2]), streams)
