"""Look-ups the quality services share: tickets by external id, agents, public repliers."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from domain.events import AuthorType, TicketMessage
from domain.quality.ports import NotFoundError, QualityError, QualityUnitOfWork, TicketRef


def new_id() -> str:
    return uuid.uuid4().hex


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
