"""Submitting and deleting reviews, and the metric samples reviews feed.

A regular review writes two samples under origin `review:<id>`: `qa_score` (the review
score, attributed to the reviewee, in the ticket's team — else the reviewee's — at the
review time) and `reviews_given` (1, attributed to the reviewer, in the reviewer's team
at the review time), both dated at the review time. Then the touched periods are
re-scored, so `agentScores` moves at once. Calibration reviews
write none: they align reviewers, they do not judge the reviewee.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from domain import limits
from domain.limits import check_length
from domain.metrics.reviews import review_samples as metric_samples
from domain.periods import local_day
from domain.ports import StoredSample
from domain.quality.assignments import AssignmentStatus, complete
from domain.quality.lookups import (
    agent_teams,
    latest_scorecard,
    new_id,
    public_repliers,
    resolve_ticket,
)
from domain.quality.ports import (
    CalibrationSession,
    NotFoundError,
    QualityError,
    QualityUnitOfWork,
    StoredAssignment,
    StoredReview,
    TicketRef,
)
from domain.quality.reviews import (
    RatingError,
    Review,
    RevieweeError,
    ReviewKind,
    SelfReviewError,
    new_review,
    pick_reviewee,
)
from domain.quality.scorecards import Scorecard
from domain.services.rescoring import invalidate

SOURCE = "fairscore"  # metric_sample source of the samples Fairscore derives itself


def review_origin(review_id: str) -> str:
    return f"review:{review_id}"


@dataclass(frozen=True, slots=True)
class ReviewSubmission:
    """What a reviewer submits. Without an assignment or session, name the ticket and
    the scorecard; the reviewee may be left out when one agent replied on the ticket."""

    reviewer_id: str
    ratings: Mapping[str, int | None]
    comments: Mapping[str, str] = field(default_factory=dict)
    ticket_external_id: str | None = None
    ticket_source: str | None = None
    reviewee_id: str | None = None
    scorecard_id: str | None = None
    calibration_session_id: str | None = None
    assignment_id: str | None = None


def submit_review(
    uow: QualityUnitOfWork, submission: ReviewSubmission, *, now: datetime
) -> StoredReview:
    _check_comments(submission)
    assignment = _assignment(uow, submission)
    session = _session(uow, submission.calibration_session_id)
    ticket = _ticket(uow, submission, assignment, session)
    scorecard = _scorecard(uow, submission, session)
    agent_teams(uow, [submission.reviewer_id], field="reviewerId")
    chosen = submission.reviewee_id or (assignment.assignment.agent_id if assignment else None)
    review = _validated(
        uow, submission, ticket=ticket, scorecard=scorecard, chosen=chosen, session=session
    )
    _check_assignment_reviewee(assignment, review)
    session_id = session.id if session else None
    _check_not_given(uow, review, ticket=ticket, session_id=session_id)
    stored = StoredReview(new_id(), ticket, review, now, session_id)
    uow.reviews.add(stored)
    if session is None:
        _complete_assignments(uow, stored, assignment)
        feed_metrics(uow, review_id=stored.id, samples=_samples(uow, stored))
    return stored


def delete_review(uow: QualityUnitOfWork, review_id: str) -> StoredReview:
    """Remove a review, its samples, and reopen the assignment it completed."""
    stored = uow.reviews.get(review_id)
    if stored is None:
        raise NotFoundError(f"no review {review_id!r}", "id")
    for done in uow.review_assignments.of_review(review_id):
        reopened = replace(done.assignment, status=AssignmentStatus.OPEN, skip_reason=None)
        uow.review_assignments.save(replace(done, assignment=reopened, review_id=None))
    uow.reviews.delete(review_id)
    if stored.calibration_session_id is None:
        feed_metrics(uow, review_id=review_id, samples=[])
    return stored


def review_samples(
    stored: StoredReview,
    *,
    timezone: str,
    qa_team: str | None = None,
    reviewer_team: str | None = None,
) -> list[StoredSample]:
    """The review's samples (domain.metrics.reviews) as rows under origin `review:<id>`."""
    samples = metric_samples(
        stored.review, at=stored.reviewed_at, qa_team=qa_team, reviewer_team=reviewer_team
    )
    day = local_day(stored.reviewed_at, timezone)
    return [
        StoredSample(
            source=SOURCE,
            origin=review_origin(stored.id),
            seq=seq,
            metric=s.metric,
            agent_id=s.agent,
            team_id=s.team,
            at=s.at,
            local_day=day,
            value=s.value,
            business=None,
        )
        for seq, s in enumerate(samples)
    ]


def feed_metrics(
    uow: QualityUnitOfWork, *, review_id: str, samples: Sequence[StoredSample]
) -> None:
    touches = uow.samples.replace(SOURCE, [review_origin(review_id)], samples)
    invalidate(uow, touches)


def _samples(uow: QualityUnitOfWork, stored: StoredReview) -> list[StoredSample]:
    """The review's samples with the teams of the review time: the ticket's team (else the
    reviewee's) for qa_score, the reviewer's for reviews_given — so a later team move
    does not carry past reviews along."""
    review = stored.review
    teams = agent_teams(uow, [review.reviewer_id, review.reviewee_id], field="revieweeId")
    return review_samples(
        stored,
        timezone=uow.tenant.timezone,
        qa_team=uow.reviews.ticket_team(stored.ticket) or teams[review.reviewee_id],
        reviewer_team=teams[review.reviewer_id],
    )


def _check_comments(submission: ReviewSubmission) -> None:
    for key, text in sorted(submission.comments.items()):
        check_length(
            text.strip(),
            limit=limits.COMMENT,
            field="ratings",
            error=QualityError,
            what=f"the comment on {key!r}",
        )


def _check_assignment_reviewee(assignment: StoredAssignment | None, review: Review) -> None:
    """An assignment is completed only by a review of its agent."""
    if assignment is not None and review.reviewee_id != assignment.assignment.agent_id:
        raise QualityError(
            f"this assignment reviews agent {assignment.assignment.agent_id!r}, "
            f"not {review.reviewee_id!r}",
            "revieweeId",
        )


def _assignment(uow: QualityUnitOfWork, submission: ReviewSubmission) -> StoredAssignment | None:
    if submission.assignment_id is None:
        return None
    if submission.calibration_session_id is not None:
        raise QualityError("a calibration review does not complete an assignment", "assignmentId")
    stored = uow.review_assignments.get(submission.assignment_id)
    if stored is None:
        raise NotFoundError(f"no review assignment {submission.assignment_id!r}", "assignmentId")
    if stored.assignment.reviewer_id != submission.reviewer_id:
        raise QualityError("this assignment belongs to another reviewer", "reviewerId")
    return stored


def _session(uow: QualityUnitOfWork, session_id: str | None) -> CalibrationSession | None:
    if session_id is None:
        return None
    session = uow.calibrations.get(session_id)
    if session is None:
        raise NotFoundError(f"no calibration session {session_id!r}", "calibrationSessionId")
    return session


def _ticket(
    uow: QualityUnitOfWork,
    submission: ReviewSubmission,
    assignment: StoredAssignment | None,
    session: CalibrationSession | None,
) -> TicketRef:
    if submission.ticket_external_id is None:
        if assignment is None:
            raise QualityError("name the ticket (or the assignment) to review", "ticket")
        return assignment.ticket
    ticket = resolve_ticket(
        uow, submission.ticket_external_id, submission.ticket_source, field="ticket"
    )
    if assignment is not None and ticket != assignment.ticket:
        raise QualityError("the ticket is not the assignment's ticket", "ticket")
    if session is not None and ticket not in session.tickets:
        raise QualityError("the ticket is not part of the calibration session", "ticket")
    return ticket


def _scorecard(
    uow: QualityUnitOfWork, submission: ReviewSubmission, session: CalibrationSession | None
) -> Scorecard:
    if session is not None:  # a session pins one scorecard version for every reviewer
        pinned = uow.scorecards.version(session.scorecard_id, session.scorecard_version)
        if pinned is None:  # pragma: no cover - a foreign key keeps it
            raise NotFoundError("the session's scorecard is gone", "calibrationSessionId")
        return pinned
    if submission.scorecard_id is None:
        raise QualityError("name the scorecard to review with", "scorecardId")
    return latest_scorecard(uow, submission.scorecard_id, field="scorecardId")


def _validated(
    uow: QualityUnitOfWork,
    submission: ReviewSubmission,
    *,
    ticket: TicketRef,
    scorecard: Scorecard,
    chosen: str | None,
    session: CalibrationSession | None,
) -> Review:
    try:
        reviewee = pick_reviewee(public_repliers(uow, ticket), chosen)
        return new_review(
            scorecard=scorecard,
            ticket_id=ticket.key,
            reviewer_id=submission.reviewer_id,
            reviewee_id=reviewee,
            ratings=submission.ratings,
            comments=submission.comments,
            kind=ReviewKind.CALIBRATION if session else ReviewKind.REGULAR,
        )
    except (RevieweeError, SelfReviewError) as exc:
        raise QualityError(str(exc), "revieweeId") from None
    except RatingError as exc:
        raise QualityError(str(exc), "ratings") from None


def _check_not_given(
    uow: QualityUnitOfWork, review: Review, *, ticket: TicketRef, session_id: str | None
) -> None:
    """Once per reviewer, ticket and reviewee (a shared ticket can review each of its
    agents); in a calibration session, once per reviewer and ticket."""
    reviewee = None if session_id else review.reviewee_id
    if uow.reviews.given(
        ticket=ticket, reviewer_id=review.reviewer_id, session_id=session_id, reviewee_id=reviewee
    ):
        what = "in this session" if session_id else "already"
        raise QualityError(f"this reviewer {what} reviewed ticket {ticket.external_id!r}", "ticket")


def _complete_assignments(
    uow: QualityUnitOfWork, stored: StoredReview, assignment: StoredAssignment | None
) -> None:
    """The named assignment, else any open one of this ticket for this reviewer and this
    reviewee, is done."""
    pending = (
        [assignment]
        if assignment
        else [
            item
            for item in uow.review_assignments.open_for(
                ticket=stored.ticket, reviewer_id=stored.review.reviewer_id
            )
            if item.assignment.agent_id == stored.review.reviewee_id
        ]
    )
    for item in pending:
        uow.review_assignments.save(
            replace(item, assignment=complete(item.assignment), review_id=stored.id)
        )
