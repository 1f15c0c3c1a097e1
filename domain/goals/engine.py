"""The goals' share of derived data: progress, value, status and roll-up, recomputed by
the derivation reconciler — after a roll-up for the goals whose subject and days it
touched, after a rebuild for the goals it may have moved, and on a goal's outbox request
when a goal was created or changed. Never on read.

A metric goal's value is read from the stored metric samples of its owner over its days,
summarised by the same SQL and turned into a value by the same code (`metric_values`) as
a period's snapshot; only the days differ.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta

from domain.derivation.outbox import DirtyEntry
from domain.goals.model import (
    ROLL_UP_ORDER,
    Goal,
    GoalKind,
    GoalState,
    Owner,
    OwnerKind,
    ProgressPoint,
    StoredGoal,
    metric_progress,
    rolled_up,
    state_of,
)
from domain.periods import Grain, local_day
from domain.policy import has_business_hours
from domain.ports import UnitOfWork
from domain.values import metric_values


def refresh_touched(uow: UnitOfWork, entries: Iterable[DirtyEntry], *, now: datetime) -> int:
    """Recompute the metric goals whose owner and days the rolled-up entries touched.

    Every touched day is marked in the DAY grain too, so the DAY entries name exactly
    the subjects and days that moved."""
    days: dict[Owner, set[date]] = {}
    for entry in entries:
        if entry.period.grain is Grain.DAY:
            owner = Owner(OwnerKind(entry.level.value), entry.subject_id)
            days.setdefault(owner, set()).add(entry.period.start)
    if not days:
        return 0
    every = set().union(*days.values())
    found = uow.goals.overlapping(
        days.keys(), first=min(every), last=max(every), kind=GoalKind.METRIC
    )
    goals = [stored.goal for stored in found]
    wanted = [g.id for g in goals if any(g.start <= d <= g.end for d in days[g.owner])]
    return refresh_goals(uow, wanted, now=now)


def refresh_since(uow: UnitOfWork, since: date | None, *, now: datetime) -> int:
    """After a rebuild from `since`: every goal that runs on or after it."""
    return refresh_goals(uow, uow.goals.ending_since(since), now=now)


def refresh_goals(uow: UnitOfWork, goal_ids: Collection[str], *, now: datetime) -> int:
    """Recompute the goals and every goal above them, children before parents; a change
    of progress or value adds a point to the goal's history. Returns how many were
    recomputed."""
    goals = _with_ancestors(uow, goal_ids)
    children = uow.goals.children(goals.keys())
    today = local_day(now, uow.tenant.timezone)
    fresh: dict[str, GoalState] = {}
    for kind in ROLL_UP_ORDER:
        for stored in sorted(goals.values(), key=lambda g: g.id):
            if stored.goal.owner.kind is not kind:
                continue
            kids = [
                (c.goal.weight, fresh.get(c.id, c.state).progress)
                for c in children.get(stored.id, [])
            ]
            progress, value, sample_size = _measure(uow, stored.goal, kids)
            state = state_of(
                stored.goal, progress, value=value, sample_size=sample_size, today=today, at=now
            )
            _store(uow, stored, state)
            fresh[stored.id] = state
    return len(goals)


def _with_ancestors(uow: UnitOfWork, goal_ids: Collection[str]) -> dict[str, StoredGoal]:
    found = uow.goals.many(goal_ids)
    wanted = {g.goal.parent_id for g in found.values()} - found.keys() - {None}
    while wanted:  # at most two rounds: agent → team → tenant
        parents = uow.goals.many([p for p in wanted if p is not None])
        found.update(parents)
        wanted = {g.goal.parent_id for g in parents.values()} - found.keys() - {None}
    return found


def _measure(
    uow: UnitOfWork, goal: Goal, children: list[tuple[float, float | None]]
) -> tuple[float | None, float | None, int]:
    """(progress, value, sample size): a goal with children rolls up from them."""
    value, sample_size = metric_value(uow, goal) if goal.metric is not None else (None, 0)
    if children:
        progress = rolled_up(children)
    elif goal.kind is GoalKind.METRIC and goal.metric is not None:
        progress = metric_progress(goal.metric, value)
    else:
        progress = goal.manual_progress
    return progress, value, sample_size


def metric_value(uow: UnitOfWork, goal: Goal) -> tuple[float | None, int]:
    """The goal's metric for its owner over its days, and its sample size."""
    target = goal.metric
    if target is None:
        return None, 0
    level = goal.owner.kind.level
    subjects = None if goal.owner.kind is OwnerKind.TENANT else [goal.owner.id]
    aggregates = uow.samples.aggregate_days(
        goal.start, goal.end + timedelta(days=1), level, subjects
    )
    metrics = metric_values(
        aggregates.get(goal.owner.id, {}),
        level=level,
        has_business_hours=has_business_hours(uow.tenant),
    )
    found = metrics.get((target.metric, target.basis))
    if found is None:
        return None, 0
    return found.statistic(target.statistic), found.sample_size


def _store(uow: UnitOfWork, stored: StoredGoal, state: GoalState) -> None:
    uow.goals.set_state(stored.id, state)
    if state.moved(stored.state) and state.computed_at is not None:
        point = ProgressPoint(state.computed_at, state.progress, state.value, state.status)
        uow.goals.record_progress(stored.id, point)
