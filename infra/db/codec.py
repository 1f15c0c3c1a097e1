"""JSON forms of domain values stored in JSON columns (snapshots, models)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.casemix import Adjustment, StratumRow, compare, comparison_of
from domain.metrics import Basis, Direction, Level, Statistic
from domain.model import DEFAULT_CAP, DEFAULT_GATE_CAP, DEFAULT_MIN_SAMPLE, Component, KpiModel
from domain.scoring import ComponentScore, ComponentStatus, ScoreBreakdown, completed
from domain.stats import wilson_interval
from domain.values import MetricSet, MetricValue, Numbers


def metrics_to_json(metrics: MetricSet) -> dict[str, list[Any]]:
    """{"key|BASIS": [value, sample, mean, median, p90, positives, ci_low, ci_high,
    *case mix*]} with trailing nulls dropped: compact (snapshots are many) and
    addressable from SQL by key. Case mix (from CASE_MIX_AT): observed, expected,
    adjusted, its interval, the strata as [key, observed, expected, sample size]; less
    where the rest tells it (`_case_mix_to_json`).
    The Wilson interval is stored as it is read (issue 12: a read recomputed it for every
    rate of every subject); rows written before it was stored lack it, and
    `metrics_from_json` computes it for them, so they read the same until `fairscore
    recompute` rewrites them."""
    out: dict[str, list[Any]] = {}
    for v in metrics.values():
        interval = wilson_interval(v.positives, v.sample_size) if v.positives is not None else None
        row = _row((v.value, v.sample_size, v.mean, v.median, v.p90, v.positives, interval))
        if v.case_mix is not None:
            row += _case_mix_to_json(v.case_mix)
        out[metric_key(v.key, v.basis)] = _trimmed(row)
    return out


def numbers_to_json(numbers: Numbers, case_mix: Adjustment | None = None) -> list[Any]:
    """A metric stored from its numbers and adjustment (a bulk rebuild's), as
    `metrics_to_json` stores its MetricValue."""
    row = _row(numbers)
    if case_mix is not None:
        row += _case_mix_to_json(case_mix)
    return _trimmed(row)


def metric_key(key: str, basis: Basis) -> str:
    return f"{key}|{basis.value}"


def _row(numbers: Numbers) -> list[Any]:
    value, sample, mean, median, p90, positives, interval = numbers
    low, high = interval or (None, None)
    return [value, sample, mean, median, p90, positives, low, high]


def _trimmed(row: list[Any]) -> list[Any]:
    while row and row[-1] is None:
        row.pop()
    return row


_BASES = {b.value: b for b in Basis}
_PAD = (None,) * 8
# After the metric's own numbers: observed, expected, adjusted, its interval, the strata.
CASE_MIX_AT = 8


def _case_mix_to_json(a: Adjustment) -> list[Any]:
    """Nothing stored twice (a rebuild writes one per subject, adjusted stream and period,
    and the database parses each): the adjusted value is null when it is the comparison of
    observed and expected and has an interval (before, a null adjusted value had none), and
    a single stratum holding all the subject's observations (observed, expected and sample
    size the adjustment's own) is its key alone."""
    low, high = a.interval or (None, None)
    adjusted = a.adjusted
    if low is not None and a.expected is not None:
        adjusted = None if adjusted == compare(a.comparison, a.observed, a.expected) else adjusted
    alone = a.strata[0] if len(a.strata) == 1 else None
    if alone is not None and alone == (alone.key, a.observed, a.expected, a.sample_size):
        return [a.observed, a.expected, adjusted, low, high, alone.key]
    strata = [[s.key, s.observed, s.expected, s.sample_size] for s in a.strata]
    return [a.observed, a.expected, adjusted, low, high, strata or None]


def _case_mix_from_json(key: str, sample_size: int, row: list[Any]) -> Adjustment | None:
    """Either form: `_case_mix_to_json`'s, or (rows written before it) every number."""
    comparison = comparison_of(key)
    if len(row) <= CASE_MIX_AT or comparison is None:
        return None
    observed, expected, adjusted, low, high, strata = (*row[CASE_MIX_AT:], *_PAD)[:6]
    if adjusted is None and low is not None:
        adjusted = compare(comparison, observed, expected)
    if isinstance(strata, str):
        rows: tuple[StratumRow, ...] = (StratumRow(strata, observed, expected, sample_size),)
    else:
        rows = tuple(StratumRow(*s) for s in strata or ())
    interval = None if low is None else (low, high)
    return Adjustment(comparison, observed, expected, sample_size, adjusted, interval, rows)


def metrics_from_json(items: dict[str, list[Any]], *, intervals: bool = True) -> MetricSet:
    """`intervals=False` skips the Wilson intervals (a re-score does not read them)."""
    out: MetricSet = {}
    for name, row in items.items():
        key, _, basis_name = name.partition("|")
        value, sample, mean, median, p90, positives, low, high = (*row, *_PAD)[:8]
        interval = None
        if intervals and positives is not None:
            # stored since issue 12; computed for rows written before
            interval = (low, high) if low is not None else wilson_interval(positives, sample)
        out[(key, _BASES[basis_name])] = MetricValue(
            key,
            _BASES[basis_name],
            value,
            sample,
            mean,
            median,
            p90,
            positives,
            interval,
            _case_mix_from_json(key, sample, row),
        )
    return out


def component_to_json(c: Component) -> dict[str, Any]:
    return {
        "metric": c.metric,
        "weight": c.weight,
        "target": c.target,
        "direction": c.direction.value,
        "statistic": c.statistic.value,
        "basis": c.basis.value,
        "cap": c.cap,
        "min_sample": c.min_sample,
        "gate_min": c.gate_min,
        "prior_weight": c.prior_weight,
        "adjusted": c.adjusted,
    }


def component_from_json(d: dict[str, Any]) -> Component:
    return Component(
        metric=d["metric"],
        weight=float(d["weight"]),
        target=float(d["target"]),
        direction=Direction(d["direction"]),
        statistic=Statistic(d.get("statistic", "value")),
        basis=Basis(d.get("basis", "CALENDAR")),
        cap=float(d.get("cap", DEFAULT_CAP)),
        min_sample=int(d.get("min_sample", DEFAULT_MIN_SAMPLE)),
        gate_min=d.get("gate_min"),
        prior_weight=d.get("prior_weight"),
        adjusted=bool(d.get("adjusted", False)),
    )


def model_definition(model: KpiModel) -> dict[str, Any]:
    return {
        "components": [component_to_json(c) for c in model.components],
        "gate_cap": model.gate_cap,
    }


def model_from_row(
    *,
    id: str,
    name: str,
    version: int,
    level: str,
    team_id: str | None,
    effective_from: date,
    definition: dict[str, Any],
) -> KpiModel:
    return KpiModel(
        id=id,
        name=name,
        version=version,
        level=Level(level),
        team_id=team_id,
        effective_from=effective_from,
        components=tuple(component_from_json(c) for c in definition["components"]),
        gate_cap=float(definition.get("gate_cap", DEFAULT_GATE_CAP)),
    )


_STATUSES = tuple(ComponentStatus)
_STATUS_CODE = {status: code for code, status in enumerate(_STATUSES)}


def breakdown_to_json(b: ScoreBreakdown) -> dict[str, Any]:
    """Results only, and only those the model cannot recompute: per component [value,
    raw value, sample size, attainment, status], and the failed gates when some failed.
    The components' definitions live in the model version the snapshot names (model_id,
    model_version); points, contributions and totals follow from them
    (`domain.scoring.completed`), so a re-score writes a few numbers per component."""
    out: dict[str, Any] = {
        "c": [
            [s.value, s.raw_value, s.sample_size, s.attainment, _STATUS_CODE[s.status]]
            for s in b.components
        ]
    }
    if b.failed_gates:
        out["g"] = list(b.failed_gates)
    return out


def breakdown_from_json(d: dict[str, Any], model: KpiModel) -> ScoreBreakdown:
    """Either form: the results only, or (rows written before it) every number, with
    the totals ("t", "u") and seven numbers per component."""
    if "u" not in d:
        results = [(c[0], c[1], c[2], c[3], _STATUSES[c[4]]) for c in d["c"]]
        return completed(model, results, tuple(d.get("g", ())))
    return ScoreBreakdown(
        model_name=model.name,
        model_version=model.version,
        total=d["t"],
        uncapped_total=d["u"],
        failed_gates=tuple(d["g"]),
        components=tuple(
            ComponentScore(
                component=component,
                value=c[0],
                raw_value=c[1],
                sample_size=c[2],
                attainment=c[3],
                points=c[4],
                contribution=c[5],
                status=_STATUSES[c[6]],
            )
            for component, c in zip(model.components, d["c"], strict=True)
        ),
    )
