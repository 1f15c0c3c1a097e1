"""The evidence sections of the handout, each a list of flowables built from the frozen
evidence only: score and its explanation, metrics beside the team median, quality, support
values, guardrails, goals."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

from api.review_pdf import figures
from api.review_pdf.styles import CELL, SMALL, SUBHEADING, heading, marked, para, table, text
from domain.metrics import Basis
from domain.performance_reviews.evidence import (
    FrozenComponent,
    GoalEvidence,
    PeriodEvidence,
    ValueEvidence,
)
from domain.scoring import ComponentStatus

STATUS = {
    ComponentStatus.OK: "counted",
    ComponentStatus.INSUFFICIENT_DATA: "too few samples",
    ComponentStatus.GATE_FAILED: "gate failed",
}
BETTER = {"HIGHER_IS_BETTER": "higher", "LOWER_IS_BETTER": "lower", "NEUTRAL": "–"}


def per_period(periods: Sequence[PeriodEvidence]) -> list[tuple[str | None, PeriodEvidence]]:
    """The periods of a section, each with its sub-heading when the review has several (an
    annual review's quarters)."""
    several = len(periods) > 1
    return [(figures.period_label(p.period) if several else None, p) for p in periods]


def _titled(title: str | None, flowables: list[Flowable]) -> list[Flowable]:
    return [*heading(title, SUBHEADING), *flowables] if title else flowables


def score(periods: Sequence[PeriodEvidence]) -> list[Flowable]:
    """The KPI model's explanation: each component's value against its target, the points
    it earned and what it added to the total."""
    out: list[Flowable] = []
    for title, p in per_period(periods):
        if p.score is None:
            out += _titled(title, [para("No score for this period (no active KPI model).")])
            continue
        s = p.score
        model = f"Model <b>{text(s.model_name)}</b>, version {s.model_version}"
        if s.failed_gates:
            gates = ", ".join(figures.metric_label(g, Basis.CALENDAR) for g in s.failed_gates)
            model += f" — failed gates: {text(gates)} (the total is capped)"
        rows = [_component_row(c) for c in s.components]
        header = ["Component", "Value", "Target", "Points", "Weight", "Adds", "Status"]
        widths = [57, 22, 21, 15, 17, 15, 27]
        out += _titled(title, [marked(model, SMALL), table(header, rows, widths)])
    return out


def _component_row(c: FrozenComponent) -> list[str | Flowable]:
    label = figures.metric_label(c.metric, c.basis)
    how = f"{c.statistic.value}, {BETTER.get(c.direction.value, '–')} is better"
    cell = marked(f"{text(label)}<br/><font size=6.5>{text(how)}</font>", CELL)
    return [
        cell,
        figures.metric_value(c.metric, c.value),
        figures.metric_value(c.metric, c.target),
        figures.number(c.points),
        figures.number(c.weight, 2),
        figures.number(c.contribution),
        STATUS.get(c.status, c.status.value),
    ]


def metrics(periods: Sequence[PeriodEvidence]) -> list[Flowable]:
    """Every metric of the period beside the median of the agent's team."""
    out: list[Flowable] = []
    header = ["Metric", "Agent", "Samples", "Team median"]
    for title, p in per_period(periods):
        rows = [
            [
                figures.metric_label(m.key, m.basis),
                figures.metric_value(m.key, m.value),
                str(m.sample_size),
                figures.metric_value(m.key, m.team_median),
            ]
            for m in p.metrics
        ]
        out += _titled(title, [table(header, rows, [80, 34, 22, 38])])
    return out


def quality(periods: Sequence[PeriodEvidence]) -> list[Flowable]:
    rows = [
        [
            figures.period_label(p.period),
            figures.number(p.qa_score, 2),
            str(p.qa_reviews),
            str(p.reviews_given),
        ]
        for p in periods
    ]
    header = ["Period", "QA score", "Reviews of the agent", "Reviews given"]
    return [table(header, rows, [54, 40, 44, 36])]


def values(found: Sequence[ValueEvidence]) -> list[Flowable]:
    if not found:
        return [para("The tenant defines no support values.")]
    rows = [[v.label, figures.number(v.mean, 2), str(v.ratings)] for v in found]
    return [table(["Support value", "Mean rating (1–5)", "Ratings"], rows, [110, 40, 24])]


def guardrails(periods: Sequence[PeriodEvidence]) -> list[Flowable]:
    """Signals worth a conversation (they never change the score)."""
    out: list[Flowable] = [
        para("Signals for the conversation; they never change the score.", SMALL)
    ]
    for title, p in per_period(periods):
        rows = [[figures.guardrail_label(k), str(n)] for k, n in p.guardrails]
        out += _titled(title, [table(["Signal", "Count"], rows, [150, 24])])
    return out


def goals(found: Sequence[GoalEvidence]) -> list[Flowable]:
    rows = [
        [
            g.title,
            figures.percent(g.progress),
            (g.status or "–").replace("_", " ").lower(),
            "yes" if g.completed else "no",
        ]
        for g in found
    ]
    return [table(["Goal", "Progress", "Status", "Completed"], rows, [98, 26, 28, 22])]
