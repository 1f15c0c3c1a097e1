"""createOneOnOne, updateOneOnOne (scope people:write, audited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import strawberry

from api.context import Info
from api.errors import NotFoundError, ValidationError, refused
from api.one_on_ones.types import OneOnOne, one_on_ones
from api.permissions import requires
from domain.auth import Scope
from domain.goals.ports import GoalError, GoalNotFoundError
from domain.one_on_ones.action_goals import ItemGoal, goal_from_action_item
from domain.one_on_ones.meetings import ItemSpec, OneOnOneError, OneOnOneNotFoundError
from domain.one_on_ones.meetings import OneOnOne as OneOnOneMeeting
from domain.one_on_ones.ports import OneOnOnesUnitOfWork
from domain.one_on_ones.service import (
    MeetingChanges,
    MeetingSpec,
    create_one_on_one,
    update_one_on_one,
)
from infra.bootstrap import utcnow

PEOPLE_WRITE = requires(Scope.PEOPLE_WRITE)

OneOnOneResult = Annotated[
    OneOnOne | ValidationError | NotFoundError, strawberry.union("OneOnOneResult")
]


@strawberry.input
class ActionItemInput:
    text: str
    done: bool = False
    id: strawberry.ID | None = strawberry.field(
        default=None, description="An existing item's id keeps it (and the goal it became)"
    )

    def spec(self) -> ItemSpec:
        return ItemSpec(self.text, self.done, str(self.id) if self.id is not None else None)


@strawberry.input
class CreateOneOnOneInput:
    agent_id: strawberry.ID
    manager_id: strawberry.ID = strawberry.field(description="The manager: an agent too")
    held_on: date
    agenda: str = ""
    notes: str = ""
    action_items: list[ActionItemInput] = strawberry.field(default_factory=list)
    review_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    goal_ids: list[strawberry.ID] = strawberry.field(default_factory=list)

    def spec(self) -> MeetingSpec:
        return MeetingSpec(
            agent_id=str(self.agent_id),
            manager_id=str(self.manager_id),
            held_on=self.held_on,
            agenda=self.agenda,
            notes=self.notes,
            action_items=tuple(i.spec() for i in self.action_items),
            review_ids=tuple(map(str, self.review_ids)),
            goal_ids=tuple(map(str, self.goal_ids)),
        )


@strawberry.input(description="Fields left out stay as they are; lists replace the old ones")
class UpdateOneOnOneInput:
    held_on: date | None = None
    agenda: str | None = None
    notes: str | None = None
    action_items: list[ActionItemInput] | None = strawberry.field(
        default=None, description="The whole new list: items named by id are kept"
    )
    review_ids: list[strawberry.ID] | None = None
    goal_ids: list[strawberry.ID] | None = None

    def changes(self) -> MeetingChanges:
        items = self.action_items
        return MeetingChanges(
            held_on=self.held_on,
            agenda=self.agenda,
            notes=self.notes,
            action_items=None if items is None else tuple(i.spec() for i in items),
            review_ids=None if self.review_ids is None else tuple(map(str, self.review_ids)),
            goal_ids=None if self.goal_ids is None else tuple(map(str, self.goal_ids)),
        )


@strawberry.input(description="The goal an action item becomes (a MANUAL goal of the agent)")
class ActionItemGoalInput:
    end_date: date = strawberry.field(description="The goal's last day, included")
    start_date: date | None = strawberry.field(
        default=None, description="Default: the meeting's day"
    )
    title: str | None = strawberry.field(default=None, description="Default: the item's text")
    description: str | None = None
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="A TEAM or TENANT goal it aligns with"
    )

    def goal(self) -> ItemGoal:
        parent = str(self.parent_id) if self.parent_id is not None else None
        return ItemGoal(self.end_date, self.start_date, self.title, self.description, parent)


async def _change(
    info: Info, change: Callable[[OneOnOnesUnitOfWork], OneOnOneMeeting]
) -> OneOnOneResult:
    """Write `change`; the meeting it answers, or the refusal (a goal's too: an action item
    can become one)."""
    try:
        meeting = await info.context.write(lambda uow: change(one_on_ones(uow)))
    except (OneOnOneError, GoalError) as exc:
        return refused(exc, missing=(OneOnOneNotFoundError, GoalNotFoundError))
    return OneOnOne.of(meeting)


@strawberry.type
class OneOnOnesMutation:
    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="A one-on-one of an agent and their manager on a day, with a shared "
        "agenda, notes, action items and links to the agent's performance reviews and goals.",
    )
    async def create_one_on_one(self, info: Info, input: CreateOneOnOneInput) -> OneOnOneResult:
        spec = input.spec()
        return await _change(info, lambda uow: create_one_on_one(uow, spec, now=utcnow()))

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="Change a one-on-one: its day, agenda, notes, action items or links.",
    )
    async def update_one_on_one(
        self, info: Info, id: strawberry.ID, input: UpdateOneOnOneInput
    ) -> OneOnOneResult:
        changes = input.changes()
        return await _change(
            info, lambda uow: update_one_on_one(uow, str(id), changes, now=utcnow())
        )

    @strawberry.mutation(
        extensions=PEOPLE_WRITE,
        description="Turn an action item into a goal of the meeting's agent (MANUAL: its "
        "progress is set with updateGoal); the item names the goal and the meeting links it.",
    )
    async def create_goal_from_action_item(
        self,
        info: Info,
        one_on_one_id: strawberry.ID,
        item_id: strawberry.ID,
        input: ActionItemGoalInput,
    ) -> OneOnOneResult:
        goal = input.goal()
        return await _change(
            info,
            lambda uow: goal_from_action_item(
                uow, meeting_id=str(one_on_one_id), item_id=str(item_id), goal=goal, now=utcnow()
            ),
        )
