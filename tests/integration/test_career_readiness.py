"""Issue 14 acceptance: `careerReadiness` for an agent against a target level lists each
expectation with its evidence and verdict — one met and one unmet expectation of each
evidence kind — read through the API from what Fairscore stores.

Every window here is MONTH, judged as of the first day of next month: the window is then
the current month, where the reviews submitted by the test are dated.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.periods import Grain, local_midnight, period_end, period_start
from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.factories import Ticket
from tests.support.careers import CareerDesk, expect, level
from tests.support.derive import apply_and_settle, settle
from tests.support.goals import GoalsClient
from tests.support.quality import Desk, open_desk, ratings
from tests.support.sql import statements

MONTH = "MONTH"
SOLVED = {"metric": "tickets_solved", "direction": "HIGHER_IS_BETTER", "window": MONTH}
FIRST_REPLY = {
    "metric": "first_response_time",
    "statistic": "MEDIAN",
    "direction": "LOWER_IS_BETTER",
    "window": MONTH,
}
SENIOR = level(
    "Senior",
    expect("Solves 2 tickets a month", metric={**SOLVED, "threshold": 2}),
    expect("Answers within a minute", metric={**FIRST_REPLY, "threshold": 60}),
    expect("QA of 50 or more", qaScore={"minScore": 50, "minReviews": 2, "window": MONTH}),
    expect("QA of 90 or more", qaScore={"minScore": 90, "minReviews": 2, "window": MONTH}),
    expect("Empathy of 3", supportValue={"valueKey": "empathy", "minRating": 3,
                                         "minRatings": 2, "window": MONTH}),
    expect("Empathy of 4", supportValue={"valueKey": "empathy", "minRating": 4,
                                         "minRatings": 2, "window": MONTH}),
    expect("Mentors a new hire"),
    expect("CSAT of 90%", metric={"metric": "csat", "threshold": 0.9,
                                  "direction": "HIGHER_IS_BETTER", "window": MONTH}),
    expect("Completed a goal", goalsCompleted={"minCompleted": 1}),
    expect("Completed two goals", goalsCompleted={"minCompleted": 2}),
)  # fmt: skip


def this_month(timezone: str) -> tuple[date, date]:
    """The tenant-local current month: its first day and the first day after it."""
    today = datetime.now(UTC).astimezone(ZoneInfo(timezone)).date()
    start = period_start(Grain.MONTH, today)
    return start, period_end(Grain.MONTH, start)


def work_this_month(desk: Desk) -> None:
    """Ann solves three tickets early this month, first answering each after 10 minutes."""
    start, _ = this_month(desk.tenant.timezone)
    base = local_midnight(start, desk.tenant.timezone) + timedelta(minutes=5)
    events: list[dict[str, Any]] = []
    for n in range(3):
        ticket = Ticket(f"T-NOW-{n}", base=base).created(0, assignee="ann").customer(1)
        events += ticket.agent(10, "ann").solve(60).events
    apply_and_settle(desk.container, desk.tenant.id, source="generic", events=events)


def reviews_and_ratings(desk: Desk) -> None:
    """Two reviews of Ann (100 and 62.5: mean 81.25) and two empathy ratings (4 and 3)."""
    card = desk.scorecard()["id"]
    for ticket, given in (("T-NOW-0", ratings(5, 3, 1)), ("T-NOW-1", ratings(3, 2, 1))):
        review = desk.submit(
            scorecardId=card,
            ticket={"externalId": ticket},
            reviewerId=desk.agents["lead"],
            ratings=given,
        )
        assert review["__typename"] == "Review", review
    values = "mutation($v: [SupportValueInput!]!) { setSupportValues(values: $v) { __typename } }"
    desk.data(values, v=[{"key": "empathy", "label": "Empathy"}])
    rate = """mutation($i: ValueRatingInput!) { rateValue(input: $i) { __typename } }"""
    start, _ = this_month(desk.tenant.timezone)
    for rater, rating in (("lead", 4), ("bob", 3)):
        given = {
            "agentId": desk.agents["ann"],
            "raterId": desk.agents[rater],
            "valueKey": "empathy",
            "period": {"grain": MONTH, "start": start.isoformat()},
            "rating": rating,
        }
        assert desk.data(rate, i=given)["rateValue"]["__typename"] == "ValueRating"


def two_goals(careers: CareerDesk) -> None:
    """Two manual goals of Ann: one completed (progress 1), one half way."""
    start, next_month = this_month(careers.desk.tenant.timezone)
    days = {"startDate": start.isoformat(), "endDate": next_month.isoformat()}
    goals = GoalsClient(careers.desk.client, careers.token)
    for title, progress in (("Own billing", 1.0), ("Write the runbook", 0.5)):
        own = {"ownerKind": "AGENT", "ownerId": careers.desk.agents["ann"], "kind": "MANUAL"}
        made = goals.create(title=title, progress=progress, **own, **days)
        assert made["__typename"] == "Goal", made
    settle(careers.desk.container)  # the engine stores progress and completion


@pytest.fixture
def careers(container: Container, tenant: TenantProfile) -> CareerDesk:
    desk = open_desk(container, tenant)
    work_this_month(desk)
    reviews_and_ratings(desk)
    careers = CareerDesk(desk)
    two_goals(careers)
    return careers


def test_readiness_lists_each_expectation_with_its_evidence_and_verdict(
    careers: CareerDesk,
) -> None:
    track = careers.track("Support engineering", level("Specialist"), SENIOR)
    careers.place("ann", track, "Specialist", target="Senior")
    start, next_month = this_month(careers.desk.tenant.timezone)

    answer = careers.readiness("ann", asOf=next_month.isoformat())

    assert answer["__typename"] == "CareerReadiness"
    assert answer["agent"] == {"name": "Ann"}
    assert answer["asOf"] == next_month.isoformat()
    [readiness] = answer["tracks"]
    assert readiness["currentLevel"] == {"name": "Specialist"}
    assert readiness["targetLevel"] == {"name": "Senior"}
    found = {e["description"]: (e["verdict"], e["found"]) for e in readiness["expectations"]}
    window = {"grain": MONTH, "start": start.isoformat(), "end": next_month.isoformat()}
    assert found == {
        "Solves 2 tickets a month": ("MET", {"value": 3.0, "sampleSize": 3, "window": window}),
        "Answers within a minute": ("NOT_MET", {"value": 600.0, "sampleSize": 3, "window": window}),
        "QA of 50 or more": ("MET", {"value": 81.25, "sampleSize": 2, "window": window}),
        "QA of 90 or more": ("NOT_MET", {"value": 81.25, "sampleSize": 2, "window": window}),
        "Empathy of 3": ("MET", {"value": 3.5, "sampleSize": 2, "window": window}),
        "Empathy of 4": ("NOT_MET", {"value": 3.5, "sampleSize": 2, "window": window}),
        "Mentors a new hire": ("MANUAL", None),
        "CSAT of 90%": ("INSUFFICIENT_DATA", {"value": None, "sampleSize": 0, "window": window}),
        "Completed a goal": ("MET", {"value": 1.0, "sampleSize": 2, "window": None}),
        "Completed two goals": ("NOT_MET", {"value": 1.0, "sampleSize": 2, "window": None}),
    }  # fmt: skip
    assert [e["index"] for e in readiness["expectations"]] == list(range(10))
    assert readiness["expectations"][0]["evidence"]["__typename"] == "MetricEvidence"
    assert readiness["summary"] == {
        "overall": "NOT_READY",
        "met": 4,
        "notMet": 4,
        "insufficientData": 1,
        "manual": 1,
    }


def test_the_metric_evidence_is_the_stored_score_of_the_window(careers: CareerDesk) -> None:
    """What readiness reads for a metric is what agentScores shows for that month."""
    track = careers.track("Support engineering", level("Specialist"), SENIOR)
    careers.place("ann", track, "Specialist", target="Senior")
    start, next_month = this_month(careers.desk.tenant.timezone)
    shown = careers.desk.metrics("ann", {"grain": MONTH, "start": start.isoformat()})

    [readiness] = careers.readiness("ann", asOf=next_month.isoformat())["tracks"]

    found = {e["description"]: e["found"] for e in readiness["expectations"]}
    assert found["Solves 2 tickets a month"]["value"] == shown["tickets_solved"]["value"]
    assert (
        found["Answers within a minute"]["sampleSize"]
        == (shown["first_response_time"]["sampleSize"])
    )


def test_a_window_before_the_evidence_has_insufficient_data(careers: CareerDesk) -> None:
    track = careers.track("Support engineering", level("Specialist"), SENIOR)
    careers.place("ann", track, "Specialist", target="Senior")
    start, _ = this_month(careers.desk.tenant.timezone)

    [readiness] = careers.readiness("ann", asOf=start.isoformat())["tracks"]  # last month

    verdicts = [e["verdict"] for e in readiness["expectations"]]
    # tickets_solved is a count: 0 with no sample, below minSample 1; goals count to date
    assert verdicts == ["INSUFFICIENT_DATA"] * 6 + ["MANUAL", "INSUFFICIENT_DATA"] + [
        "MET",
        "NOT_MET",
    ]
    assert readiness["summary"]["overall"] == "NOT_READY"


def test_readiness_without_a_target_or_for_an_unknown_agent(careers: CareerDesk) -> None:
    track = careers.track("Support engineering", level("Specialist"), SENIOR)
    careers.place("bob", track, "Specialist")

    [readiness] = careers.readiness("bob")["tracks"]
    assert readiness["targetLevel"] is None
    assert readiness["expectations"] == []
    assert readiness["summary"]["overall"] == "NO_TARGET"
    assert careers.readiness("lead")["tracks"] == []  # never placed
    assert careers.readiness("ghost") == {
        "__typename": "NotFoundError",
        "message": "no agent 'ghost'",
    }
    unknown_track = careers.readiness("bob", track="nope")
    assert unknown_track == {"__typename": "NotFoundError", "message": "no career track 'nope'"}


def test_readiness_reads_each_window_once_however_many_tracks_ask(careers: CareerDesk) -> None:
    """Every expectation of SENIOR reads one of four things (the month's snapshot, QA
    reviews, ratings, goals): a second track that asks the same adds no statement."""
    _, next_month = this_month(careers.desk.tenant.timezone)
    container = careers.desk.container

    def sent() -> int:
        with statements(container, r"\S") as seen:
            careers.readiness("ann", asOf=next_month.isoformat())
        return len(seen)

    first = careers.track("Support engineering", level("Specialist"), SENIOR)
    careers.place("ann", first, "Specialist", target="Senior")
    sent()  # warms the per-process caches
    one_track = sent()
    second = careers.track("Support leadership", level("Specialist"), SENIOR)
    careers.place("ann", second, "Specialist", target="Senior")

    assert len(careers.readiness("ann", asOf=next_month.isoformat())["tracks"]) == 2
    assert sent() == one_track
