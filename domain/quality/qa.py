"""The review-based metrics (SPEC §4): `qa_score` and `reviews_given`.

The caller picks the reviews of one period (by review time); these functions only decide
which reviews count. Calibration reviews count toward neither metric: they rate a
session's shared tickets to align reviewers, not to judge the reviewee or to do the
reviewer's QA quota. Reviews whose every category was N/A have no score and are left
out of `qa_score`'s mean (but were still given, so they count toward `reviews_given`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from domain.quality.reviews import Review, ReviewKind


@dataclass(frozen=True, slots=True)
class QaScore:
    value: float | None  # mean review score 0–100; None when no scored review
    sample_size: int  # scored reviews behind the mean


def qa_score(reviews: Iterable[Review]) -> QaScore:
    """Mean score of the regular, scored reviews among `reviews`."""
    scores = [r.score for r in reviews if r.kind is ReviewKind.REGULAR and r.score is not None]
    if not scores:
        return QaScore(None, 0)
    return QaScore(sum(scores) / len(scores), len(scores))


def qa_scores_by_reviewee(reviews: Iterable[Review]) -> dict[str, QaScore]:
    """`qa_score` per reviewee; agents with no regular review are absent."""
    by_agent: defaultdict[str, list[Review]] = defaultdict(list)
    for review in reviews:
        if review.kind is ReviewKind.REGULAR:
            by_agent[review.reviewee_id].append(review)
    return {agent: qa_score(own) for agent, own in by_agent.items()}


def reviews_given_by_reviewer(reviews: Iterable[Review]) -> dict[str, int]:
    """Regular reviews submitted per reviewer."""
    given: defaultdict[str, int] = defaultdict(int)
    for review in reviews:
        if review.kind is ReviewKind.REGULAR:
            given[review.reviewer_id] += 1
    return dict(given)
