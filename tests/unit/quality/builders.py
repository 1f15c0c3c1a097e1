"""Small builders shared by the quality tests."""

from __future__ import annotations

from collections.abc import Mapping

from domain.quality.reviews import Review, ReviewKind, new_review
from domain.quality.scorecards import Category, Scale, ScaleKind, Scorecard


def category(
    key: str,
    *,
    weight: float = 1.0,
    kind: ScaleKind = ScaleKind.FIVE_POINT,
    allow_na: bool = False,
    critical: bool = False,
    group: str | None = None,
) -> Category:
    return Category(
        key=key,
        label=key.title(),
        weight=weight,
        scale=Scale(kind, allow_na=allow_na),
        critical=critical,
        group=group,
    )


def scorecard(*categories: Category, version: int = 1) -> Scorecard:
    return Scorecard(id="sc-1", version=version, name="Email QA", categories=categories)


def review(
    card: Scorecard,
    ratings: Mapping[str, int | None],
    *,
    ticket: str = "t-1",
    reviewer: str = "lead",
    reviewee: str = "ann",
    kind: ReviewKind = ReviewKind.REGULAR,
) -> Review:
    return new_review(
        scorecard=card,
        ticket_id=ticket,
        reviewer_id=reviewer,
        reviewee_id=reviewee,
        ratings=ratings,
        kind=kind,
    )
