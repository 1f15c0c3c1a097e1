from datetime import date

import pytest

from domain.quality.assignments import (
    Assignment,
    AssignmentStatus,
    Progress,
    assignment_report,
    complete,
    skip,
)

MONDAY = date(2024, 5, 6)


def assigned(ticket: str, reviewer: str = "lead", agent: str = "ann") -> Assignment:
    return Assignment(week_start=MONDAY, ticket_id=ticket, agent_id=agent, reviewer_id=reviewer)


def test_a_new_assignment_is_open() -> None:
    assert assigned("t-1").status is AssignmentStatus.OPEN


def test_completing_an_assignment_marks_it_done_and_is_idempotent() -> None:
    done = complete(assigned("t-1"))
    assert done.status is AssignmentStatus.DONE
    assert complete(done) == done


def test_skipping_needs_a_reason() -> None:
    skipped = skip(assigned("t-1"), "  spam ticket ")
    assert skipped.status is AssignmentStatus.SKIPPED
    assert skipped.skip_reason == "spam ticket"
    with pytest.raises(ValueError, match="non-empty reason"):
        skip(assigned("t-1"), "   ")


def test_a_done_assignment_cannot_be_skipped() -> None:
    with pytest.raises(ValueError, match="already done"):
        skip(complete(assigned("t-1")), "changed my mind")


def test_a_skipped_assignment_can_still_be_completed() -> None:
    done = complete(skip(assigned("t-1"), "no time"))
    assert done.status is AssignmentStatus.DONE
    assert done.skip_reason is None


def test_only_a_skipped_assignment_carries_a_reason() -> None:
    with pytest.raises(ValueError, match="only for, skipped"):
        Assignment(MONDAY, "t-1", "ann", "lead", AssignmentStatus.DONE, skip_reason="why")


def test_nobody_is_assigned_their_own_ticket() -> None:
    with pytest.raises(ValueError, match="'ann' cannot be assigned their own ticket"):
        assigned("t-1", reviewer="ann", agent="ann")


def test_the_report_counts_done_skipped_and_open_against_due_per_reviewer() -> None:
    assignments = [
        complete(assigned("t-1")),
        complete(assigned("t-2")),
        skip(assigned("t-3"), "duplicate"),
        assigned("t-4"),
        assigned("t-5", reviewer="sam"),
    ]
    report = assignment_report(assignments)
    assert report.total == Progress(due=5, done=2, skipped=1)
    assert report.total.open == 2
    assert report.total.completion_rate == pytest.approx(0.5)
    assert [(r.reviewer_id, r.progress) for r in report.by_reviewer] == [
        ("lead", Progress(due=4, done=2, skipped=1)),
        ("sam", Progress(due=1, done=0, skipped=0)),
    ]


def test_with_nothing_due_the_completion_rate_is_null() -> None:
    report = assignment_report([])
    assert report.total == Progress(0, 0, 0)
    assert report.total.completion_rate is None
    assert report.by_reviewer == ()
