"""What the performance-review services need from storage (Protocols)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.goals.ports import Goals
from domain.performance_reviews.cycles import ReviewCycle
from domain.performance_reviews.reviews import PerformanceReview, ReviewStatus
from domain.ports import UnitOfWork
from domain.views import TenantReads


@dataclass(frozen=True, slots=True)
class ReviewQuery:
    """A page of reviews, newest period first, then by id; unset filters match all."""

    cycle_id: str | None = None
    agent_id: str | None = None
    status: ReviewStatus | None = None
    limit: int | None = None
    after: tuple[date, str] | None = None  # (period start, id) of the last review seen


class PerformanceReviews(Protocol):
    def add_cycle(self, cycle: ReviewCycle) -> None: ...

    def cycle(self, cycle_id: str) -> ReviewCycle | None: ...

    def cycles(self) -> list[ReviewCycle]:
        """Every cycle, oldest first."""
        ...

    def reviewed_agents(self, cycle_id: str, period_start: date) -> set[str]:
        """The agents that already have a review of this cycle and period."""
        ...

    def add(self, reviews: Sequence[PerformanceReview]) -> None: ...

    def get(self, review_id: str) -> PerformanceReview | None: ...

    def agents_of(self, review_ids: Collection[str]) -> dict[str, str]:
        """The agent each of the reviews is about (review id → agent id; unknown ids are
        absent), without reading their evidence."""
        ...

    def save(self, review: PerformanceReview) -> None:
        """Store a review's state, feedback, rating and self-assessment (never its evidence)."""
        ...

    def page(self, query: ReviewQuery) -> list[PerformanceReview]: ...

    def count(self, query: ReviewQuery) -> int: ...


class PerformanceUnitOfWork(UnitOfWork, Protocol):
    """The unit of work with the performance-review repository, the read model and goals."""

    @property
    def performance_reviews(self) -> PerformanceReviews: ...

    @property
    def reads(self) -> TenantReads: ...

    @property
    def goals(self) -> Goals:
        """The goals' read port (`goals_of`): a review freezes the agent's goal progress."""
        ...
