"""The goals' share of derived data: progress, value, status and roll-up, recomputed by
the derivation reconciler — after a roll-up for the goals whose subject and days it
touched, after a rebuild for the goals it may have moved, and on a goal's outbox request
when a goal was created or changed. Never on read.

A metric goal's value is read from the stored metric samples of its owner over its days,
summarised by the same SQL and turned into a value by the same code (`metric_values`) as
a period's snapshot; only the days differ.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
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
from domain.metrics import Level
from domain.periods import Grain, local_day
from domain.policy import has_business_hours
from domain.ports import UnitOfWork
from domain.values import MetricSet, metric_values


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
    recomputed. The reads and writes cover all the goals at once (a rebuild recomputes
    every running goal)."""
    goals = _with_ancestors(uow, goal_ids)
    children = uow.goals.children(goals.keys())
    measured = _metric_values(uow, [g.goal for g in goals.values()])
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
            value, sample_size = measured.get(stored.id, (None, 0))
            progress = _progress(stored.goal, kids, value)
            fresh[stored.id] = state_of(
                stored.goal, progress, value=value, sample_size=sample_size, today=today, at=now
            )
    _store(uow, goals, fresh)
    return len(goals)


def _with_ancestors(uow: UnitOfWork, goal_ids: Collection[str]) -> dict[str, StoredGoal]:
    found = uow.goals.many(goal_ids)
    wanted = {g.goal.parent_id for g in found.values()} - found.keys() - {None}
    while wanted:  # at most two rounds: agent → team → tenant
        parents = uow.goals.many([p for p in wanted if p is not None])
        found.update(parents)
        wanted = {g.goal.parent_id for g in parents.values()} - found.keys() - {None}
    return found


def _progress(
    goal: Goal, children: list[tuple[float, float | None]], value: float | None
) -> float | None:
    """A goal with children rolls up from them; else a metric goal's attainment, or the
    progress its owner set."""
    if children:
        return rolled_up(children)
    if goal.kind is GoalKind.METRIC and goal.metric is not None:
        return metric_progress(goal.metric, value)
    return goal.manual_progress


def _metric_values(uow: UnitOfWork, goals: Iterable[Goal]) -> dict[str, tuple[float | None, int]]:
    """Each metric goal's metric for its owner over its days, and its sample size; the
    goals over the same days and level are read together."""
    groups: dict[tuple[date, date, Level], list[Goal]] = {}
    for goal in goals:
        if goal.metric is not None:
            groups.setdefault((goal.start, goal.end, goal.owner.kind.level), []).append(goal)
    business_hours = has_business_hours(uow.tenant)
    out: dict[str, tuple[float | None, int]] = {}
    for (start, end, level), members in groups.items():
        subjects = None if level is Level.TENANT else sorted({g.owner.id for g in members})
        aggregates = uow.samples.aggregate_days(start, end + timedelta(days=1), level, subjects)
        for goal in members:
            metrics = metric_values(
                aggregates.get(goal.owner.id, {}), level=level, has_business_hours=business_hours
            )
            out[goal.id] = _value_of(goal, metrics)
    return out


def _value_of(goal: Goal, metrics: MetricSet) -> tuple[float | None, int]:
    target = goal.metric
    found = metrics.get((target.metric, target.basis)) if target is not None else None
    if target is None or found is None:
        return None, 0
    return found.statistic(target.statistic), found.sample_size


def _store(
    uow: UnitOfWork, goals: Mapping[str, StoredGoal], fresh: Mapping[str, GoalState]
) -> None:
    """Every state, and a point of history for each that moved."""
    uow.goals.set_states(fresh)
    uow.goals.record_progress(
        {
            goal_id: ProgressPoint(state.computed_at, state.progress, state.value, state.status)
            for goal_id, state in fresh.items()
            if state.moved(goals[goal_id].state) and state.computed_at is not None
        }
    )
