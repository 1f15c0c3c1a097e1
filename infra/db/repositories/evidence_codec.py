"""A review's frozen evidence as the JSON document stored with it, and back.

The document is versioned (`v`) so a later change of the evidence's shape can still read
the reviews frozen before it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.metrics import Basis, Direction, Statistic
from domain.performance_reviews.evidence import (
    FrozenComponent,
    FrozenMetric,
    FrozenScore,
    GoalEvidence,
    PeriodEvidence,
    ReviewEvidence,
    TrendPoint,
    ValueEvidence,
)
from domain.periods import Grain, Period
from domain.scoring import ComponentStatus

VERSION = 1
Doc = dict[str, Any]


def _period(p: Period) -> Doc:
    return {"grain": p.grain.value, "start": p.start.isoformat()}


def _read_period(d: Doc) -> Period:
    return Period(Grain(d["grain"]), date.fromisoformat(d["start"]))


def _component(c: FrozenComponent) -> Doc:
    return {
        **{k: getattr(c, k) for k in _COMPONENT_NUMBERS},
        "metric": c.metric,
        "statistic": c.statistic.value,
        "basis": c.basis.value,
        "direction": c.direction.value,
        "status": c.status.value,
    }


_COMPONENT_NUMBERS = (
    "weight",
    "target",
    "value",
    "raw_value",
    "sample_size",
    "attainment",
    "points",
    "contribution",
)


def _read_component(d: Doc) -> FrozenComponent:
    return FrozenComponent(
        metric=d["metric"],
        statistic=Statistic(d["statistic"]),
        basis=Basis(d["basis"]),
        direction=Direction(d["direction"]),
        status=ComponentStatus(d["status"]),
        **{k: d[k] for k in _COMPONENT_NUMBERS},
    )


def _score(s: FrozenScore | None) -> Doc | None:
    if s is None:
        return None
    return {
        "total": s.total,
        "model_id": s.model_id,
        "model_name": s.model_name,
        "model_version": s.model_version,
        "failed_gates": list(s.failed_gates),
        "components": [_component(c) for c in s.components],
    }


def _read_score(d: Doc | None) -> FrozenScore | None:
    if d is None:
        return None
    return FrozenScore(
        total=d["total"],
        model_id=d["model_id"],
        model_name=d["model_name"],
        model_version=d["model_version"],
        failed_gates=tuple(d["failed_gates"]),
        components=tuple(_read_component(c) for c in d["components"]),
    )


def _period_evidence(p: PeriodEvidence) -> Doc:
    return {
        "period": _period(p.period),
        "score": _score(p.score),
        "metrics": [
            [m.key, m.basis.value, m.value, m.sample_size, m.team_median] for m in p.metrics
        ],
        "qa_score": p.qa_score,
        "qa_reviews": p.qa_reviews,
        "reviews_given": p.reviews_given,
        "guardrails": [list(g) for g in p.guardrails],
    }


def _read_period_evidence(d: Doc) -> PeriodEvidence:
    return PeriodEvidence(
        period=_read_period(d["period"]),
        score=_read_score(d["score"]),
        metrics=tuple(
            FrozenMetric(key, Basis(basis), value, n, median)
            for key, basis, value, n, median in d["metrics"]
        ),
        qa_score=d["qa_score"],
        qa_reviews=d["qa_reviews"],
        reviews_given=d["reviews_given"],
        guardrails=tuple((key, count) for key, count in d["guardrails"]),
    )


def encode(e: ReviewEvidence) -> Doc:
    return {
        "v": VERSION,
        "team_id": e.team_id,
        "total": e.total,
        "periods": [_period_evidence(p) for p in e.periods],
        "values": [[v.key, v.label, v.mean, v.ratings] for v in e.values],
        "trend": [[_period(t.period), t.total] for t in e.trend],
        "goals": [[g.goal_id, g.title, g.progress, g.status, g.completed] for g in e.goals],
    }


def decode(d: Doc) -> ReviewEvidence:
    return ReviewEvidence(
        team_id=d["team_id"],
        total=d["total"],
        periods=tuple(_read_period_evidence(p) for p in d["periods"]),
        values=tuple(ValueEvidence(*v) for v in d["values"]),
        trend=tuple(TrendPoint(_read_period(p), total) for p, total in d["trend"]),
        goals=tuple(GoalEvidence(*g) for g in d["goals"]),
    )
