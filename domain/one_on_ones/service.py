"""The one-on-one use cases behind createOneOnOne and updateOneOnOne."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeVar

from domain.goals.model import Owner, OwnerKind
from domain.one_on_ones.meetings import (
    ItemSpec,
    OneOnOne,
    OneOnOneError,
    OneOnOneNotFoundError,
    check_items,
    check_links,
    check_texts,
    merge_items,
)
from domain.one_on_ones.ports import OneOnOnesUnitOfWork

T = TypeVar("T")


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class MeetingSpec:
    agent_id: str
    manager_id: str
    held_on: date
    agenda: str = ""
    notes: str = ""
    action_items: tuple[ItemSpec, ...] = ()
    review_ids: tuple[str, ...] = ()
    goal_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingChanges:
    """What an update changes; None leaves a field as it is. `action_items` is the whole new
    list (items named by id are kept), as are the links."""

    held_on: date | None = None
    agenda: str | None = None
    notes: str | None = None
    action_items: tuple[ItemSpec, ...] | None = None
    review_ids: tuple[str, ...] | None = None
    goal_ids: tuple[str, ...] | None = None


def create_one_on_one(uow: OneOnOnesUnitOfWork, spec: MeetingSpec, *, now: datetime) -> OneOnOne:
    check_texts(agenda=spec.agenda, notes=spec.notes)
    check_items(spec.action_items)
    for agent_id, field in ((spec.agent_id, "agentId"), (spec.manager_id, "managerId")):
        if uow.directory.agent(agent_id) is None:
            raise OneOnOneNotFoundError(f"no agent {agent_id!r}", field)
    if spec.manager_id == spec.agent_id:
        raise OneOnOneError("an agent cannot be their own manager in a one-on-one", "managerId")
    meeting = OneOnOne(
        id=new_id(),
        agent_id=spec.agent_id,
        manager_id=spec.manager_id,
        held_on=spec.held_on,
        agenda=spec.agenda,
        notes=spec.notes,
        action_items=merge_items((), spec.action_items, new_id),
        review_ids=_linked(uow, spec.agent_id, spec.review_ids, (), "reviewIds"),
        goal_ids=_linked(uow, spec.agent_id, spec.goal_ids, (), "goalIds"),
        created_at=now,
        updated_at=now,
    )
    uow.one_on_ones.add(meeting)
    return meeting


def update_one_on_one(
    uow: OneOnOnesUnitOfWork, meeting_id: str, changes: MeetingChanges, *, now: datetime
) -> OneOnOne:
    meeting = uow.one_on_ones.get(meeting_id)
    if meeting is None:
        raise OneOnOneNotFoundError(f"no one-on-one {meeting_id!r}", "id")
    check_texts(agenda=changes.agenda, notes=changes.notes)
    agent = meeting.agent_id
    items = meeting.action_items
    if changes.action_items is not None:
        check_items(changes.action_items)
        items = merge_items(meeting.action_items, changes.action_items, new_id)
    changed = replace(
        meeting,
        held_on=_or(changes.held_on, meeting.held_on),
        agenda=_or(changes.agenda, meeting.agenda),
        notes=_or(changes.notes, meeting.notes),
        action_items=items,
        review_ids=_linked(uow, agent, changes.review_ids, meeting.review_ids, "reviewIds"),
        goal_ids=_linked(uow, agent, changes.goal_ids, meeting.goal_ids, "goalIds"),
        updated_at=now,
    )
    uow.one_on_ones.save(changed)
    return changed


def _or(new: T | None, old: T) -> T:
    return old if new is None else new


def _linked(
    uow: OneOnOnesUnitOfWork,
    agent_id: str,
    new: Sequence[str] | None,
    old: tuple[str, ...],
    field: str,
) -> tuple[str, ...]:
    """The new links, each once, when every one names a record of the meeting's agent."""
    if new is None:
        return old
    ids = check_links(new, field)
    found = (_goals_of if field == "goalIds" else _reviews_of)(uow, agent_id, ids)
    for index, link in enumerate(ids):
        if link not in found:
            what = LINKED[field]
            raise OneOnOneNotFoundError(f"the agent has no {what} {link!r}", f"{field}[{index}]")
    return ids


LINKED = {"reviewIds": "performance review", "goalIds": "goal"}


def _reviews_of(uow: OneOnOnesUnitOfWork, agent_id: str, ids: Sequence[str]) -> set[str]:
    """Those of `ids` that are performance reviews of the agent."""
    found = uow.performance_reviews.agents_of(ids)
    return {review_id for review_id, agent in found.items() if agent == agent_id}


def _goals_of(uow: OneOnOnesUnitOfWork, agent_id: str, ids: Sequence[str]) -> set[str]:
    """Those of `ids` that are the agent's own goals."""
    mine = Owner(OwnerKind.AGENT, agent_id)
    return {i for i, stored in uow.goals.many(ids).items() if stored.goal.owner == mine}
