"""Review cycles, frozen evidence and a review's life, as pure functions (no storage)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.metrics import Basis, Direction, Level
from domain.model import Component, KpiModel
from domain.performance_reviews import reviews as steps
from domain.performance_reviews.cycles import (
    Cadence,
    ReviewCycle,
    check_complete,
    check_cycle,
    last_complete_period,
    review_period,
)
from domain.performance_reviews.errors import InvalidTransitionError, PerformanceError
from domain.performance_reviews.evidence import (
    ReviewEvidence,
    TrendPoint,
    ValueEvidence,
    figure_changed,
    headline_total,
    period_changed,
    period_evidence,
)
from domain.performance_reviews.reviews import PerformanceReview, ReviewStatus, Section
from domain.periods import Grain, Period
from domain.scoring import score
from domain.snapshots import Snapshot
from domain.values import MetricValue
from infra.db.repositories.evidence_codec import decode, encode

NOW = datetime(2026, 4, 2, 12, tzinfo=UTC)
MARCH = Period(Grain.MONTH, date(2026, 3, 1))
MODEL = KpiModel(
    "Solves",
    (Component("tickets_solved", 1, 2, Direction.HIGHER_IS_BETTER, min_sample=1),),
    version=3,
)


def snapshot(solved: int, *, agent: str = "ann", period: Period = MARCH) -> Snapshot:
    metrics = {
        ("tickets_solved", Basis.CALENDAR): MetricValue(
            "tickets_solved", Basis.CALENDAR, solved, solved
        )
    }
    return Snapshot(
        Level.AGENT, agent, period, metrics, score(MODEL, metrics), "model-1",
        signals={"quick_reopen": 1},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("cadence", "day", "start", "end"),
    [
        (Cadence.WEEKLY, date(2026, 3, 5), date(2026, 3, 2), date(2026, 3, 9)),
        (Cadence.MONTHLY, date(2026, 3, 31), date(2026, 3, 1), date(2026, 4, 1)),
        (Cadence.QUARTERLY, date(2026, 5, 1), date(2026, 4, 1), date(2026, 7, 1)),
        (Cadence.ANNUAL, date(2026, 7, 9), date(2026, 1, 1), date(2027, 1, 1)),
    ],
)
def test_each_cadence_has_its_calendar_period(
    cadence: Cadence, day: date, start: date, end: date
) -> None:
    period = review_period(cadence, day)
    assert (period.start, period.end) == (start, end)


def test_an_annual_review_covers_its_four_quarters() -> None:
    quarters = review_period(Cadence.ANNUAL, date(2025, 6, 1)).grain_periods()
    assert [q.start for q in quarters] == [date(2025, m, 1) for m in (1, 4, 7, 10)]
    assert {q.grain for q in quarters} == {Grain.QUARTER}


def test_the_last_complete_period_is_the_one_before_todays_in_the_tenants_zone() -> None:
    # 2026-04-01 00:30 in Berlin is still March 31 in UTC.
    at = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    assert last_complete_period(Cadence.MONTHLY, at, "Europe/Berlin").start == date(2026, 3, 1)
    assert last_complete_period(Cadence.MONTHLY, at, "UTC").start == date(2026, 2, 1)


def test_a_period_not_over_is_refused() -> None:
    with pytest.raises(PerformanceError) as refused:
        check_complete(review_period(Cadence.MONTHLY, date(2026, 4, 1)), NOW, "UTC")
    assert refused.value.field == "periodStart"
    check_complete(review_period(Cadence.MONTHLY, date(2026, 3, 1)), NOW, "UTC")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"team_ids": (), "agent_ids": ()}, "teamIds"),
        ({"rating_scale": ("Only",)}, "ratingScale"),
        ({"rating_scale": ("Meets", "Meets")}, "ratingScale"),
        ({"team_reviewers": (("t1", "a"), ("t1", "b"))}, "teamReviewers"),
    ],
)
def test_a_cycle_definition_is_checked(change: dict[str, object], field: str) -> None:
    fields: dict[str, object] = {
        "id": "c1", "name": "Monthly", "cadence": Cadence.MONTHLY, "reviewer_id": "lead",
        "rating_scale": ("Below", "Meets"), "team_ids": ("t1",),
    }  # fmt: skip
    with pytest.raises(PerformanceError) as refused:
        check_cycle(ReviewCycle(**{**fields, **change}))  # type: ignore[arg-type]
    assert refused.value.field == field


def test_a_team_reviewer_stands_in_for_the_cycles() -> None:
    cycle = ReviewCycle(
        "c", "M", Cadence.MONTHLY, "lead", ("a", "b"), team_reviewers=(("t2", "boss"),)
    )
    assert (cycle.reviewer_for("t2"), cycle.reviewer_for("t1"), cycle.reviewer_for(None)) == (
        "boss",
        "lead",
        "lead",
    )


def test_period_evidence_freezes_score_metrics_team_median_and_guardrails() -> None:
    own = snapshot(3)
    frozen = period_evidence(
        MARCH, own, [own, snapshot(1, agent="bob"), None, snapshot(4, agent="cy")]
    )
    solved = frozen.metric("tickets_solved")
    assert solved is not None
    assert (solved.value, solved.sample_size, solved.team_median) == (3, 3, 3)
    assert frozen.score is not None and frozen.score.model_version == 3
    assert frozen.score.model_id == "model-1" and frozen.total == pytest.approx(120)
    assert [c.metric for c in frozen.score.components] == ["tickets_solved"]
    assert dict(frozen.guardrails)["quick_reopen"] == 1
    assert frozen.metric("csat") is not None  # every agent metric, null when none
    assert period_evidence(MARCH, None).score is None


def test_a_changed_figure_is_told_apart_from_float_noise() -> None:
    assert not figure_changed(0.1 + 0.2, 0.3)
    assert figure_changed(None, 0.0) and figure_changed(1.0, None)
    assert not figure_changed(None, None)
    frozen = period_evidence(MARCH, snapshot(1))
    assert not period_changed(frozen, period_evidence(MARCH, snapshot(1)))
    assert period_changed(frozen, period_evidence(MARCH, snapshot(2)))
    assert period_changed(frozen, period_evidence(MARCH, None))


def test_an_annual_total_is_the_mean_of_its_scored_quarters() -> None:
    quarters = [Period(Grain.QUARTER, date(2026, m, 1)) for m in (1, 4, 7, 10)]
    periods = [
        period_evidence(q, snapshot(n, period=q) if n else None)
        for q, n in zip(quarters, (1, 2, 0, 0), strict=True)
    ]
    assert headline_total(periods) == pytest.approx((50 + 100) / 2)
    assert headline_total(periods[:1]) == pytest.approx(50)


def test_the_stored_evidence_reads_back_equal() -> None:
    own = snapshot(3)
    evidence = ReviewEvidence(
        team_id="t1",
        total=120.0,
        periods=(
            period_evidence(MARCH, own, [own, snapshot(1, agent="bob")]),
            period_evidence(MARCH, None),
        ),
        values=(ValueEvidence("care", "Care", 4.5, 2), ValueEvidence("grit", "Grit", None, 0)),
        trend=(TrendPoint(Period(Grain.MONTH, date(2026, 2, 1)), None), TrendPoint(MARCH, 120.0)),
    )
    assert decode(encode(evidence)) == evidence


def draft() -> PerformanceReview:
    evidence = ReviewEvidence(team_id=None, total=None, periods=())
    period = review_period(Cadence.MONTHLY, MARCH.start)
    return PerformanceReview("r", "c", "ann", "lead", period, evidence, NOW)


def test_a_review_goes_draft_shared_acknowledged_with_who_and_when() -> None:
    review = steps.with_feedback(draft(), Section.TREND, " Rising. ")
    review = steps.with_feedback(review, Section.SCORE, "On target.")
    review = steps.with_rating(review, "Meets", ("Below", "Meets"))
    shared = steps.share(review, steps.actor("client-1", " Lea ", NOW))
    own = steps.with_self_assessment(shared, "Fair.")
    acked = steps.acknowledge(own, steps.actor("client-2", None, NOW))
    assert [s for s, _ in acked.feedback] == [Section.SCORE, Section.TREND]  # section order
    assert dict(acked.feedback)[Section.TREND] == "Rising."
    assert (acked.status, acked.overall_rating, acked.self_assessment) == (
        ReviewStatus.ACKNOWLEDGED, "Meets", "Fair.",
    )  # fmt: skip
    assert acked.shared == steps.Actor("client-1", "Lea", NOW)
    assert acked.acknowledged == steps.Actor("client-2", None, NOW)
    cleared = steps.with_feedback(review, Section.SCORE, "  ")
    assert Section.SCORE not in dict(cleared.feedback)


def test_steps_out_of_order_are_typed_errors() -> None:
    who = steps.actor("client", None, NOW)
    shared = steps.share(draft(), who)
    acked = steps.acknowledge(shared, who)
    refusals = [
        lambda: steps.acknowledge(draft(), who),
        lambda: steps.share(shared, who),
        lambda: steps.with_feedback(shared, Section.SCORE, "late"),
        lambda: steps.with_rating(shared, None, ("a", "b")),
        lambda: steps.with_self_assessment(acked, "late"),
    ]
    for refused in refusals:
        with pytest.raises(InvalidTransitionError):
            refused()
    with pytest.raises(PerformanceError, match="rating scale"):
        steps.with_rating(draft(), "Stellar", ("Below", "Meets"))
