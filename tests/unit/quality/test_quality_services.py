"""The pure parts of the quality services: the samples a review feeds, the cron's week,
the profile's trend periods, and ticket keys."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.periods import Grain, Period
from domain.quality.assignment_service import last_complete_week
from domain.quality.ports import StoredReview, TicketRef
from domain.quality.profile import trend_periods
from domain.quality.review_service import SOURCE, feed_metrics, review_samples
from domain.quality.reviews import ReviewKind
from domain.quality.scorecards import ScaleKind
from tests.unit.quality.builders import category, review, scorecard

CARD = scorecard(
    category("solution", weight=2), category("links", kind=ScaleKind.BINARY, allow_na=True)
)
LATE_EVENING = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # already April 1st in Berlin


def stored(ratings: dict[str, int | None], kind: ReviewKind = ReviewKind.REGULAR) -> StoredReview:
    made = review(CARD, ratings, ticket="generic/T1", reviewer="lead", reviewee="ann", kind=kind)
    return StoredReview("r1", TicketRef("generic", "T1"), made, LATE_EVENING)


def test_a_review_feeds_qa_score_to_the_reviewee_and_reviews_given_to_the_reviewer() -> None:
    samples = review_samples(
        stored({"solution": 4, "links": 1}),
        timezone="Europe/Berlin",
        qa_team="ticket-team",
        reviewer_team="leads",
    )

    assert [(s.metric, s.agent_id, s.value) for s in samples] == [
        ("qa_score", "ann", pytest.approx(100 * (2 * 0.75 + 1) / 3)),
        ("reviews_given", "lead", 1.0),
    ]
    assert {(s.source, s.origin) for s in samples} == {(SOURCE, "review:r1")}
    assert [s.seq for s in samples] == [0, 1]
    # The teams of the review time travel with the samples (not the agents' later teams);
    # dated by review time, tenant-local.
    assert [s.team_id for s in samples] == ["ticket-team", "leads"]
    assert {s.local_day for s in samples} == {date(2026, 4, 1)}
    assert {s.at for s in samples} == {LATE_EVENING}


def test_a_review_with_every_category_n_a_still_counts_as_given_but_has_no_qa_score() -> None:
    card = scorecard(category("links", kind=ScaleKind.BINARY, allow_na=True))
    made = review(card, {"links": None}, reviewer="lead", reviewee="ann")
    samples = review_samples(
        StoredReview("r2", TicketRef("generic", "T1"), made, LATE_EVENING), timezone="UTC"
    )
    assert [s.metric for s in samples] == ["reviews_given"]


def test_a_calibration_review_feeds_no_metric() -> None:
    calibration = stored({"solution": 4, "links": 1}, ReviewKind.CALIBRATION)
    assert review_samples(calibration, timezone="UTC") == []


@pytest.mark.parametrize(
    ("now", "timezone", "week"),
    [
        (datetime(2026, 3, 9, 4, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 2)),
        (datetime(2026, 3, 15, 23, 30, tzinfo=UTC), "UTC", date(2026, 3, 2)),
        # Monday 04:00 UTC is still Sunday in Honolulu: its last complete week is older.
        (datetime(2026, 3, 9, 4, 0, tzinfo=UTC), "Pacific/Honolulu", date(2026, 2, 23)),
        # …which is why the cron runs at 12:00 UTC: the week just ended everywhere.
        (datetime(2026, 3, 9, 12, 0, tzinfo=UTC), "Pacific/Honolulu", date(2026, 3, 2)),
        (datetime(2026, 3, 9, 12, 0, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 3, 2)),
    ],
)
def test_the_scheduled_week_is_the_last_complete_tenant_local_week(
    now: datetime, timezone: str, week: date
) -> None:
    assert last_complete_week(now, timezone) == week


def test_trend_periods_end_with_the_period_oldest_first_and_are_capped() -> None:
    march = Period(Grain.MONTH, date(2026, 3, 1))
    assert [p.start for p in trend_periods(march, 3)] == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert trend_periods(march, 0) == [march]
    assert len(trend_periods(march, 1000)) == 24
    week = Period(Grain.WEEK, date(2026, 1, 5))
    assert trend_periods(week, 2)[0] == Period(Grain.WEEK, date(2025, 12, 29))


@pytest.mark.parametrize("external_id", ["T1", "a/b/c", ""])
def test_a_ticket_key_splits_back_into_source_and_external_id(external_id: str) -> None:
    ref = TicketRef("zendesk", external_id)
    assert TicketRef.of_key(ref.key) == ref


def test_feeding_a_reviews_metrics_takes_the_review_and_samples_by_keyword() -> None:
    with pytest.raises(TypeError):
        feed_metrics(None, "r1", [])  # type: ignore[arg-type, misc]
