"""What the goal services need from storage, the errors they raise, and the read port.

The read port other packages (performance reviews, career readiness) use is
`Goals.goals_of(owner_kind, owner_id)`: each goal with the `progress`, `status` and
`completed` the engine stored (`StoredGoal`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from domain.goals.model import (
    Goal,
    GoalKind,
    GoalState,
    Owner,
    OwnerKind,
    ProgressPoint,
    StoredGoal,
)


class GoalError(ValueError):
    """An expected failure the caller can fix; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class GoalNotFoundError(GoalError):
    """A named goal, agent or team does not exist in the tenant."""


class Goals(Protocol):
    def add(self, goal: Goal, *, at: datetime) -> None: ...

    def update(self, goal: Goal, *, at: datetime) -> None:
        """Replace a goal's definition (its stored state is the engine's)."""
        ...

    def get(self, goal_id: str) -> StoredGoal | None: ...

    def many(self, goal_ids: Collection[str]) -> dict[str, StoredGoal]: ...

    def goals_of(self, owner_kind: OwnerKind | None, owner_id: str | None) -> list[StoredGoal]:
        """The tenant's goals of an owner (None: of every owner of the kind, or all), by
        start, then title."""
        ...

    def children(self, parent_ids: Collection[str]) -> dict[str, list[StoredGoal]]:
        """Each parent's child goals (parents without children are left out)."""
        ...

    def overlapping(
        self,
        owners: Collection[Owner],
        *,
        first: date,
        last: date,
        kind: GoalKind | None = None,
    ) -> list[StoredGoal]:
        """The goals of `owners` (of `kind`, or any) whose days meet `first` … `last`; an
        owner's by start, then title."""
        ...

    def ending_since(self, since: date | None) -> list[str]:
        """Ids of the goals whose last day is on/after `since` (None: all)."""
        ...

    def set_states(self, states: Mapping[str, GoalState]) -> None:
        """Store what the engine computed for each goal (by id)."""
        ...

    def record_progress(self, points: Mapping[str, ProgressPoint]) -> None:
        """Append a point to each goal's progress history (by goal id)."""
        ...

    def history(self, goal_ids: Collection[str]) -> Mapping[str, Sequence[ProgressPoint]]:
        """Each goal's progress history, oldest first."""
        ...
