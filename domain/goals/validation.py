"""A goal's definition checked before it is stored: fields, metric, alignment upward."""

from __future__ import annotations

import math
from datetime import date

from domain import limits
from domain.goals.model import PARENT_KINDS, Goal, GoalKind
from domain.goals.ports import GoalError
from domain.limits import check_length
from domain.model import ModelError, validate_component

TITLE = limits.NAME
DESCRIPTION = limits.COMMENT


def validate(goal: Goal) -> Goal:
    """Return the goal unchanged or raise `GoalError` naming the bad field."""
    if not goal.title.strip():
        raise GoalError("a goal needs a title", "title")
    check_length(goal.title, limit=TITLE, field="title", error=GoalError)
    check_length(goal.description, limit=DESCRIPTION, field="description", error=GoalError)
    if not (math.isfinite(goal.weight) and goal.weight > 0):
        raise GoalError(f"weight must be positive, got {goal.weight}", "weight")
    if goal.end < goal.start:
        raise GoalError("a goal must end on or after its start", "endDate")
    if goal.end >= date.max:
        raise GoalError(f"a goal must end before {date.max}", "endDate")
    _check_kind(goal)
    return goal


def _check_kind(goal: Goal) -> None:
    if goal.kind is GoalKind.METRIC:
        if goal.metric is None:
            raise GoalError("a metric goal needs a metric", "metric")
        if goal.manual_progress is not None:
            raise GoalError("a metric goal's progress comes from its metric", "progress")
        try:
            validate_component(goal.metric.component(), goal.owner.kind.level, "metric")
        except ModelError as exc:
            raise GoalError(str(exc), exc.field) from None
        return
    if goal.metric is not None:
        raise GoalError("a manual goal has no metric", "metric")
    progress = goal.manual_progress
    if progress is not None and not 0.0 <= progress <= 1.0:
        raise GoalError(f"progress must be between 0 and 1, got {progress}", "progress")


def check_alignment(goal: Goal, parent: Goal) -> None:
    """A goal hangs under a goal of a higher owner: agent → team or tenant, team → tenant."""
    allowed = PARENT_KINDS[goal.owner.kind]
    if parent.owner.kind not in allowed:
        kinds = " or ".join(sorted(k.value for k in allowed)) or "no"
        raise GoalError(
            f"a {goal.owner.kind.value} goal aligns with a {kinds} goal, "
            f"not a {parent.owner.kind.value} goal",
            "parentId",
        )
