"""Readiness verdicts (domain.careers.readiness) and the evidence window, with no storage."""

from __future__ import annotations

from datetime import date

import pytest

from domain.careers.readiness import (
    ExpectationReadiness,
    Found,
    Overall,
    Verdict,
    judge,
    summarise,
)
from domain.careers.tracks import (
    CareerError,
    Evidence,
    Expectation,
    GoalsCompletedEvidence,
    LevelSpec,
    MetricEvidence,
    QaScoreEvidence,
    SupportValueEvidence,
    check_track,
    window_of,
)
from domain.metrics import Direction
from domain.periods import Grain, Period

MARCH = Period(Grain.MONTH, date(2026, 3, 1))
SOLVED = MetricEvidence("tickets_solved", 10, Direction.HIGHER_IS_BETTER, window=Grain.MONTH)
FAST = MetricEvidence("first_response_time", 600, Direction.LOWER_IS_BETTER)


@pytest.mark.parametrize(
    ("evidence", "value", "sample", "verdict"),
    [
        (SOLVED, 10.0, 10, Verdict.MET),  # the threshold itself is met
        (SOLVED, 9.0, 9, Verdict.NOT_MET),
        (SOLVED, 0.0, 0, Verdict.INSUFFICIENT_DATA),  # below minSample 1
        (FAST, 600.0, 3, Verdict.MET),
        (FAST, 601.0, 3, Verdict.NOT_MET),
        (FAST, None, 0, Verdict.INSUFFICIENT_DATA),
        (QaScoreEvidence(80, min_reviews=3), 90.0, 3, Verdict.MET),
        (QaScoreEvidence(80, min_reviews=3), 70.0, 3, Verdict.NOT_MET),
        (QaScoreEvidence(80, min_reviews=3), 90.0, 2, Verdict.INSUFFICIENT_DATA),
        (SupportValueEvidence("empathy", 4), 4.0, 1, Verdict.MET),
        (SupportValueEvidence("empathy", 4), 3.5, 2, Verdict.NOT_MET),
        (SupportValueEvidence("empathy", 4), None, 0, Verdict.INSUFFICIENT_DATA),
        (GoalsCompletedEvidence(2), 2.0, 5, Verdict.MET),
        (GoalsCompletedEvidence(2), 0.0, 0, Verdict.NOT_MET),  # no goals: none completed
        (GoalsCompletedEvidence(2), None, 0, Verdict.INSUFFICIENT_DATA),  # no goals engine
    ],
)
def test_a_verdict_weighs_the_value_against_the_expectation(
    evidence: Evidence, value: float | None, sample: int, verdict: Verdict
) -> None:
    assert judge(evidence, Found(value, sample, MARCH)) is verdict


@pytest.mark.parametrize(
    ("grain", "as_of", "window"),
    [
        (Grain.MONTH, date(2026, 4, 1), Period(Grain.MONTH, date(2026, 3, 1))),
        (Grain.MONTH, date(2026, 4, 30), Period(Grain.MONTH, date(2026, 3, 1))),
        (Grain.QUARTER, date(2026, 4, 15), Period(Grain.QUARTER, date(2026, 1, 1))),
        (Grain.QUARTER, date(2026, 3, 31), Period(Grain.QUARTER, date(2025, 10, 1))),
        (Grain.WEEK, date(2026, 3, 4), Period(Grain.WEEK, date(2026, 2, 23))),
    ],
)
def test_the_window_is_the_last_complete_period_before_the_day(
    grain: Grain, as_of: date, window: Period
) -> None:
    assert window_of(grain, as_of) == window


def entries(*verdicts: Verdict) -> list[ExpectationReadiness]:
    return [ExpectationReadiness(i, Expectation("x"), None, v) for i, v in enumerate(verdicts)]


def test_the_summary_counts_verdicts_and_any_failure_makes_not_ready() -> None:
    met, missing, manual = Verdict.MET, Verdict.INSUFFICIENT_DATA, Verdict.MANUAL
    summary = summarise(entries(met, Verdict.NOT_MET, missing, manual))
    assert (summary.overall, summary.met, summary.not_met) == (Overall.NOT_READY, 1, 1)
    assert (summary.insufficient_data, summary.manual) == (1, 1)
    assert summarise(entries(met, missing, manual)).overall is Overall.INCOMPLETE
    assert summarise(entries(met, manual)).overall is Overall.READY
    assert summarise([]).overall is Overall.READY


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        (MetricEvidence("nps", 1, Direction.HIGHER_IS_BETTER), "metric.metric"),  # tenant-level
        (MetricEvidence("csat", float("nan"), Direction.HIGHER_IS_BETTER), "metric.threshold"),
        (MetricEvidence("csat", 1, Direction.HIGHER_IS_BETTER, min_sample=-1), "metric.minSample"),
        (QaScoreEvidence(50, min_reviews=0), "qaScore.minReviews"),
        (SupportValueEvidence("x" * 65, 3), "supportValue.valueKey"),
    ],
)
def test_evidence_that_cannot_be_judged_is_refused(evidence: Evidence, field: str) -> None:
    level = LevelSpec("L", expectations=(Expectation("x", evidence),))
    with pytest.raises(CareerError) as refused:
        check_track("Track", "", (level,))
    assert refused.value.field == f"levels[0].expectations[0].evidence.{field}"
