"""JSON forms of domain values stored in JSON columns (snapshots, models)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.metrics import Basis, Direction, Level, Statistic
from domain.model import DEFAULT_CAP, DEFAULT_GATE_CAP, DEFAULT_MIN_SAMPLE, Component, KpiModel
from domain.scoring import ComponentScore, ComponentStatus, ScoreBreakdown
from domain.values import MetricSet, MetricValue


def metrics_to_json(metrics: MetricSet) -> dict[str, dict[str, Any]]:
    """{"key|BASIS": value}: a re-score can pull single metrics out in SQL."""
    return {f"{v.key}|{v.basis.value}": _value_to_json(v) for v in metrics.values()}


def _value_to_json(v: MetricValue) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": v.key,
        "basis": v.basis.value,
        "value": v.value,
        "sample": v.sample_size,
    }
    for name in ("mean", "median", "p90", "positives"):
        if getattr(v, name) is not None:
            out[name] = getattr(v, name)
    if v.interval is not None:
        out["interval"] = list(v.interval)
    return out


def metrics_from_json(items: dict[str, dict[str, Any]]) -> MetricSet:
    out: MetricSet = {}
    for item in items.values():
        interval = item.get("interval")
        value = MetricValue(
            key=item["key"],
            basis=Basis(item["basis"]),
            value=item["value"],
            sample_size=item["sample"],
            mean=item.get("mean"),
            median=item.get("median"),
            p90=item.get("p90"),
            positives=item.get("positives"),
            interval=(interval[0], interval[1]) if interval else None,
        )
        out[(value.key, value.basis)] = value
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


def breakdown_to_json(b: ScoreBreakdown) -> dict[str, Any]:
    return {
        "model": b.model_name,
        "version": b.model_version,
        "total": b.total,
        "uncapped_total": b.uncapped_total,
        "failed_gates": list(b.failed_gates),
        "components": [
            {
                **component_to_json(s.component),
                "value": s.value,
                "raw_value": s.raw_value,
                "sample": s.sample_size,
                "attainment": s.attainment,
                "points": s.points,
                "contribution": s.contribution,
                "status": s.status.value,
            }
            for s in b.components
        ],
    }


def breakdown_from_json(d: dict[str, Any]) -> ScoreBreakdown:
    return ScoreBreakdown(
        model_name=d["model"],
        model_version=d["version"],
        total=d["total"],
        uncapped_total=d.get("uncapped_total"),
        failed_gates=tuple(d.get("failed_gates", ())),
        components=tuple(
            ComponentScore(
                component=component_from_json(c),
                value=c["value"],
                raw_value=c.get("raw_value"),
                sample_size=c["sample"],
                attainment=c["attainment"],
                points=c["points"],
                contribution=c["contribution"],
                status=ComponentStatus(c["status"]),
            )
            for c in d["components"]
        ),
    )
