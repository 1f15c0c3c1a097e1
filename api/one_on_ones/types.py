"""GraphQL types of one-on-ones, and their Relay cursors (latest day first)."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

import strawberry

from api import pagination
from api.context import Info
from api.people.types import Agent, load_agent
from domain.one_on_ones import meetings as m
from domain.one_on_ones.ports import OneOnOnesUnitOfWork
from domain.ports import UnitOfWork

LIST_NAME = "oneOnOnes"  # the list its cursors name


def one_on_ones(uow: UnitOfWork) -> OneOnOnesUnitOfWork:
    """The request's unit of work; the SQL one carries the one-on-one repository."""
    return cast(OneOnOnesUnitOfWork, uow)


@strawberry.type
class ActionItem:
    id: strawberry.ID
    text: str
    done: bool
    goal_id: strawberry.ID | None = strawberry.field(
        description="The goal this item was turned into, if it was"
    )

    @classmethod
    def of(cls, item: m.ActionItem) -> ActionItem:
        goal = strawberry.ID(item.goal_id) if item.goal_id is not None else None
        return cls(id=strawberry.ID(item.id), text=item.text, done=item.done, goal_id=goal)


@strawberry.type(description="A dated meeting of an agent and their manager")
class OneOnOne:
    id: strawberry.ID
    held_on: date = strawberry.field(description="The meeting's day, planned or past")
    agenda: str = strawberry.field(description="Shared by both sides")
    notes: str
    action_items: list[ActionItem]
    review_ids: list[strawberry.ID] = strawberry.field(
        description="The agent's performance reviews it discusses"
    )
    goal_ids: list[strawberry.ID] = strawberry.field(description="The agent's goals it discusses")
    created_at: datetime
    updated_at: datetime
    agent_id: strawberry.Private[str]
    manager_id: strawberry.Private[str]

    @classmethod
    def of(cls, meeting: m.OneOnOne) -> OneOnOne:
        return cls(
            id=strawberry.ID(meeting.id),
            held_on=meeting.held_on,
            agenda=meeting.agenda,
            notes=meeting.notes,
            action_items=[ActionItem.of(i) for i in meeting.action_items],
            review_ids=[strawberry.ID(i) for i in meeting.review_ids],
            goal_ids=[strawberry.ID(i) for i in meeting.goal_ids],
            created_at=meeting.created_at,
            updated_at=meeting.updated_at,
            agent_id=meeting.agent_id,
            manager_id=meeting.manager_id,
        )

    @strawberry.field
    async def agent(self, info: Info) -> Agent | None:
        return await load_agent(info, self.agent_id)

    @strawberry.field(description="The manager (an agent of the tenant too)")
    async def manager(self, info: Info) -> Agent | None:
        return await load_agent(info, self.manager_id)


def encode_cursor(meeting: m.OneOnOne) -> str:
    return pagination.encode_dated_cursor(LIST_NAME, meeting.held_on, meeting.id)
