"""QA scorecards (SPEC §2): versioned rubrics of weighted, rated categories.

A scorecard is identified by `(id, version)`. It is never edited in place: `revise`
returns the next version, so a review keeps pointing at the exact rubric it used.

Critical failure: a critical category *fails* when it is rated at the lowest point of
its scale — 0 ("no") on a binary scale, 1 on a 3-, 4- or 5-point scale. N/A never
fails: a critical category that does not apply to a ticket cannot sink its review.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum


class ScaleKind(StrEnum):
    BINARY = "binary"
    THREE_POINT = "three_point"
    FOUR_POINT = "four_point"
    FIVE_POINT = "five_point"


_POINTS: dict[ScaleKind, tuple[int, ...]] = {
    ScaleKind.BINARY: (0, 1),
    ScaleKind.THREE_POINT: (1, 2, 3),
    ScaleKind.FOUR_POINT: (1, 2, 3, 4),
    ScaleKind.FIVE_POINT: (1, 2, 3, 4, 5),
}


@dataclass(frozen=True, slots=True)
class Scale:
    """A rating scale: binary is 0 (no) / 1 (yes); a k-point scale is 1..k."""

    kind: ScaleKind
    allow_na: bool = False

    @property
    def points(self) -> tuple[int, ...]:
        return _POINTS[self.kind]

    @property
    def lowest(self) -> int:
        return self.points[0]

    @property
    def highest(self) -> int:
        return self.points[-1]

    def accepts(self, rating: int) -> bool:
        # bool is an int subclass; True/False would silently mean 1/0, so refuse it.
        return isinstance(rating, int) and not isinstance(rating, bool) and rating in self.points

    def normalise(self, rating: int) -> float:
        """The rating on 0–1: (r − lowest) / (highest − lowest)."""
        if not self.accepts(rating):
            raise ValueError(f"rating {rating!r} is not on the {self.kind} scale {self.points}")
        return (rating - self.lowest) / (self.highest - self.lowest)

    def fails(self, rating: int) -> bool:
        """Whether `rating` is a failure: the lowest point of the scale."""
        return rating == self.lowest


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    label: str
    weight: float
    scale: Scale
    critical: bool = False
    group: str | None = None  # e.g. "accuracy", "tone", "connection"

    def __post_init__(self) -> None:
        if not self.key.strip():
            raise ValueError("a category needs a non-empty key")
        if not self.label.strip():
            raise ValueError(f"category {self.key!r} needs a non-empty label")
        if isinstance(self.weight, bool) or not math.isfinite(self.weight) or self.weight <= 0:
            raise ValueError(
                f"category {self.key!r} has weight {self.weight!r}; weights must be positive"
            )
        if self.group is not None and not self.group.strip():
            raise ValueError(f"category {self.key!r} has an empty group; use None for no group")


@dataclass(frozen=True, slots=True)
class Scorecard:
    id: str
    version: int
    name: str
    categories: tuple[Category, ...]

    def __post_init__(self) -> None:
        # Accept any iterable but store a tuple so the scorecard stays immutable.
        object.__setattr__(self, "categories", tuple(self.categories))
        if not self.id.strip():
            raise ValueError("a scorecard needs a non-empty id")
        if self.version < 1:
            raise ValueError(f"scorecard {self.id!r}: version must be ≥ 1, got {self.version}")
        if not self.name.strip():
            raise ValueError(f"scorecard {self.id!r} needs a non-empty name")
        _check_categories(self.id, self.categories)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(category.key for category in self.categories)

    @property
    def groups(self) -> tuple[str, ...]:
        """Distinct group names, in the order the categories first use them."""
        seen = (category.group for category in self.categories if category.group is not None)
        return tuple(dict.fromkeys(seen))

    def category(self, key: str) -> Category:
        for category in self.categories:
            if category.key == key:
                return category
        raise KeyError(f"scorecard {self.id!r} v{self.version} has no category {key!r}")


def _check_categories(scorecard_id: str, categories: tuple[Category, ...]) -> None:
    if not categories:
        raise ValueError(f"scorecard {scorecard_id!r} needs at least one category")
    seen: set[str] = set()
    for category in categories:
        if category.key in seen:
            raise ValueError(
                f"scorecard {scorecard_id!r} has duplicate category key {category.key!r}"
            )
        seen.add(category.key)


def revise(
    scorecard: Scorecard,
    *,
    name: str | None = None,
    categories: Iterable[Category] | None = None,
) -> Scorecard:
    """The next version of `scorecard` with the given changes; the original is untouched."""
    if name is None and categories is None:
        raise ValueError(f"revising scorecard {scorecard.id!r} needs a new name or categories")
    return replace(
        scorecard,
        version=scorecard.version + 1,
        name=scorecard.name if name is None else name,
        categories=scorecard.categories if categories is None else tuple(categories),
    )
