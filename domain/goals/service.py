"""The goal use cases behind createGoal and updateGoal, and the read port.

A change stores the goal's definition and asks, through the derivation outbox, for its
(re)computation: the reconciler computes progress, status and the roll-up to the goals
above (domain.goals.engine). Nothing here computes progress.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeVar

from domain.derivation.outbox import Redo
from domain.goals.model import Goal, GoalKind, MetricTarget, Owner, OwnerKind, StoredGoal
from domain.goals.ports import GoalError, GoalNotFoundError
from domain.goals.validation import check_alignment, validate
from domain.ports import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GoalSpec:
    """A new goal as its author states it. A TENANT goal's owner is the tenant itself
    (`owner_id` may be left out)."""

    title: str
    owner_kind: OwnerKind
    owner_id: str | None
    start: date
    end: date
    kind: GoalKind
    weight: float = 1.0
    description: str | None = None
    parent_id: str | None = None
    metric: MetricTarget | None = None
    progress: float | None = None  # a manual goal's starting progress


@dataclass(frozen=True, slots=True)
class GoalChanges:
    """What an update changes; None leaves a field as it is (`detach_parent` unlinks)."""

    title: str | None = None
    description: str | None = None
    weight: float | None = None
    start: date | None = None
    end: date | None = None
    parent_id: str | None = None
    detach_parent: bool = False
    metric: MetricTarget | None = None
    progress: float | None = None


def goals_of(uow: UnitOfWork, owner_kind: OwnerKind, owner_id: str) -> list[StoredGoal]:
    """The read port: an owner's goals with the progress, status and completion the
    engine stored."""
    return uow.goals.goals_of(owner_kind, owner_id)


def refresh_statuses(uow: UnitOfWork, *, today: date) -> bool:
    """A status compares progress with the days elapsed, so it moves with the calendar even
    when no metric does: ask the reconciler to recompute the goals running on or after
    `today` (the worker's hourly cron). Whether there were any."""
    if not uow.goals.ending_since(today):
        return False
    uow.outbox.request(Redo.GOALS, since=today)
    return True


def create_goal(uow: UnitOfWork, spec: GoalSpec, *, now: datetime) -> StoredGoal:
    goal = Goal(
        id=uuid.uuid4().hex,
        title=spec.title,
        owner=_owner(uow, spec.owner_kind, spec.owner_id),
        start=spec.start,
        end=spec.end,
        kind=spec.kind,
        weight=spec.weight,
        description=spec.description,
        parent_id=spec.parent_id,
        metric=spec.metric,
        manual_progress=spec.progress,
    )
    validate(goal)
    _check_parent(uow, goal)
    uow.goals.add(goal, at=now)
    uow.outbox.request(Redo.GOAL, key=goal.id)
    return _stored(uow, goal.id)


def update_goal(
    uow: UnitOfWork, goal_id: str, changes: GoalChanges, *, now: datetime
) -> StoredGoal:
    stored = uow.goals.get(goal_id)
    if stored is None:
        raise GoalNotFoundError(f"no goal {goal_id!r}", "id")
    before = stored.goal
    goal = validate(_changed(before, changes))
    if changes.progress is not None and uow.goals.children([goal_id]):
        raise GoalError("a goal with children takes its progress from them", "progress")
    if goal.parent_id != before.parent_id:
        _check_parent(uow, goal)
    uow.goals.update(goal, at=now)
    # The goal and the goals above it, old and new, are recomputed by the reconciler.
    uow.outbox.request(Redo.GOAL, key=goal.id)
    if before.parent_id is not None and before.parent_id != goal.parent_id:
        uow.outbox.request(Redo.GOAL, key=before.parent_id)
    return _stored(uow, goal.id)


def _changed(goal: Goal, changes: GoalChanges) -> Goal:
    parent = None if changes.detach_parent else (changes.parent_id or goal.parent_id)
    return replace(
        goal,
        title=_or(changes.title, goal.title),
        description=_or(changes.description, goal.description),
        weight=_or(changes.weight, goal.weight),
        start=_or(changes.start, goal.start),
        end=_or(changes.end, goal.end),
        parent_id=parent,
        metric=_or(changes.metric, goal.metric),
        manual_progress=_or(changes.progress, goal.manual_progress),
    )


def _or(new: T | None, old: T) -> T:
    return old if new is None else new


def _owner(uow: UnitOfWork, kind: OwnerKind, owner_id: str | None) -> Owner:
    if kind is OwnerKind.TENANT:
        if owner_id is not None and owner_id != uow.tenant.id:
            raise GoalNotFoundError(f"no tenant {owner_id!r}", "ownerId")
        return Owner(kind, uow.tenant.id)
    if owner_id is None:
        raise GoalError(f"a {kind.value} goal needs an ownerId", "ownerId")
    if kind is OwnerKind.AGENT and uow.directory.agent(owner_id) is None:
        raise GoalNotFoundError(f"no agent {owner_id!r}", "ownerId")
    if kind is OwnerKind.TEAM and not uow.directory.team_exists(owner_id):
        raise GoalNotFoundError(f"no team {owner_id!r}", "ownerId")
    return Owner(kind, owner_id)


def _check_parent(uow: UnitOfWork, goal: Goal) -> None:
    if goal.parent_id is None:
        return
    parent = uow.goals.get(goal.parent_id)
    if parent is None:
        raise GoalNotFoundError(f"no goal {goal.parent_id!r}", "parentId")
    check_alignment(goal, parent.goal)


def _stored(uow: UnitOfWork, goal_id: str) -> StoredGoal:
    stored = uow.goals.get(goal_id)
    if stored is None:  # written in this transaction: never
        raise GoalNotFoundError(f"no goal {goal_id!r}", "id")
    return stored
