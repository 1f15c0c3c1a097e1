"""Weekly review assignments: the tenant's sampling rule, the generation job (queued by
the mutation, run in-process here), completing by review, skipping, the report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.ports import TenantProfile
from domain.quality.ports import TicketRef
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue
from tests.factories import Ticket
from tests.support.derive import apply_and_settle
from tests.support.quality import WEEK, Desk, open_desk, ratings
from tests.support.sql import statements
from workers.jobs import generate_review_assignments

SET_RULE = """mutation($input: SamplingRuleInput!) {
  setSamplingRule(input: $input) {
    __typename
    ... on SamplingRule { perAgentPerWeek strategy seed active reviewers { id } }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
GENERATE = """mutation($week: Date!) {
  generateReviewAssignments(weekStart: $week) {
    __typename
    ... on AssignmentsRequested { weekStart queued }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
ASSIGNMENTS = """query($week: Date!, $status: AssignmentStatus) {
  reviewAssignments(weekStart: $week, status: $status) {
    id status skipReason reviewId ticket { externalId } agent { id } reviewer { id }
  }
}"""
REPORT = """query($week: Date!) { reviewAssignmentReport(weekStart: $week) {
  total { due done skipped open completionRate }
  byReviewer { reviewer { id } progress { due done skipped } } } }"""
SKIP = """mutation($id: ID!, $reason: String!) { skipReviewAssignment(id: $id, reason: $reason) {
  __typename ... on ReviewAssignment { status skipReason } ... on ValidationError { message field }
} }"""


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    return open_desk(container, tenant)


def set_rule(desk: Desk, per_agent: int = 1, **extra: Any) -> dict[str, Any]:
    rule = {
        "perAgentPerWeek": per_agent,
        "reviewerIds": [desk.agents["lead"], desk.agents["bob"]],
        "seed": 7,
        **extra,
    }
    return dict(desk.data(SET_RULE, input=rule)["setSamplingRule"])


def generate(desk: Desk, week: str = WEEK.isoformat()) -> dict[str, Any]:
    result = dict(desk.data(GENERATE, week=week)["generateReviewAssignments"])
    queue = desk.container.queue
    assert isinstance(queue, InProcessJobQueue)
    queue.join()  # no REDIS_URL: the queued job runs on the API's job thread
    return result


def assignments(desk: Desk, status: str | None = None) -> list[dict[str, Any]]:
    return list(desk.data(ASSIGNMENTS, week=WEEK.isoformat(), status=status)["reviewAssignments"])


def test_the_generation_job_draws_n_tickets_per_agent_for_reviewers_who_are_not_the_agent(
    desk: Desk,
) -> None:
    assert set_rule(desk)["reviewers"] == sorted(
        [{"id": desk.agents["lead"]}, {"id": desk.agents["bob"]}], key=lambda a: a["id"]
    )
    assert generate(desk) == {
        "__typename": "AssignmentsRequested",
        "weekStart": WEEK.isoformat(),
        "queued": True,
    }

    drawn = assignments(desk)
    per_agent = {a["agent"]["id"]: a for a in drawn}
    assert set(per_agent) == {desk.agents[n] for n in ("ann", "bob", "lead")}
    assert len(drawn) == 3  # one each: N = 1
    assert all(a["reviewer"]["id"] != a["agent"]["id"] for a in drawn)
    assert per_agent[desk.agents["bob"]]["ticket"]["externalId"] == "T-BOB"
    assert "T-SILENT" not in {a["ticket"]["externalId"] for a in drawn}  # nobody replied
    assert {a["status"] for a in drawn} == {"OPEN"}


def test_rerunning_the_job_is_idempotent_and_a_higher_n_only_tops_up(desk: Desk) -> None:
    set_rule(desk)
    generate(desk)
    first = {a["id"] for a in assignments(desk)}
    generate(desk)
    assert {a["id"] for a in assignments(desk)} == first

    set_rule(desk, per_agent=2)
    generate(desk)
    after = assignments(desk)
    assert first < {a["id"] for a in after}
    tickets = [a["ticket"]["externalId"] for a in after]
    assert len(tickets) == len(set(tickets)) == 4  # ann gets a second ticket; bob and lead have one


def test_already_reviewed_tickets_are_not_drawn(desk: Desk) -> None:
    card = desk.scorecard()
    for ticket in ("T-ANN", "T-ANN-2"):
        desk.submit(
            scorecardId=card["id"],
            ticket={"externalId": ticket},
            reviewerId=desk.agents["lead"],
            ratings=ratings(4, 3, 1),
        )
    set_rule(desk, per_agent=3)
    generate(desk)
    ann = [a for a in assignments(desk) if a["agent"]["id"] == desk.agents["ann"]]
    assert [a["ticket"]["externalId"] for a in ann] == ["T-BOTH"]


def test_submitting_the_review_completes_the_assignment_and_the_report_counts_it(
    desk: Desk,
) -> None:
    card = desk.scorecard()
    set_rule(desk)
    generate(desk)
    bobs = next(a for a in assignments(desk) if a["agent"]["id"] == desk.agents["bob"])

    review = desk.submit(
        assignmentId=bobs["id"],
        scorecardId=card["id"],
        reviewerId=bobs["reviewer"]["id"],
        ratings=ratings(5, 3, 1),
    )

    assert review["ticket"]["externalId"] == "T-BOB"
    assert review["reviewee"]["id"] == desk.agents["bob"]
    done = assignments(desk, status="DONE")
    assert [(a["id"], a["reviewId"]) for a in done] == [(bobs["id"], review["id"])]
    report = desk.data(REPORT, week=WEEK.isoformat())["reviewAssignmentReport"]
    assert report["total"] == {
        "due": 3,
        "done": 1,
        "skipped": 0,
        "open": 2,
        "completionRate": 1 / 3,
    }
    mine = next(r for r in report["byReviewer"] if r["reviewer"]["id"] == bobs["reviewer"]["id"])
    assert mine["progress"]["done"] == 1


def test_a_review_of_an_assigned_ticket_completes_it_without_naming_the_assignment(
    desk: Desk,
) -> None:
    card = desk.scorecard()
    set_rule(desk)
    generate(desk)
    leads = next(a for a in assignments(desk) if a["reviewer"]["id"] == desk.agents["lead"])
    desk.submit(
        scorecardId=card["id"],
        ticket={"externalId": leads["ticket"]["externalId"]},
        revieweeId=leads["agent"]["id"],
        reviewerId=desk.agents["lead"],
        ratings=ratings(5, 3, 1),
    )
    assert leads["id"] in {a["id"] for a in assignments(desk, status="DONE")}


def test_an_assignment_is_skipped_with_a_reason_and_excused_in_the_report(desk: Desk) -> None:
    set_rule(desk)
    generate(desk)
    first = assignments(desk)[0]

    blank = desk.data(SKIP, id=first["id"], reason="  ")["skipReviewAssignment"]
    skipped = desk.data(SKIP, id=first["id"], reason="spam")["skipReviewAssignment"]

    assert blank["__typename"] == "ValidationError"
    assert blank["field"] == "reason"
    assert skipped == {"__typename": "ReviewAssignment", "status": "SKIPPED", "skipReason": "spam"}
    total = desk.data(REPORT, week=WEEK.isoformat())["reviewAssignmentReport"]["total"]
    assert total == {"due": 3, "done": 0, "skipped": 1, "open": 2, "completionRate": 0.0}


def test_generating_needs_a_monday_and_an_active_rule(desk: Desk) -> None:
    no_rule = desk.data(GENERATE, week=WEEK.isoformat())["generateReviewAssignments"]
    assert no_rule["__typename"] == "NotFoundError"
    set_rule(desk)
    tuesday = desk.data(GENERATE, week="2026-03-03")["generateReviewAssignments"]
    assert tuesday["__typename"] == "ValidationError"
    assert tuesday["field"] == "weekStart"


def test_a_rule_needs_reviewers_who_exist_and_a_positive_n(desk: Desk) -> None:
    assert set_rule(desk, per_agent=0)["field"] == "perAgentPerWeek"
    assert set_rule(desk, reviewerIds=[])["field"] == "reviewerIds"
    assert set_rule(desk, reviewerIds=["ghost"]) == {
        "__typename": "NotFoundError",
        "message": "no agent 'ghost'",
    }


def test_the_scheduled_job_without_a_week_takes_the_last_complete_one(desk: Desk) -> None:
    set_rule(desk)
    # The desk's tickets are from March 2026: the last complete week has none of them.
    assert generate_review_assignments(desk.tenant.id) == 0
    assert generate_review_assignments(desk.tenant.id, WEEK.isoformat()) == 3
    with desk.container.system() as uow:
        assert (desk.tenant.id, "Europe/Berlin") in uow.system.tenants_with_sampling_rule()


WEEK_LATER = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)


def deactivate(desk: Desk, agent: str) -> None:
    with desk.container.uow(desk.tenant.id) as uow:
        uow.identities.set_active(desk.agents[agent], False)
        uow.commit()


def test_an_assignment_names_an_agent_who_replied_publicly_so_it_can_be_completed(
    desk: Desk,
) -> None:
    handed_over = Ticket("T-HANDOFF").created(0, assignee="bob").customer(1).agent(10, "ann")
    moved_on = Ticket("T-MOVED").created(0, assignee="bob").customer(1).agent(10, "bob")
    events = [*handed_over.solve(60).events, *moved_on.solve(60).assign(90, "lead").events]
    apply_and_settle(desk.container, desk.tenant.id, source="generic", events=events)
    card = desk.scorecard()
    set_rule(desk, per_agent=10, reviewerIds=[desk.agents["lead"]])
    generate(desk)

    drawn = {a["ticket"]["externalId"]: a for a in assignments(desk)}

    # bob held T-HANDOFF when it was solved but never replied: ann's work is reviewed.
    assert drawn["T-HANDOFF"]["agent"]["id"] == desk.agents["ann"]
    # T-MOVED went to lead after bob solved it: bob, the assignee at the solve, is.
    assert drawn["T-MOVED"]["agent"]["id"] == desk.agents["bob"]
    for ticket in ("T-HANDOFF", "T-MOVED"):
        review = desk.submit(
            assignmentId=drawn[ticket]["id"],
            scorecardId=card["id"],
            reviewerId=desk.agents["lead"],
            ratings=ratings(4, 3, 1),
        )
        assert review["__typename"] == "Review", review
    done = {a["ticket"]["externalId"] for a in assignments(desk, status="DONE")}
    assert {"T-HANDOFF", "T-MOVED"} <= done


def test_inactive_agents_neither_review_nor_are_reviewed(desk: Desk) -> None:
    set_rule(desk, per_agent=10)  # reviewers: lead and bob
    deactivate(desk, "bob")
    generate(desk)

    drawn = assignments(desk)

    assert drawn
    assert all(a["reviewer"]["id"] == desk.agents["lead"] for a in drawn)
    assert desk.agents["bob"] not in {a["agent"]["id"] for a in drawn}


def test_with_every_reviewer_inactive_the_job_draws_nothing(desk: Desk) -> None:
    set_rule(desk, reviewerIds=[desk.agents["bob"]])
    deactivate(desk, "bob")

    assert generate_review_assignments(desk.tenant.id, WEEK.isoformat()) == 0


def test_a_review_completes_an_assignment_only_when_it_reviews_the_assignments_agent(
    desk: Desk,
) -> None:
    card = desk.scorecard()
    set_rule(desk, per_agent=10, reviewerIds=[desk.agents["lead"]])
    generate(desk)
    both = next(a for a in assignments(desk) if a["ticket"]["externalId"] == "T-BOTH")
    assert both["agent"]["id"] == desk.agents["ann"]  # assigned at the solve, and replied
    review = {"scorecardId": card["id"], "reviewerId": desk.agents["lead"]}

    wrong = desk.submit(
        **review, assignmentId=both["id"], revieweeId=desk.agents["bob"], ratings=ratings(4, 3, 1)
    )
    of_bob = desk.submit(
        **review,
        ticket={"externalId": "T-BOTH"},
        revieweeId=desk.agents["bob"],
        ratings=ratings(4, 3, 1),
    )

    assert (wrong["__typename"], wrong["field"]) == ("ValidationError", "revieweeId")
    assert of_bob["__typename"] == "Review"  # a review of bob's part of the ticket …
    still = next(a for a in assignments(desk) if a["id"] == both["id"])
    assert still["status"] == "OPEN"  # … does not complete the review of ann's


def test_the_draw_asks_only_about_its_candidate_tickets_whether_they_were_reviewed(
    desk: Desk,
) -> None:
    card = desk.scorecard()
    later = Ticket("T-APRIL", base=WEEK_LATER).created(0, assignee="ann").customer(1)
    apply_and_settle(
        desk.container,
        desk.tenant.id,
        source="generic",
        events=later.agent(5, "ann").solve(9).events,
    )
    for ticket in ("T-ANN", "T-APRIL"):
        desk.submit(
            scorecardId=card["id"],
            ticket={"externalId": ticket},
            reviewerId=desk.agents["lead"],
            ratings=ratings(4, 3, 1),
        )
    set_rule(desk, per_agent=10)
    generate(desk)
    week = {TicketRef("generic", t) for t in ("T-ANN", "T-BOB", "T-ANN-2")}

    pattern = r"FROM (review|review_assignment)\b"
    with desk.container.uow(desk.tenant.id) as uow, statements(desk.container, pattern) as asked:
        reviewed = uow.reviews.reviewed_among(week)
        assigned = uow.review_assignments.assigned_among(week)

    assert reviewed == {TicketRef("generic", "T-ANN")}  # not T-APRIL: not asked about
    assert assigned == {TicketRef("generic", t) for t in ("T-BOB", "T-ANN-2")}
    assert asked and all(" IN " in sql.upper() for sql in asked)
