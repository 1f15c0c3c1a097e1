"""Support values: a tenant's soft skills (empathy, ownership, ...) that managers rate
per agent per period on 1–5. Ratings are judgements of people, not of tickets, so they
live beside the review score and never feed it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from domain.periods import Period

VALUE_RATING_MIN = 1
VALUE_RATING_MAX = 5


@dataclass(frozen=True, slots=True)
class SupportValue:
    key: str
    label: str
    description: str = ""

    def __post_init__(self) -> None:
        if not self.key.strip() or not self.label.strip():
            raise ValueError("a support value needs a non-empty key and label")


def check_support_values(values: Iterable[SupportValue]) -> tuple[SupportValue, ...]:
    """A tenant's value set: at least one value, keys unique."""
    listed = tuple(values)
    if not listed:
        raise ValueError("a tenant's support values need at least one value")
    duplicates = sorted(key for key, n in Counter(v.key for v in listed).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate support value keys {duplicates}")
    return listed


@dataclass(frozen=True, slots=True)
class ValueRating:
    agent_id: str
    value_key: str
    period: Period
    rater_id: str  # the manager
    rating: int
    comment: str | None = None

    def __post_init__(self) -> None:
        rating = self.rating
        if isinstance(rating, bool) or not isinstance(rating, int):
            raise ValueError(f"a value rating is an integer, got {rating!r}")
        if not VALUE_RATING_MIN <= rating <= VALUE_RATING_MAX:
            raise ValueError(
                f"a value rating is {VALUE_RATING_MIN}–{VALUE_RATING_MAX}, got {rating}"
            )
        if self.rater_id == self.agent_id:
            raise ValueError(f"agent {self.agent_id!r} cannot rate their own values")


def check_value_rating(values: Iterable[SupportValue], rating: ValueRating) -> None:
    """Refuse a rating of a value the tenant does not define."""
    if rating.value_key not in {value.key for value in values}:
        raise ValueError(f"{rating.value_key!r} is not one of the tenant's support values")
