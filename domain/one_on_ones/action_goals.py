"""An action item of a one-on-one turned into a goal of the meeting's agent.

The goal is made by the goals service (a MANUAL goal the agent owns, progress set by its
owner), so it is checked, stored and rolled up like any other; the item then names it and
the meeting links to it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from domain.goals.model import GoalKind, OwnerKind
from domain.goals.service import GoalSpec, create_goal
from domain.one_on_ones.meetings import OneOnOne, OneOnOneError, OneOnOneNotFoundError
from domain.one_on_ones.ports import OneOnOnesUnitOfWork


@dataclass(frozen=True, slots=True)
class ItemGoal:
    """The goal an action item becomes; its title is the item's text unless given."""

    end: date  # the goal's last day
    start: date | None = None  # None: the meeting's day
    title: str | None = None
    description: str | None = None
    parent_id: str | None = None  # a TEAM or TENANT goal it aligns with


def goal_from_action_item(
    uow: OneOnOnesUnitOfWork, *, meeting_id: str, item_id: str, goal: ItemGoal, now: datetime
) -> OneOnOne:
    """Raises OneOnOneError for the meeting and item, GoalError for the goal."""
    meeting = uow.one_on_ones.get(meeting_id)
    if meeting is None:
        raise OneOnOneNotFoundError(f"no one-on-one {meeting_id!r}", "oneOnOneId")
    item = next((i for i in meeting.action_items if i.id == item_id), None)
    if item is None:
        raise OneOnOneNotFoundError(f"no action item {item_id!r} in this one-on-one", "itemId")
    if item.goal_id is not None:
        raise OneOnOneError(f"this action item is goal {item.goal_id!r} already", "itemId")
    spec = GoalSpec(
        title=goal.title if goal.title is not None else item.text,
        owner_kind=OwnerKind.AGENT,
        owner_id=meeting.agent_id,
        start=goal.start or meeting.held_on,
        end=goal.end,
        kind=GoalKind.MANUAL,
        description=goal.description,
        parent_id=goal.parent_id,
    )
    created = create_goal(uow, spec, now=now)
    items = tuple(replace(i, goal_id=created.id) if i is item else i for i in meeting.action_items)
    changed = replace(
        meeting,
        action_items=items,
        goal_ids=(*meeting.goal_ids, created.id),
        updated_at=now,
    )
    uow.one_on_ones.save(changed)
    return changed
