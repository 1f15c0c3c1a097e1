"""From summarised sample streams to metric values (SPEC §4 statistics).

SQL summarises each sample stream per subject and period into an `Aggregate`; this
module turns those into `MetricValue`s: defaults, extra statistics, Wilson intervals,
derived ratios, and null where there is no data — except counts, which are 0 (SPEC §4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from domain import metrics as m
from domain.casemix.standardise import Adjustment
from domain.metrics import Basis, Kind, Level, Statistic
from domain.metrics.workload import ACTIVITY, ASSIGNMENT
from domain.stats import mean, median, nearest_rank, wilson_interval


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One sample stream's summary for one subject and period."""

    count: int
    total: float
    median: float | None = None
    p90: float | None = None
    distinct_tickets: int = 0

    @classmethod
    def of(cls, values: list[float], tickets: Iterable[str] = ()) -> Aggregate:
        """The in-memory equivalent of the SQL summary (used by tests and previews)."""
        return cls(
            count=len(values),
            total=float(sum(values)),
            median=median(values),
            p90=nearest_rank(values, 90),
            distinct_tickets=len(set(tickets)),
        )


StreamKey = tuple[str, Basis]


@dataclass(frozen=True, slots=True)
class MetricValue:
    key: str
    basis: Basis
    value: float | None
    sample_size: int
    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    positives: float | None = None
    interval: tuple[float, float] | None = None
    case_mix: Adjustment | None = None  # SPEC §8: observed against expected for the mix

    @property
    def observed(self) -> float | None:
        """The value case mix compares: the mean (a rate's value)."""
        return self.case_mix.observed if self.case_mix else None

    @property
    def expected(self) -> float | None:
        """What the reference would show on this subject's mix (SPEC §8)."""
        return self.case_mix.expected if self.case_mix else None

    def statistic(self, statistic: Statistic) -> float | None:
        if statistic is Statistic.MEDIAN:
            return self.median
        if statistic is Statistic.MEAN:
            return self.mean
        if statistic is Statistic.P90:
            return self.p90
        return self.value


@dataclass(frozen=True, slots=True)
class PeriodContext:
    """Facts about the period that are not samples (admin-entered figures)."""

    active_users: int | None = None


MetricSet = dict[StreamKey, MetricValue]


def metric_values(
    aggregates: Mapping[StreamKey, Aggregate],
    *,
    level: Level,
    context: PeriodContext | None = None,
    has_business_hours: bool = False,
) -> MetricSet:
    """The metrics defined at `level` that have data, and the level's counts (0 when
    nothing was counted); a metric left out is null.

    Sparse on purpose: snapshots of quiet subjects stay small. `with_nulls` gives the
    complete set for display."""
    context = context or PeriodContext()
    out: MetricSet = {}
    for definition in metrics_at(level):
        if definition.kind is Kind.DERIVED:
            value = _derived(definition.key, aggregates, context)
            if value.value is not None or value.sample_size:
                out[(definition.key, Basis.CALENDAR)] = value
            continue
        for basis in bases_of(definition, has_business_hours):
            agg = aggregates.get((definition.key, basis))
            if agg is not None and agg.count:
                out[(definition.key, basis)] = _value(definition, basis, aggregates, context)
    return with_counts(out, level=level)


def with_nulls(metrics: Mapping[StreamKey, MetricValue], *, level: Level) -> MetricSet:
    """Every metric of `level` in both bases where they apply, for a listed subject:
    `empty_value` where none was stored."""
    out: MetricSet = {}
    for definition in metrics_at(level):
        bases = (
            bases_of(definition, True) if definition.kind is not Kind.DERIVED else (Basis.CALENDAR,)
        )
        for basis in bases:
            key = (definition.key, basis)
            out[key] = metrics.get(key) or empty_value(definition, basis)
    return out


def with_counts(metrics: Mapping[StreamKey, MetricValue], *, level: Level) -> MetricSet:
    """`metrics` plus a 0 for each count of `level` it lacks (stored sets omit them)."""
    out = dict(metrics)
    for key, empty in _empty_counts(level):
        out.setdefault(key, empty)
    return out


@lru_cache(maxsize=8)
def _empty_counts(level: Level) -> tuple[tuple[StreamKey, MetricValue], ...]:
    # once per level: every snapshot read goes through with_counts
    return tuple(((d.key, Basis.CALENDAR), empty_value(d)) for d in metrics_at(level) if d.is_count)


def empty_value(definition: m.MetricDef, basis: Basis = Basis.CALENDAR) -> MetricValue:
    """A metric with no data (SPEC §4): null, except a count, which is 0 — sample size 0
    and no interval either way (a count is not a rate)."""
    return MetricValue(definition.key, basis, 0.0 if definition.is_count else None, 0)


def is_empty(value: MetricValue) -> bool:
    if value.sample_size:  # the common case, without building the empty value
        return False
    return value == empty_value(m.get(value.key), value.basis)


def has_data(metrics: Mapping[StreamKey, MetricValue]) -> bool:
    """Whether anything was measured: counts of 0 alone are not data."""
    return not all(is_empty(v) for v in metrics.values())


@lru_cache(maxsize=8)
def metrics_at(level: Level) -> tuple[m.MetricDef, ...]:
    """The metrics measured at `level`, in the dictionary's order."""
    return tuple(d for d in m.DEFINITIONS if level in d.levels)


def bases_of(definition: m.MetricDef, business: bool) -> tuple[Basis, ...]:
    """The bases a metric is measured on: business hours too for a duration, when the
    tenant has them."""
    if definition.is_duration and business:
        return (Basis.CALENDAR, Basis.BUSINESS)
    return (Basis.CALENDAR,)


def _value(
    definition: m.MetricDef,
    basis: Basis,
    aggregates: Mapping[StreamKey, Aggregate],
    context: PeriodContext,
) -> MetricValue:
    key = definition.key
    if definition.kind is Kind.DERIVED:
        return _derived(key, aggregates, context)
    agg = aggregates.get((key, basis))
    if agg is None or agg.count == 0:
        return empty_value(definition, basis)
    summary = (agg.count, agg.total, agg.median, agg.p90, agg.distinct_tickets)
    return MetricValue(key, basis, *stream_numbers(definition, summary))


# A MetricValue's numbers after its key and basis, before any case mix: (value,
# sample_size, mean, median, p90, positives, interval). The rules below give them from a
# stream's summary; `metric_values` wraps them in MetricValues, a bulk rebuild stores
# them as they are (domain.values_columns).
Numbers = tuple[
    float | None,
    int,
    float | None,
    float | None,
    float | None,
    float | None,
    tuple[float, float] | None,
]
NO_DATA: Numbers = (None, 0, None, None, None, None, None)


# A stream's summary as the statistics give it: (count, total, median, p90, distinct
# tickets); the median and p90 of durations only, the tickets where counted.
Summary = tuple[int, float, float | None, float | None, int | None]


def stream_numbers(definition: m.MetricDef, summary: Summary) -> Numbers:
    """A measured (not derived) metric's numbers from its stream's summary (count > 0)."""
    count, total, median, p90, tickets = summary
    if definition.is_count:
        return (float(count), count, None, None, None, None, None)
    average = total / count
    if definition.kind is Kind.DURATION:
        return (median, count, average, median, p90, None, None)
    if definition.kind is Kind.RATE:
        return rate_numbers(total, count)
    if definition.distinct_tickets:
        # Mean over tickets of each ticket's summed samples (handle time: several reports).
        ticket_count = tickets or 0
        per_ticket = total / ticket_count
        return (per_ticket, ticket_count, per_ticket, None, None, None, None)
    return (average, count, average, None, None, None, None)


def rate_numbers(positives: float, total: int) -> Numbers:
    if total == 0:
        return NO_DATA
    interval = wilson_interval(positives, total)
    return (positives / total, total, None, None, None, positives, interval)


def _derived(
    key: str, aggregates: Mapping[StreamKey, Aggregate], context: PeriodContext
) -> MetricValue:
    def count(stream: str) -> int:
        agg = aggregates.get((stream, Basis.CALENDAR))
        return agg.count if agg else 0

    activity = aggregates.get((ACTIVITY.key, Basis.CALENDAR))
    assigned = aggregates.get((ASSIGNMENT.key, Basis.CALENDAR))
    inputs = DerivedInputs(
        csat=count("csat"),
        solved=count("tickets_solved"),
        created=count("tickets_created"),
        users=context.active_users,
        activity=activity.total if activity else 0.0,
        assigned=assigned.distinct_tickets if assigned else 0,
    )
    return MetricValue(key, Basis.CALENDAR, *derived_numbers(key, inputs))


@dataclass(frozen=True, slots=True)
class DerivedInputs:
    """What the derived metrics read of a subject's streams (0 where it has none) and
    of its period."""

    csat: int  # ratings
    solved: int  # tickets solved
    created: int  # tickets created
    users: int | None  # the period's active users (admin-entered)
    activity: float  # seconds of activity
    assigned: int  # distinct tickets assigned


def derived_numbers(key: str, inputs: DerivedInputs) -> Numbers:
    if key == "csat_response_rate":
        # 0 when nothing was rated, null when nothing was solved (SPEC §4).
        return rate_numbers(inputs.csat, inputs.solved)
    if key == "contact_ratio":
        created, users = inputs.created, inputs.users
        if not users or not created:
            return NO_DATA
        return (created / users, users, None, None, None, None, None)
    if key == "conversations_per_hour":
        hours = inputs.activity / 3600
        if hours <= 0:
            return NO_DATA
        per_hour = inputs.assigned / hours
        return (per_hour, inputs.assigned, per_hour, None, None, None, None)
    raise KeyError(f"no derivation for {key!r}")


def summarise(values: list[float]) -> tuple[float | None, float | None, float | None]:
    """(median, mean, p90) of raw values — a convenience for tests and previews."""
    return median(values), mean(values), nearest_rank(values, 90)
