"""The performance-review PDF from a handout, no database: its text (read back with
pdftotext) says what the frozen evidence says, tells late changes apart, keeps people's
words as words, and a long review flows onto more pages."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from api.review_pdf import figures
from api.review_pdf.document import render
from api.review_pdf.handout import Handout, late_changes
from domain.guardrails import GUARDRAILS
from domain.metrics import Basis, Direction, Level, Statistic
from domain.performance_reviews.cycles import Cadence, ReviewPeriod
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
from domain.performance_reviews.reviews import Actor, PerformanceReview, Section
from domain.periods import Grain, Period
from domain.scoring import ComponentStatus
from domain.values import with_nulls

pytestmark = pytest.mark.needs("poppler")

MARCH = Period(Grain.MONTH, date(2026, 3, 1))
AT = datetime(2026, 4, 2, 9, 30, tzinfo=UTC)
SOLVED = FrozenComponent(
    "tickets_solved", Statistic.VALUE, Basis.CALENDAR, Direction.HIGHER_IS_BETTER,
    2, 40, 42, 42, 42, 1.0, 100, 66.7, ComponentStatus.OK,
)  # fmt: skip
FRT = FrozenComponent(
    "first_response_time", Statistic.MEDIAN, Basis.BUSINESS, Direction.LOWER_IS_BETTER,
    1, 3600, 4680, 4680, 12, 0.5, 50, 16.7, ComponentStatus.OK,
)  # fmt: skip


def period(p: Period, total: float | None, solved: float = 42.0) -> PeriodEvidence:
    metrics = tuple(
        FrozenMetric(key, basis, solved if key == "tickets_solved" else None, 12, 30.0)
        for key, basis in with_nulls({}, level=Level.AGENT)
    )
    score = FrozenScore(total, "m1", "Support 2026", 3, (), (SOLVED, FRT))
    guardrails = tuple((g.key, 2 if i == 1 else 0) for i, g in enumerate(GUARDRAILS))
    return PeriodEvidence(p, score, metrics, 4.25, 7, 3, guardrails)


def handout(**changes: object) -> Handout:
    trend = (
        TrendPoint(Period(Grain.MONTH, date(2025, 12, 1)), 61.5),
        TrendPoint(Period(Grain.MONTH, date(2026, 1, 1)), None),
        TrendPoint(Period(Grain.MONTH, date(2026, 2, 1)), 70.25),
        TrendPoint(MARCH, 83.3),
    )
    evidence = ReviewEvidence(
        team_id="t1",
        total=83.3,
        periods=(period(MARCH, 83.3),),
        values=(ValueEvidence("empathy", "Empathy", 4.5, 4),),
        trend=trend,
        goals=(GoalEvidence("g1", "Answer within the hour", 0.65, "AT_RISK", False),),
    )
    review = PerformanceReview(
        id="r1",
        cycle_id="c1",
        agent_id="a1",
        reviewer_id="a2",
        period=ReviewPeriod(Cadence.MONTHLY, MARCH.start),
        evidence=evidence,
        created_at=AT,
        feedback=((Section.SCORE, "Strong on volume <b>&amp; more</b>"),),
        overall_rating="Meets",
        self_assessment="I took the escalations queue — Zoë helped.",
        shared=Actor("client-1", "Lea Lead", AT),
        acknowledged=Actor("client-2", None, AT),
    )
    base = Handout(
        review, "Ann Łukasz", "Tier 1", "Lea Lead", "Monthly 1:1", ("Below", "Meets"),
        current=evidence.periods, timezone="Europe/Berlin",
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def pdftotext(pdf: bytes, *options: str) -> str:
    assert pdf.startswith(b"%PDF-")
    done = subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def text_of(pdf: bytes) -> str:
    """The words in the order they are drawn, whatever the line breaks."""
    return " ".join(pdftotext(pdf, "-raw").split())


def rows_of(pdf: bytes) -> list[str]:
    """The lines in the order they are drawn (a table row is one line)."""
    return [" ".join(line.split()) for line in pdftotext(pdf, "-raw").splitlines()]


def row(rows: list[str], start: str) -> str:
    return next(r for r in rows if r.startswith(start))


def test_the_text_says_what_the_frozen_evidence_says() -> None:
    pdf = render(handout())
    text, rows = text_of(pdf), rows_of(pdf)

    for words in (
        "Performance review: Ann Łukasz",
        "Tier 1",
        "Mar 2026 (1 Mar 2026 – 31 Mar 2026)",
        "Lea Lead",
        "ACKNOWLEDGED · shared by Lea Lead on 2026-04-02 11:30 CEST",  # the tenant's clock
        "acknowledged by API client client-2",
        "TOTAL SCORE 83.3 100 = every target met (model Support 2026 v3)",
        "Overall rating: Meets (scale: Below, Meets)",
        "I took the escalations queue — Zoë helped.",
    ):
        assert words in text, words
    assert "Mar 2026 0 25 50 75 100 61.5 70.2 83.3" in text  # the trend chart's labels
    assert "First response time (business hours)" in rows  # the component, its figures:
    assert row(rows, "1 h 18 min 1 h 00 min") == "1 h 18 min 1 h 00 min 50.0 1.00 16.7 counted"
    assert row(rows, "Tickets solved 42 12") == "Tickets solved 42 12 30"
    assert row(rows, "Mar 2026 4.25") == "Mar 2026 4.25 7 3"  # QA score, its reviews, given
    assert row(rows, "Empathy") == "Empathy 4.50 4"
    assert row(rows, "Solves reopened") == "Solves reopened within 72 h 2"
    assert row(rows, "Answer within") == "Answer within the hour 65.0% at risk no"
    assert "Late events" not in text


def test_people_s_words_are_text_not_markup() -> None:
    text = text_of(render(handout()))
    assert "Strong on volume <b>&amp; more</b>" in text


def test_late_changes_are_told_and_the_frozen_figures_stay() -> None:
    moved = handout()
    now = period(MARCH, 90.0, solved=45.0)

    changes = late_changes(replace(moved, current=(now,)))
    text = text_of(render(replace(moved, current=(now,))))

    assert [(c.what, c.frozen, c.current) for c in changes] == [
        ("Total score", "83.3", "90.0"),
        ("Tickets solved", "42 (n=12)", "45 (n=12)"),
    ]
    assert "Late events changed figures after this review was frozen" in text
    rows = rows_of(render(replace(moved, current=(now,))))
    assert row(rows, "Total score") == "Total score 83.3 90.0"
    assert row(rows, "Tickets solved 42 (n=12)") == "Tickets solved 42 (n=12) 45 (n=12)"
    assert "TOTAL SCORE 83.3" in text  # the frozen total is the one shown
    assert "90.0" not in text.replace("83.3 90.0", "")  # the current one only in the notice


def test_an_annual_review_shows_each_quarter_and_a_long_review_flows_onto_pages() -> None:
    quarters = tuple(
        period(Period(Grain.QUARTER, date(2026, m, 1)), 70.0 + m) for m in (1, 4, 7, 10)
    )
    base = handout()
    evidence = replace(base.review.evidence, periods=quarters, total=75.5, goals=())
    long = "A long paragraph of feedback. " * 300  # 9,000 characters
    review = replace(
        base.review,
        period=ReviewPeriod(Cadence.ANNUAL, date(2026, 1, 1)),
        evidence=evidence,
        shared=None,
        acknowledged=None,
        feedback=((Section.SUMMARY, long),),
        self_assessment=None,
    )
    pdf = render(replace(base, review=review, current=quarters))
    text = text_of(pdf)

    assert "2026 (1 Jan 2026 – 31 Dec 2026)" in text
    assert all(q in text for q in ("Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"))
    assert "mean of the quarters' totals" in text
    assert "DRAFT · not shared yet" in text
    assert "Goal progress" not in text  # no goals frozen: no section
    assert "has not written a self-assessment" in text
    assert text.count("paragraph") == 300  # every word, across the page breaks
    assert pdf.count(b"/Type /Page\n") >= 4


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("first_response_time", 45.0, "45 s"),
        ("resolution_time", 2 * 86400 + 3 * 3600, "2 d 03 h"),
        ("handle_time", 605.0, "10 min 05 s"),
        ("csat", 0.875, "87.5%"),
        ("tickets_solved", 2.5, "2.5"),
        ("tickets_solved", 3.0, "3"),
        ("ces", None, figures.NONE),
    ],
)
def test_a_metric_is_written_in_its_unit(key: str, value: float | None, shown: str) -> None:
    assert figures.metric_value(key, value) == shown
