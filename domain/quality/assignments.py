"""Review assignments after sampling: complete, skip with a reason, report done vs due.

An assignment is due from the moment it is sampled. Skipped assignments are excused
(the ticket was spam, a duplicate, ...), so the completion rate is done / (due − skipped).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class AssignmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Assignment:
    week_start: date
    ticket_id: str
    agent_id: str  # whose work is reviewed
    reviewer_id: str
    status: AssignmentStatus = AssignmentStatus.OPEN
    skip_reason: str | None = None

    def __post_init__(self) -> None:
        if self.reviewer_id == self.agent_id:
            raise ValueError(f"agent {self.agent_id!r} cannot be assigned their own ticket")
        skipped = self.status is AssignmentStatus.SKIPPED
        if skipped != (self.skip_reason is not None):
            raise ValueError("a skip reason is required for, and only for, skipped assignments")
        if skipped and not (self.skip_reason or "").strip():
            raise ValueError("skipping an assignment needs a non-empty reason")


def complete(assignment: Assignment) -> Assignment:
    """Mark done (a review was submitted); also valid after a skip, and idempotent."""
    return replace(assignment, status=AssignmentStatus.DONE, skip_reason=None)


def skip(assignment: Assignment, reason: str) -> Assignment:
    """Mark skipped with a reason; a done assignment cannot be skipped."""
    if assignment.status is AssignmentStatus.DONE:
        raise ValueError(f"assignment of ticket {assignment.ticket_id!r} is already done")
    return replace(assignment, status=AssignmentStatus.SKIPPED, skip_reason=reason.strip())


@dataclass(frozen=True, slots=True)
class Progress:
    due: int
    done: int
    skipped: int

    @property
    def open(self) -> int:
        return self.due - self.done - self.skipped

    @property
    def completion_rate(self) -> float | None:
        """done / (due − skipped); None when nothing is left to count."""
        expected = self.due - self.skipped
        return self.done / expected if expected else None


@dataclass(frozen=True, slots=True)
class ReviewerProgress:
    reviewer_id: str
    progress: Progress


@dataclass(frozen=True, slots=True)
class AssignmentReport:
    total: Progress
    by_reviewer: tuple[ReviewerProgress, ...]  # sorted by reviewer id


def assignment_report(assignments: Iterable[Assignment]) -> AssignmentReport:
    per_reviewer: defaultdict[str, list[AssignmentStatus]] = defaultdict(list)
    for assignment in assignments:
        per_reviewer[assignment.reviewer_id].append(assignment.status)
    every = [status for statuses in per_reviewer.values() for status in statuses]
    return AssignmentReport(
        total=_progress(every),
        by_reviewer=tuple(
            ReviewerProgress(reviewer, _progress(per_reviewer[reviewer]))
            for reviewer in sorted(per_reviewer)
        ),
    )


def _progress(statuses: list[AssignmentStatus]) -> Progress:
    return Progress(
        due=len(statuses),
        done=statuses.count(AssignmentStatus.DONE),
        skipped=statuses.count(AssignmentStatus.SKIPPED),
    )
