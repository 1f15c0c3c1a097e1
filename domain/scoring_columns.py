"""`score` over many snapshots at once, column by column (a re-score over a whole history).

`score` builds a MetricSet and a ScoreBreakdown per snapshot, and a row-by-row scorer
still pays a few Python calls per component per snapshot: over hundreds of thousands of
snapshots that interpretation is the cost. `ColumnScorer` takes the rows of one model and
level, turns them into one column per number the model reads, and applies each step of
`score` to a whole column in one comprehension. It calls `attainment`, `shrunk` and
`adjusted_inputs` and repeats `score`'s arithmetic in the same order, so it returns the
very same numbers, of the same types: tests/unit/domain/test_column_scoring.py checks it
against `score` on random models and stored metrics.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from domain.metrics import Level
from domain.model import Component, KpiModel
from domain.scoring import (
    _EPSILON,
    ComponentStatus,
    MetricField,
    Row,
    Scored,
    adjusted_inputs,
    attainment,
    shrunk,
    statistic_field,
)
from domain.values import MetricSet, with_counts

_OK, _INSUFFICIENT = ComponentStatus.OK, ComponentStatus.INSUFFICIENT_DATA
_GATE_FAILED = ComponentStatus.GATE_FAILED
Column = list[Any]


@dataclass(frozen=True, slots=True)
class ComponentColumns:
    """One component's ScoredComponent fields, a list each (one entry per snapshot)."""

    value: Column
    raw: Column
    sample: Column
    attainment: Column
    points: Column
    contribution: Column
    status: list[ComponentStatus]


@dataclass(frozen=True, slots=True)
class ScoredColumns:
    """`score` of many snapshots (`Scored`, by column): totals, failed gates, components."""

    total: Column
    uncapped: Column
    failed: list[tuple[str, ...]]
    components: tuple[ComponentColumns, ...]

    def __len__(self) -> int:
        return len(self.total)

    def row(self, i: int) -> Scored:
        """Snapshot i's (total, uncapped_total, failed_gates, components)."""
        parts = tuple(
            (
                c.value[i],
                c.raw[i],
                c.sample[i],
                c.attainment[i],
                c.points[i],
                c.contribution[i],
                c.status[i],
            )
            for c in self.components
        )
        return self.total[i], self.uncapped[i], self.failed[i], parts


class ColumnScorer:
    """`score(model, metrics, team_metrics=…)` for snapshots of one `level`, over rows
    holding the numbers `fields` name (a metric absent from a snapshot: None for its
    sample_size). Team rows hold the same fields, read from TEAM snapshots."""

    def __init__(self, model: KpiModel, level: Level, fields: Sequence[MetricField]) -> None:
        self.model = model
        self.uses_team = any(c.prior_weight for c in model.components)
        at = {f: i for i, f in enumerate(fields)}
        defaults, team_defaults = with_counts({}, level=level), with_counts({}, level=Level.TEAM)
        self._parts = tuple(_Part(c, at, defaults, team_defaults) for c in model.components)

    def __call__(
        self, rows: Sequence[Row], teams: Sequence[Row | None] | None = None
    ) -> ScoredColumns:
        n = len(rows)
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if n else []
        team_columns = _team_columns(teams) if teams is not None and n else None
        measured = [part.measure(columns, team_columns, n) for part in self._parts]
        return self._total(measured, n)

    def _total(self, measured: list[ComponentColumns], n: int) -> ScoredColumns:
        """`score` after `_measure`: weights of the qualifying components, contributions,
        the weighted total, failed gates and the capped total — each as a column."""
        weight_sum: list[Any] = [0] * n  # `sum` starts from 0 and adds in component order
        qualifying = [False] * n  # whether any component is OK
        for part, c in zip(self._parts, measured, strict=True):
            w = part.weight
            weight_sum = [s + w if st is _OK else s for s, st in _zip(weight_sum, c.status)]
            qualifying = [q or st is _OK for q, st in _zip(qualifying, c.status)]
        points: list[Any] = [0] * n
        failed: list[tuple[str, ...]] = [()] * n
        for part, c in zip(self._parts, measured, strict=True):
            w = part.weight
            c.contribution[:] = [  # as `scoring._completed`
                w * p / s if st is _OK and p is not None and s > 0 else None
                for p, s, st in _zip(c.points, weight_sum, c.status)
            ]
            points = [
                t + w * (p or 0.0) if st is _OK else t
                for t, p, st in _zip(points, c.points, c.status)
            ]
            if part.gate is not None:  # as `_failed_gates`
                gate, label = part.gate, part.label
                failed = [
                    (*f, label) if st is _OK and a is not None and a < gate else f
                    for f, a, st in _zip(failed, c.attainment, c.status)
                ]
        uncapped = [t / s if q else None for t, s, q in _zip(points, weight_sum, qualifying)]
        for part, c in zip(self._parts, measured, strict=True):  # as `scoring._gated`
            label = part.label
            c.status[:] = [
                _GATE_FAILED if st is _OK and label in f else st for st, f in _zip(c.status, failed)
            ]
        cap = self.model.gate_cap
        total = [min(u, cap) if f and u is not None else u for u, f in _zip(uncapped, failed)]
        return ScoredColumns(total, uncapped, failed, tuple(measured))


def _zip(*columns: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    return zip(*columns, strict=True)


def _team_columns(teams: Sequence[Row | None]) -> list[Sequence[Any]] | None:
    """The team rows by column, then whether each snapshot has one (None: none has)."""
    known = [t for t in teams if t is not None]
    if not known:
        return None
    blank = (None,) * len(known[0])
    columns: list[Sequence[Any]] = list(
        zip(*(t if t is not None else blank for t in teams), strict=True)
    )
    return [*columns, [t is not None for t in teams]]


class _Part:
    """One component's `_measure`, with its fields' positions and defaults resolved."""

    def __init__(
        self,
        c: Component,
        at: dict[MetricField, int],
        defaults: MetricSet,
        team_defaults: MetricSet,
    ) -> None:
        key = (c.metric, c.basis)
        self.component = c
        self.weight, self.min_sample, self.label = c.weight, c.min_sample, c.label
        self.gate = None if c.gate_min is None else c.gate_min - _EPSILON  # as `_failed_gates`
        self.adjusted = c.adjusted
        if c.adjusted:
            self.stat, self.expected = at[(*key, "observed")], at[(*key, "expected")]
        else:
            self.stat = at[(*key, statistic_field(c.statistic))]
        self.sample = at[(*key, "sample_size")]
        # An absent count is a 0 (`with_counts`); any other absent metric is not found.
        self.default = defaults.get(key)
        self.absent: tuple[Any, int] = (None, 0)
        if self.default is not None:
            self.absent = (self.default.statistic(c.statistic), self.default.sample_size)
        team_default = team_defaults.get(key)
        self.team_default = team_default.value if team_default is not None else None
        self.prior = c.prior_weight or 0.0
        if self.prior:
            self.value, self.positives = at[(*key, "value")], at[(*key, "positives")]

    def measure(
        self, columns: list[Sequence[Any]], teams: list[Sequence[Any]] | None, n: int
    ) -> ComponentColumns:
        if not n:
            return ComponentColumns([], [], [], [], [], [], [])
        if self.adjusted:
            return self._measure_adjusted(columns)
        samples, stats = columns[self.sample], columns[self.stat]
        absent_raw, absent_sample = self.absent
        raw = [r if s is not None else absent_raw for r, s in _zip(stats, samples)]
        sample = [s if s is not None else absent_sample for s in samples]
        value = raw
        if self.prior and teams is not None:
            value = self._shrunk(columns, teams, raw)
        least = self.min_sample
        status = [_INSUFFICIENT if v is None or s < least else _OK for v, s in _zip(value, sample)]
        c = self.component
        reached = [attainment(c, v) if st is _OK else None for v, st in _zip(value, status)]
        points = [100 * a if a is not None else None for a in reached]
        return ComponentColumns(value, raw, sample, reached, points, [None] * n, status)

    def _shrunk(
        self, columns: list[Sequence[Any]], teams: list[Sequence[Any]], raw: Column
    ) -> Column:
        """`shrunk_rate` of the snapshot's value (or the absent count's) towards its team's,
        where the metric is found and the snapshot has a team row."""
        samples, values = columns[self.sample], columns[self.value]
        positives, has_team = columns[self.positives], teams[-1]
        team_samples, team_values = teams[self.sample], teams[self.value]
        team_default, prior, default = self.team_default, self.prior, self.default
        out = []
        for r, s, v, p, t, ts, tv in _zip(
            raw, samples, values, positives, has_team, team_samples, team_values
        ):
            if not t or (s is None and default is None):  # no team row, or not found
                out.append(r)
                continue
            rate = tv if ts is not None else team_default
            if s is None and default is not None:  # the absent count (`with_counts`)
                found = shrunk(default.value, default.positives, default.sample_size, prior, rate)
            else:
                found = shrunk(v, p, s, prior, rate)
            out.append(found)
        return out

    def _measure_adjusted(self, columns: list[Sequence[Any]]) -> ComponentColumns:
        # as `_measure_adjusted`: an absent metric has no case mix (a count has none)
        c = self.component
        observed, expected = columns[self.stat], columns[self.expected]
        sample = [s or 0 for s in columns[self.sample]]
        inputs = [adjusted_inputs(c, o, e, s) for o, e, s in _zip(observed, expected, sample)]
        reached = [attainment(c, *i) if i is not None else None for i in inputs]
        points = [100 * a if a is not None else None for a in reached]
        status = [_OK if i is not None else _INSUFFICIENT for i in inputs]
        none = [None] * len(sample)
        return ComponentColumns(
            list(observed), list(observed), sample, reached, points, none, status
        )


def scored_rows(scored: ScoredColumns) -> list[Scored]:
    """Every snapshot's Scored (the portable writer, tests)."""
    return [scored.row(i) for i in range(len(scored))]
