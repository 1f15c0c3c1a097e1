"""GET /exports/tickets.csv (SPEC §6): the tickets created in a period, as the `tickets`
connection answers them, one row per ticket, streamed a page at a time.

The filter is the connection's TicketFilter (`created` the period, plus `teamId`, `agentId`,
`status`, `channel`) and the pages are its keyset pages (SqlTicketReads.page), each read in
a unit of work of its own: memory stays one page however many tickets match, and no
connection is held while the client is slow to read.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from starlette.datastructures import QueryParams

from api.context import Context
from api.export_format import ExportError, Row, encode, optional_text, parse_period
from domain.events import Status
from domain.periods import Period
from domain.views import TenantReads, TicketFilter, TicketPosition, TicketView

NAME = "tickets"
PAGE_SIZE = 500  # tickets per read and per streamed chunk
HEADER = [
    "source",
    "external_id",
    "channel",
    "requester_id",
    "status",
    "created_at",
    "first_reply_at",
    "first_solved_at",
    "reopen_count",
    "public_agent_reply_count",
    "event_count",
    "assignee_id",
    "assignee_name",
    "team_id",
    "team_name",
    "metrics",  # JSON: the ticket's `metrics { key value businessValue at agent { id } }`
]


@dataclass(frozen=True)
class TicketQuery:
    period: Period
    wanted: TicketFilter


@dataclass(frozen=True)
class Page:
    lines: list[Row]
    after: TicketPosition | None  # where the next page starts; None: this was the last


def parse_query(params: QueryParams) -> TicketQuery:
    """`grain`, `start` (tickets created in that period), and the connection's narrowing
    filters: `teamId`, `agentId` (the assignee), `channel`, `status` (TicketStatus names,
    repeated or comma-separated: any of them)."""
    period = parse_period(params)
    names = [n for given in params.getlist("status") for n in given.split(",")]
    unknown = [n for n in names if n not in Status.__members__]
    if unknown:
        raise ExportError(f"status must be among {', '.join(Status.__members__)}")
    wanted = TicketFilter(
        team_id=optional_text(params, "teamId", "team"),
        agent_id=optional_text(params, "agentId", "agent"),
        statuses=frozenset(Status[n].value for n in names),
        channel=optional_text(params, "channel", "channel"),
        created=period,
    )
    return TicketQuery(period, wanted)


async def stream(context: Context, query: TicketQuery) -> AsyncIterator[str]:
    """The export's body, its first page read now: a database that cannot be read is then
    still an error response, not a file cut short after its headers were sent."""
    first = await context.read(partial(read_page, wanted=query.wanted, after=None))
    return _pages(context, query, first)


async def _pages(context: Context, query: TicketQuery, page: Page) -> AsyncIterator[str]:
    yield encode([HEADER])
    while True:
        if page.lines:
            yield encode(page.lines)
        if page.after is None:
            return
        page = await context.read(partial(read_page, wanted=query.wanted, after=page.after))


def read_page(reads: TenantReads, wanted: TicketFilter, after: TicketPosition | None) -> Page:
    """One page of rows: its tickets, their samples, agents and teams in four statements."""
    views = reads.tickets.page(wanted, first=PAGE_SIZE, after=after)
    samples = reads.tickets.samples({(v.source, v.external_id) for v in views})
    agent_ids = {v.assignee_id for v in views} | {
        s.agent_id for found in samples.values() for s in found
    }
    agents = reads.agents_by_id({a for a in agent_ids if a is not None})
    teams = reads.teams_by_id({v.team_id for v in views if v.team_id is not None})
    lines = []
    for v in views:
        assignee = agents.get(v.assignee_id) if v.assignee_id else None
        team = teams.get(v.team_id) if v.team_id else None
        metrics = [
            {
                "key": s.metric,
                "value": s.value,
                "businessValue": s.business,
                "at": _time(s.at),
                # As GraphQL's `agent { id }`: null for an agent it does not know.
                "agentId": s.agent_id if s.agent_id in agents else None,
            }
            for s in samples.get((v.source, v.external_id), [])
        ]
        lines.append(
            [
                *_ticket_cells(v),
                assignee.id if assignee else None,
                assignee.name if assignee else None,
                team.id if team else None,
                team.name if team else None,
                json.dumps(metrics, separators=(",", ":")),
            ]
        )
    if len(views) < PAGE_SIZE:
        return Page(lines, None)
    last = views[-1]
    return Page(lines, TicketPosition(last.created_at, last.source, last.external_id))


def _ticket_cells(v: TicketView) -> Row:
    return [
        v.source,
        v.external_id,
        v.channel,
        v.requester_id,
        v.status,
        _time(v.created_at),
        _time(v.first_reply_at),
        _time(v.first_solved_at),
        v.reopen_count,
        v.public_agent_reply_count,
        v.event_count,
    ]


def _time(moment: datetime | None) -> str | None:
    """As GraphQL's DateTime: ISO 8601 with its offset."""
    return moment.isoformat() if moment else None


def filename(query: TicketQuery) -> str:
    return f"{NAME}-{query.period.grain.value.lower()}-{query.period.start}.csv"
