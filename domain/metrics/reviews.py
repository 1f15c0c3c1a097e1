"""Conversation reviews: QA score (the reviewee's) and reviews given (the reviewer's),
dated at the review time; calibration reviews feed neither (SPEC §4)."""

from __future__ import annotations

from datetime import datetime

from domain.metrics.definition import AGENT_TEAM, ALL, H, Kind, MetricDef, Producer
from domain.quality.reviews import Review, ReviewKind
from domain.samples import Sample

QA_SCORE = MetricDef(
    "qa_score",
    "QA score",
    "score",
    Kind.MEAN,
    H,
    ALL,
    "review time",
    "reviewee",
    "Mean review score (0–100) of reviews of the agent's tickets (calibration reviews "
    "do not count).",
)

REVIEWS_GIVEN = MetricDef(
    "reviews_given",
    "Reviews given",
    "reviews",
    Kind.COUNT,
    H,
    AGENT_TEAM,
    "review time",
    "reviewer",
    "Regular reviews the agent submitted as reviewer (calibration reviews do not count).",
)


def review_samples(
    review: Review, *, at: datetime, qa_team: str | None, reviewer_team: str | None
) -> list[Sample]:
    """`qa_score` (reviewee, in `qa_team`) unless every category was N/A, and
    `reviews_given` (reviewer, in `reviewer_team`); none for a calibration review."""
    if review.kind is ReviewKind.CALIBRATION:
        return []
    out: list[Sample] = []
    if review.score is not None:  # every category N/A: given, but nothing to average
        out.append(Sample("qa_score", at, review.reviewee_id, qa_team, review.score))
    out.append(Sample("reviews_given", at, review.reviewer_id, reviewer_team, 1.0))
    return out


REVIEWS = Producer(("qa_score", "reviews_given"), review_samples)
