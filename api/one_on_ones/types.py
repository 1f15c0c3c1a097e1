"""GraphQL types of one-on-ones, and their Relay connection (latest day first)."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

import strawberry

from api import pagination
from api.context import Info
from api.pagination import Edge, PageInfo
from api.people.types import Agent, load_agent
from domain.one_on_ones import meetings as m
from domain.one_on_ones.ports import OneOnOnesUnitOfWork, Position
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


@strawberry.type
class OneOnOneConnection:
    edges: list[Edge[OneOnOne]]
    page_info: PageInfo
    agent_id: strawberry.Private[str]

    @strawberry.field(description="The agent's one-on-ones on every page (one count, when asked)")
    async def total_count(self, info: Info) -> int:
        agent_id = self.agent_id
        return await info.context.read_uow(lambda uow: one_on_ones(uow).one_on_ones.count(agent_id))


def connection(found: list[m.OneOnOne], first: int, agent_id: str) -> OneOnOneConnection:
    """The page of `found`, which holds up to `first + 1` meetings."""
    edges = [Edge(cursor=encode_cursor(f), node=OneOnOne.of(f)) for f in found[:first]]
    info = PageInfo(
        has_next_page=len(found) > first, end_cursor=edges[-1].cursor if edges else None
    )
    return OneOnOneConnection(edges=edges, page_info=info, agent_id=agent_id)


def encode_cursor(meeting: m.OneOnOne) -> str:
    return pagination.encode_cursor(LIST_NAME, meeting.held_on.isoformat(), meeting.id)


def decode_cursor(cursor: str) -> Position:
    day, meeting_id = pagination.decode_cursor(cursor, LIST_NAME, 2)
    try:
        held_on = date.fromisoformat(day)
    except ValueError:
        held_on = None
    if held_on is None or not meeting_id:
        raise pagination.bad_input(f"not a cursor from {LIST_NAME}", "after")
    return held_on, meeting_id
