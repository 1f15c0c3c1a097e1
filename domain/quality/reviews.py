"""Conversation reviews (SPEC §2) and the review score (SPEC §4).

score = 100 × Σ wᵢ·rᵢ / Σ wᵢ over the rated categories, with rᵢ the rating on 0–1;
N/A categories are left out of both sums; 0 if any critical category fails (see
`scorecards` for what failing means); `None` when every category is N/A.

Group sub-scores use the same formula within each group and are *not* zeroed by a
critical failure: they explain where a review lost points, while `score` is the
number that feeds `qa_score`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from domain.quality.scorecards import Category, Scorecard


class ReviewKind(StrEnum):
    REGULAR = "regular"
    CALIBRATION = "calibration"  # part of a calibration session; never counts toward qa_score


class RatingError(ValueError):
    """Ratings that do not fit the scorecard; the message says which and why."""


class SelfReviewError(ValueError):
    """A reviewer tried to review their own conversation."""


class RevieweeError(ValueError):
    """The reviewee cannot be determined from the ticket's public agent replies."""


class NoRepliersError(RevieweeError):
    """No agent replied publicly on the ticket, so there is nobody to review."""


class AmbiguousRevieweeError(RevieweeError):
    """Several agents replied and the reviewer did not say which one is reviewed."""


class RevieweeNotOnTicketError(RevieweeError):
    """The chosen reviewee did not reply publicly on the ticket."""


@dataclass(frozen=True, slots=True)
class CategoryScore:
    key: str
    rating: int | None  # None = N/A
    normalised: float | None  # 0–1, None when N/A
    weight: float
    group: str | None
    critical_failed: bool


@dataclass(frozen=True, slots=True)
class GroupScore:
    group: str
    score: float | None  # 0–100, None when every category of the group is N/A
    rated_weight: float  # Σ weights of the group's rated categories


@dataclass(frozen=True, slots=True)
class ReviewScore:
    scorecard_id: str
    scorecard_version: int
    score: float | None  # 0–100; 0 on a critical failure; None when all N/A
    weighted_score: float | None  # the weighted mean before the critical rule, to explain a 0
    categories: tuple[CategoryScore, ...]
    groups: tuple[GroupScore, ...]
    failed_critical: tuple[str, ...]  # keys of the critical categories that failed

    @property
    def critical_failed(self) -> bool:
        return bool(self.failed_critical)


def score_review(scorecard: Scorecard, ratings: Mapping[str, int | None]) -> ReviewScore:
    """Score one review; raises `RatingError` for unknown, missing or off-scale ratings."""
    _check_rating_keys(scorecard, ratings)
    categories = tuple(_score_category(c, ratings[c.key]) for c in scorecard.categories)
    weighted = _weighted_score(categories)
    failed = tuple(c.key for c in categories if c.critical_failed)
    return ReviewScore(
        scorecard_id=scorecard.id,
        scorecard_version=scorecard.version,
        score=0.0 if failed else weighted,
        weighted_score=weighted,
        categories=categories,
        groups=tuple(_group_score(g, categories) for g in scorecard.groups),
        failed_critical=failed,
    )


def _check_rating_keys(scorecard: Scorecard, ratings: Mapping[str, int | None]) -> None:
    unknown = sorted(set(ratings) - set(scorecard.keys))
    if unknown:
        raise RatingError(
            f"scorecard {scorecard.id!r} v{scorecard.version} has no categories {unknown}"
        )
    missing = [key for key in scorecard.keys if key not in ratings]
    if missing:
        raise RatingError(f"missing ratings for {missing} (rate them, or None for N/A)")


def _score_category(category: Category, rating: int | None) -> CategoryScore:
    if rating is None:
        if not category.scale.allow_na:
            raise RatingError(f"category {category.key!r} does not allow N/A")
        return CategoryScore(category.key, None, None, category.weight, category.group, False)
    if not category.scale.accepts(rating):
        raise RatingError(
            f"category {category.key!r}: rating {rating!r} is not one of "
            f"{category.scale.points} ({category.scale.kind})"
        )
    return CategoryScore(
        key=category.key,
        rating=rating,
        normalised=category.scale.normalise(rating),
        weight=category.weight,
        group=category.group,
        critical_failed=category.critical and category.scale.fails(rating),
    )


def _weighted_score(categories: Collection[CategoryScore]) -> float | None:
    rated = [(c.weight, c.normalised) for c in categories if c.normalised is not None]
    if not rated:
        return None
    total_weight = sum(weight for weight, _ in rated)
    return 100 * sum(weight * value for weight, value in rated) / total_weight


def _group_score(group: str, categories: Collection[CategoryScore]) -> GroupScore:
    members = [c for c in categories if c.group == group]
    rated_weight = sum(c.weight for c in members if c.normalised is not None)
    return GroupScore(group, _weighted_score(members), rated_weight)


def check_reviewer(reviewer_id: str, reviewee_id: str) -> None:
    """Refuse a self-review: nobody scores their own conversation."""
    if reviewer_id == reviewee_id:
        raise SelfReviewError(f"agent {reviewer_id!r} cannot review their own conversation")


def pick_reviewee(repliers: Collection[str], chosen: str | None = None) -> str:
    """The agent a review is about: the one public replier, or the reviewer's choice.

    `repliers` are the agents who replied publicly on the ticket (SPEC §4).
    """
    if chosen is not None:
        if chosen not in repliers:
            raise RevieweeNotOnTicketError(
                f"agent {chosen!r} did not reply publicly on this ticket"
            )
        return chosen
    distinct = sorted(set(repliers))
    if not distinct:
        raise NoRepliersError("no agent replied publicly on this ticket; nobody to review")
    if len(distinct) > 1:
        raise AmbiguousRevieweeError(
            f"several agents replied on this ticket ({', '.join(distinct)}); choose the reviewee"
        )
    return distinct[0]


@dataclass(frozen=True, slots=True)
class Review:
    """A reviewer's scored ratings of one ticket against one scorecard version."""

    ticket_id: str
    reviewer_id: str
    reviewee_id: str
    kind: ReviewKind
    result: ReviewScore  # carries the scorecard version, per-category ratings and the score
    comments: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def score(self) -> float | None:
        return self.result.score


def new_review(
    *,
    scorecard: Scorecard,
    ticket_id: str,
    reviewer_id: str,
    reviewee_id: str,
    ratings: Mapping[str, int | None],
    comments: Mapping[str, str] | None = None,
    kind: ReviewKind = ReviewKind.REGULAR,
) -> Review:
    """A validated review: no self-review, ratings fit the scorecard, comments name categories.

    The reviewee is expected to come from `pick_reviewee`.
    """
    check_reviewer(reviewer_id, reviewee_id)
    result = score_review(scorecard, ratings)
    kept = {key: text.strip() for key, text in (comments or {}).items() if text.strip()}
    unknown = sorted(set(kept) - set(scorecard.keys))
    if unknown:
        raise RatingError(f"comments on unknown categories {unknown}")
    return Review(
        ticket_id=ticket_id,
        reviewer_id=reviewer_id,
        reviewee_id=reviewee_id,
        kind=kind,
        result=result,
        comments=MappingProxyType(kept),
    )
