"""GraphQL type for a ticket and its derived facts."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.context import Info
from api.people.types import Agent, Team, load_agent, load_team
from domain.views import TicketSampleView, TicketView


@strawberry.type(description="One observation the ticket contributes to a metric stream")
class TicketMetric:
    key: str = strawberry.field(description="The metric stream, as in metrics { key }")
    value: float = strawberry.field(
        description="Seconds for durations, 1 or 0 for a rate, the score for a rating"
    )
    business_value: float | None = strawberry.field(
        description="Durations only: the same span in the team's business hours"
    )
    at: datetime = strawberry.field(description="The moment that dates it into a period")
    agent_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, v: TicketSampleView) -> TicketMetric:
        return cls(
            key=v.metric, value=v.value, business_value=v.business, at=v.at, agent_id=v.agent_id
        )

    @strawberry.field(description="The agent it is attributed to")
    async def agent(self, info: Info) -> Agent | None:
        return await load_agent(info, self.agent_id)


@strawberry.type
class Ticket:
    source: str
    external_id: str
    channel: str | None
    requester_id: str | None
    status: str
    created_at: datetime | None
    first_reply_at: datetime | None
    first_solved_at: datetime | None
    reopen_count: int
    public_agent_reply_count: int
    event_count: int
    team_id: strawberry.Private[str | None]
    assignee_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, v: TicketView) -> Ticket:
        return cls(
            source=v.source,
            external_id=v.external_id,
            channel=v.channel,
            requester_id=v.requester_id,
            status=v.status,
            created_at=v.created_at,
            first_reply_at=v.first_reply_at,
            first_solved_at=v.first_solved_at,
            reopen_count=v.reopen_count,
            public_agent_reply_count=v.public_agent_reply_count,
            event_count=v.event_count,
            team_id=v.team_id,
            assignee_id=v.assignee_id,
        )

    @strawberry.field
    async def assignee(self, info: Info) -> Agent | None:
        return await load_agent(info, self.assignee_id)

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        return await load_team(info, self.team_id)

    @strawberry.field(
        description="The observations this ticket contributes to the metrics (first reply "
        "time, resolution time, ratings, …), by key then time; loaded for a whole page at once"
    )
    async def metrics(self, info: Info) -> list[TicketMetric]:
        samples = await info.context.loaders.ticket_samples.load((self.source, self.external_id))
        return [TicketMetric.of(s) for s in samples]
