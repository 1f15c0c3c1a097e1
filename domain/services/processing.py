"""Apply canonical events: store them, re-fold the tickets they touch, re-score.

This is the one path every event takes — webhook job, history import, demo seed —
so a metric is computed the same way whichever door its events came through.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.events import AgentActivity, AgentUpserted, CanonicalEvent, TicketEvent
from domain.fold import TicketFacts, fold
from domain.guardrails import guardrail_samples
from domain.identities import EMAIL_MATCH, MERGE, Identity
from domain.metrics import ticket_samples
from domain.metrics.workload import activity_samples
from domain.periods import local_day, local_midnight
from domain.policy import sample_policy
from domain.ports import StoredSample, Touch, UnitOfWork
from domain.samples import ONE_DAY, Sample, SamplePolicy
from domain.services.agents import move_touches
from domain.services.rescoring import invalidate


@dataclass(frozen=True, slots=True)
class ApplyResult:
    received: int
    new: int
    tickets: int
    touches: frozenset[Touch] = frozenset()  # what the outbox now holds for the roll-up


def apply_events(
    uow: UnitOfWork,
    *,
    source: str,
    events: Sequence[CanonicalEvent],
) -> ApplyResult:
    """Store new events, re-fold the tickets and activity they touch, and record in the
    outbox which subject-periods the reconciler must roll up."""
    new = uow.events.add(source, events)
    touches: set[Touch] = set()
    profiles = [e for e in new if isinstance(e, AgentUpserted)]
    if profiles:
        touches |= _upsert_agents(uow, source, profiles)
    activity = [e for e in new if isinstance(e, AgentActivity)]
    if activity:
        touches |= _record_activity(uow, source, activity)
    tickets = {e.ticket_id for e in new if not isinstance(e, AgentUpserted | AgentActivity)}
    touches |= refresh_tickets(uow, source=source, ticket_ids=tickets)
    invalidate(uow, touches)
    return ApplyResult(
        received=len(events), new=len(new), tickets=len(tickets), touches=frozenset(touches)
    )


def refresh_tickets(uow: UnitOfWork, *, source: str, ticket_ids: Collection[str]) -> set[Touch]:
    """Re-fold tickets from their full event history and swap their samples."""
    if not ticket_ids:
        return set()
    history = uow.events.history(source, ticket_ids)
    facts = [fold(t, _ticket_events(history.get(t, []))) for t in sorted(ticket_ids)]
    teams = uow.directory.team_ids(source, set().union(*(team_keys(f) for f in facts)))
    policy = sample_policy(uow.tenant, teams=teams)
    samples = {f.ticket_id: samples_of(f, policy) for f in facts}
    keys = set().union(*(agent_keys(f, samples[f.ticket_id]) for f in facts))
    agents = uow.directory.agent_ids(source, keys)
    uow.tickets.save_facts(source, facts, agents=agents, teams=teams)
    stored = [
        _store(
            s,
            source=source,
            origin=ticket,
            seq=seq,
            agents=agents,
            teams=teams,
            timezone=uow.tenant.timezone,
        )
        for ticket, ticket_samples_ in samples.items()
        for seq, s in enumerate(ticket_samples_)
    ]
    return uow.samples.replace(source, ticket_ids, stored)


def team_keys(f: TicketFacts) -> set[str]:
    """Every team (external key) a ticket was in when something was attributed to it."""
    keys = {t for t in (f.team, f.created_team) if t}
    for group in (f.replies, f.solves, f.ratings, f.assignments, f.handling):
        keys.update(item.team for item in group if item.team)
    return keys


def samples_of(f: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    """A ticket's metric samples and guardrail signals."""
    return ticket_samples(f, policy) + guardrail_samples(f)


def agent_keys(f: TicketFacts, samples: Iterable[Sample]) -> set[str]:
    """Every agent (external key) the ticket's samples or its assignee name."""
    keys = {s.agent for s in samples if s.agent}
    if f.assignee:
        keys.add(f.assignee)
    return keys


def _store(
    s: Sample,
    *,
    source: str,
    origin: str,
    seq: int,
    agents: dict[str, str],
    teams: dict[str, str],
    timezone: str,
) -> StoredSample:
    return StoredSample(
        source=source,
        origin=origin,
        seq=seq,
        metric=s.metric,
        agent_id=agents.get(s.agent) if s.agent else None,
        team_id=teams.get(s.team) if s.team else None,
        at=s.at,
        local_day=local_day(s.at, timezone),
        value=s.value,
        business=s.business,
        channel=s.channel,
        priority=s.priority,
    )


def _upsert_agents(uow: UnitOfWork, source: str, profiles: list[AgentUpserted]) -> set[Touch]:
    adopted = adopt_placeholders(uow, source, profiles)
    # Each profile states the agent's team from its local day on (domain.memberships).
    moved = uow.directory.upsert_agents(source, profiles, timezone=uow.tenant.timezone)
    return adopted | move_touches(uow, moved)


def _record_activity(uow: UnitOfWork, source: str, spans: list[AgentActivity]) -> set[Touch]:
    return refresh_activity(uow, source=source, agents={span.agent_id for span in spans})


def refresh_activity(uow: UnitOfWork, *, source: str, agents: Collection[str]) -> set[Touch]:
    """Re-derive agents' activity samples from all their spans (overlaps merge)."""
    tz = uow.tenant.timezone
    agents = sorted(agents)
    ids = uow.directory.agent_ids(source, agents)
    streams = [f"activity:{agent}" for agent in agents]
    history = uow.events.history(source, streams)
    stored: list[StoredSample] = []
    for agent, stream in zip(agents, streams, strict=True):
        pieces = agent_activity(ids[agent], history.get(stream, []), timezone=tz)
        stored += [
            _store(
                p,
                source=source,
                origin=stream,
                seq=i,
                agents={ids[agent]: ids[agent]},
                teams={},
                timezone=tz,
            )
            for i, p in enumerate(pieces)
        ]
    return uow.samples.replace(source, streams, stored)


def agent_activity(
    agent_id: str, events: Iterable[CanonicalEvent], *, timezone: str
) -> list[Sample]:
    """An agent's activity samples from all the spans of their activity stream."""

    def next_midnight(at: datetime) -> datetime:
        return local_midnight(local_day(at, timezone) + ONE_DAY, timezone)

    intervals = [(e.started_at, e.ended_at) for e in events if isinstance(e, AgentActivity)]
    return activity_samples(agent_id, intervals, day_starts=next_midnight)


def _ticket_events(events: list[CanonicalEvent]) -> list[TicketEvent]:
    return [e for e in events if not isinstance(e, AgentUpserted | AgentActivity)]


def reattribute(
    uow: UnitOfWork, *, agent_id: str, identities: Sequence[Identity], to_agent_id: str
) -> set[Touch]:
    """Move identities to another agent and re-fold what named their old agent, so every
    sample and ticket row is as if the mapping had been right from the start."""
    uow.identities.move(identities, to_agent_id)
    return refold_agent(uow, agent_id=agent_id, sources={i.source for i in identities})


def refold_agent(uow: UnitOfWork, *, agent_id: str, sources: Collection[str]) -> set[Touch]:
    """Re-fold the tickets and activity of `sources` still attributed to `agent_id` (their
    rows and samples keep naming it until folded again, so this finds them after the
    identities have moved): afterwards they follow the current identity mapping."""
    touches: set[Touch] = set()
    for source in sorted(sources):
        tickets = uow.identities.ticket_origins(agent_id, source)
        activity = uow.identities.activity_agents(agent_id, source)
        touches |= refresh_tickets(uow, source=source, ticket_ids=tickets)
        if activity:
            touches |= refresh_activity(uow, source=source, agents=activity)
    return touches


def adopt_placeholders(
    uow: UnitOfWork, source: str, profiles: Sequence[AgentUpserted]
) -> set[Touch]:
    """Agents are matched by e-mail when first seen — but an agent named only by id (an
    assignee, say) or without an e-mail got an agent of its own before. When its profile
    brings an e-mail another agent has, the identity joins that agent, as if the e-mail
    had come first; the merge is recorded, so an admin can undo it."""
    emails = {p.agent_id: p.email for p in profiles if p.email}
    touches: set[Touch] = set()
    for identity, placeholder, agent in uow.identities.placeholder_matches(source, emails):
        touches |= reattribute(uow, agent_id=placeholder, identities=[identity], to_agent_id=agent)
        touches |= uow.identities.move_records(placeholder, agent)
        uow.identities.set_active(placeholder, False)
        uow.identities.record(
            action=MERGE,
            from_agent_id=placeholder,
            to_agent_id=agent,
            identities=[identity],
            actor=EMAIL_MATCH,
        )
    return touches
