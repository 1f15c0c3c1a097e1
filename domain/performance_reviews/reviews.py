"""A performance review and its life: DRAFT → SHARED → ACKNOWLEDGED (SPEC §7).

The reviewer writes feedback per section and picks an overall rating while the review is a
draft, then shares it; from then on the reviewer's words are fixed. The agent may write a
self-assessment until they acknowledge. Each step records who (the API client, and the
person acting through it when named) and when. A step the state does not allow is an
`InvalidTransitionError`, never a silent no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from domain import limits
from domain.performance_reviews.cycles import ReviewPeriod
from domain.performance_reviews.errors import InvalidTransitionError, PerformanceError
from domain.performance_reviews.evidence import ReviewEvidence

FEEDBACK_LIMIT = 10_000  # characters per section, and for the self-assessment


class ReviewStatus(StrEnum):
    DRAFT = "DRAFT"
    SHARED = "SHARED"
    ACKNOWLEDGED = "ACKNOWLEDGED"


class Section(StrEnum):
    """The parts of a review the reviewer comments on (one per evidence kind, and a summary)."""

    SCORE = "SCORE"
    METRICS = "METRICS"
    QUALITY = "QUALITY"
    VALUES = "VALUES"
    GUARDRAILS = "GUARDRAILS"
    GOALS = "GOALS"
    TREND = "TREND"
    SUMMARY = "SUMMARY"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who took a step: the API client, and the person acting through it (if named)."""

    client_id: str
    name: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class PerformanceReview:
    id: str
    cycle_id: str
    agent_id: str
    reviewer_id: str | None
    period: ReviewPeriod
    evidence: ReviewEvidence
    created_at: datetime
    feedback: tuple[tuple[Section, str], ...] = ()  # in Section order
    overall_rating: str | None = None
    self_assessment: str | None = None
    shared: Actor | None = None
    acknowledged: Actor | None = None

    @property
    def status(self) -> ReviewStatus:
        """Where the review is in its life: the last step taken."""
        if self.acknowledged is not None:
            return ReviewStatus.ACKNOWLEDGED
        return ReviewStatus.SHARED if self.shared is not None else ReviewStatus.DRAFT


def _require(review: PerformanceReview, allowed: set[ReviewStatus], step: str) -> None:
    if review.status not in allowed:
        wanted = " or ".join(sorted(s.value for s in allowed))
        raise InvalidTransitionError(
            f"cannot {step} a {review.status.value} review (it must be {wanted})",
            status=review.status.value,
            field="id",
        )


def _text(text: str, field: str) -> str | None:
    limits.check_length(text, limit=FEEDBACK_LIMIT, field=field, error=PerformanceError)
    return text.strip() or None


def with_feedback(review: PerformanceReview, section: Section, text: str) -> PerformanceReview:
    """Set (or, with an empty text, clear) the reviewer's feedback on one section."""
    _require(review, {ReviewStatus.DRAFT}, "edit the feedback of")
    written = dict(review.feedback)
    cleaned = _text(text, "text")
    if cleaned is None:
        written.pop(section, None)
    else:
        written[section] = cleaned
    ordered = tuple((s, written[s]) for s in Section if s in written)
    return replace(review, feedback=ordered)


def with_rating(
    review: PerformanceReview, label: str | None, scale: tuple[str, ...]
) -> PerformanceReview:
    """Set (None: clear) the overall rating, one of the cycle's labels."""
    _require(review, {ReviewStatus.DRAFT}, "rate")
    if label is not None and label not in scale:
        raise PerformanceError(
            f"{label!r} is not on the cycle's rating scale ({', '.join(scale)})", "rating"
        )
    return replace(review, overall_rating=label)


def with_self_assessment(review: PerformanceReview, text: str) -> PerformanceReview:
    _require(review, {ReviewStatus.DRAFT, ReviewStatus.SHARED}, "self-assess")
    return replace(review, self_assessment=_text(text, "text"))


def share(review: PerformanceReview, actor: Actor) -> PerformanceReview:
    _require(review, {ReviewStatus.DRAFT}, "share")
    return replace(review, shared=actor)


def acknowledge(review: PerformanceReview, actor: Actor) -> PerformanceReview:
    _require(review, {ReviewStatus.SHARED}, "acknowledge")
    return replace(review, acknowledged=actor)


def actor(client_id: str, name: str | None, at: datetime) -> Actor:
    cleaned = (name or "").strip() or None
    limits.check_length(cleaned, limit=limits.NAME, field="actorName", error=PerformanceError)
    return Actor(client_id, cleaned, at)
