"""Look-ups the quality services share: tickets by external id, agents, public repliers,
and whose work a ticket's review is about."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from itertools import groupby

from domain.events import (
    AgentActivity,
    AgentUpserted,
    AuthorType,
    CanonicalEvent,
    TicketMessage,
)
from domain.fold import fold
from domain.quality.ports import NotFoundError, QualityError, QualityUnitOfWork, TicketRef
from domain.quality.sampling import reviewed_agent
from domain.quality.scorecards import Scorecard


def new_id() -> str:
    return uuid.uuid4().hex


def latest_scorecard(uow: QualityUnitOfWork, scorecard_id: str, *, field: str) -> Scorecard:
    """The scorecard's latest version, or NotFoundError naming `field`."""
    latest = uow.scorecards.latest(scorecard_id)
    if latest is None:
        raise NotFoundError(f"no scorecard {scorecard_id!r}", field)
    return latest


def resolve_ticket(
    uow: QualityUnitOfWork, external_id: str, source: str | None, *, field: str
) -> TicketRef:
    """The one ticket with this external id; the source is needed only when it is shared."""
    found = uow.reviews.tickets(external_id, source)
    if not found:
        where = f" in source {source!r}" if source else ""
        raise NotFoundError(f"no ticket {external_id!r}{where}", field)
    if len(found) > 1:
        sources = ", ".join(sorted(t.source for t in found))
        raise QualityError(
            f"ticket {external_id!r} exists in several sources ({sources}); name the source",
            field,
        )
    return found[0]


def agent_teams(
    uow: QualityUnitOfWork, agent_ids: Collection[str], *, field: str
) -> dict[str, str | None]:
    """The team of each agent; NotFoundError names the first agent the tenant does not have."""
    teams = uow.directory.teams_of_agents(agent_ids)
    missing = sorted(set(agent_ids) - teams.keys())
    if missing:
        raise NotFoundError(f"no agent {missing[0]!r}", field)
    return teams


def public_repliers(uow: QualityUnitOfWork, ticket: TicketRef) -> set[str]:
    """Internal ids of the agents who replied publicly on the ticket (SPEC §4)."""
    history = uow.events.history(ticket.source, [ticket.external_id])
    authors = {
        e.author_id
        for e in history.get(ticket.external_id, [])
        if isinstance(e, TicketMessage)
        and e.author_type is AuthorType.AGENT
        and e.public
        and e.author_id
    }
    if not authors:
        return set()
    return set(uow.directory.agent_ids(ticket.source, authors, create=False).values())


HISTORY_BATCH = 500  # tickets whose event history is held in memory at once


def review_agents(uow: QualityUnitOfWork, tickets: Collection[TicketRef]) -> dict[TicketRef, str]:
    """The internal id of the agent each ticket's review would be about (`reviewed_agent`,
    from the ticket's folded history); tickets no agent replied on are left out."""
    out: dict[TicketRef, str] = {}
    for source, refs in groupby(sorted(set(tickets)), key=lambda t: t.source):
        ids = [ref.external_id for ref in refs]
        for start in range(0, len(ids), HISTORY_BATCH):
            part = ids[start : start + HISTORY_BATCH]
            history = uow.events.history(source, part)
            keys = {t: key for t in part if (key := _agent_key(t, history.get(t, [])))}
            internal = uow.directory.agent_ids(source, set(keys.values()), create=False)
            out.update(
                {TicketRef(source, t): internal[k] for t, k in keys.items() if k in internal}
            )
    return out


def _agent_key(ticket_id: str, history: Sequence[CanonicalEvent]) -> str | None:
    """The source's key of the agent `reviewed_agent` picks from the ticket's facts."""
    events = [e for e in history if not isinstance(e, AgentUpserted | AgentActivity)]
    facts = fold(ticket_id, events)
    solved_by = facts.first_solve.assignee if facts.first_solve else None
    return reviewed_agent([reply.agent for reply in facts.replies], solved_by)
