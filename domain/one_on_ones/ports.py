"""What the one-on-one services need from storage (Protocols)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from domain.one_on_ones.meetings import OneOnOne
from domain.performance_reviews.ports import PerformanceReviews
from domain.ports import UnitOfWork

# Where a page of an agent's one-on-ones ends: the (day, id) of the last meeting seen.
Position = tuple[date, str]


class OneOnOnes(Protocol):
    def add(self, meeting: OneOnOne) -> None: ...

    def get(self, meeting_id: str) -> OneOnOne | None: ...

    def save(self, meeting: OneOnOne) -> None:
        """Store a changed meeting (everything but who met and when it was created)."""
        ...

    def of_agent(self, agent_id: str, *, first: int, after: Position | None) -> list[OneOnOne]:
        """The agent's meetings, latest day first, then by id; at most `first` past `after`."""
        ...

    def count(self, agent_id: str) -> int: ...


class OneOnOnesUnitOfWork(UnitOfWork, Protocol):
    """The unit of work with the one-on-one repository, and the performance reviews a
    meeting may link to (goals are the base unit of work's)."""

    @property
    def one_on_ones(self) -> OneOnOnes: ...

    @property
    def performance_reviews(self) -> PerformanceReviews: ...
