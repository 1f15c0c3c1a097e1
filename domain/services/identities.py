"""Admins merge two agents into one, or detach an identity into an agent of its own.

Samples and ticket rows name internal agent ids, resolved from external ids when a
ticket is folded. So after identities move, re-folding the tickets (and activity)
that still name the old owner (`processing.refold_agent`) re-attributes every metric as
if the mapping had been right from the start; then the touched periods are re-scored.

A change happens in two steps. The request moves the identities — and, for a merge,
the reviews, assignments, value ratings and reviewer lists that name the person —
records the change and asks the derivation outbox to re-attribute it;
`reattribute_change`, run by the reconciler after that commit, does the re-folding,
which for a long history is too heavy for a request.
"""

from __future__ import annotations

from domain.derivation.outbox import Redo
from domain.events import AgentUpserted
from domain.identities import (
    MERGE,
    UNMERGE,
    AgentMergeView,
    AgentRef,
    Identity,
    IdentityError,
)
from domain.ports import UnitOfWork
from domain.services.processing import refold_agent
from domain.services.rescoring import invalidate


def merge_agents(
    uow: UnitOfWork,
    *,
    source_agent_id: str,
    target_agent_id: str,
    actor: str | None = None,
) -> AgentMergeView:
    """Move every identity of the source agent, and its reviews, assignments and value
    ratings, to the target; the source goes inactive. Then `reattribute_change`."""
    if source_agent_id == target_agent_id:
        raise IdentityError("an agent cannot be merged into itself", "targetAgentId")
    source = _agent(uow, source_agent_id, "sourceAgentId")
    target = _agent(uow, target_agent_id, "targetAgentId")
    if not target.active:
        raise IdentityError(
            "the target agent is inactive (merged away?); merge into an active agent",
            "targetAgentId",
        )
    moved = uow.identities.identities_of(source.id)
    uow.identities.move(moved, target.id)
    uow.identities.set_active(source.id, False)
    if source.email:  # later e-mail matches must land on the agent that stays
        uow.identities.fill_email(target.id, source.email)
    # Cheap to move; re-scored by the roll-up with the re-folded tickets.
    invalidate(uow, uow.identities.move_records(source.id, target.id))
    change = uow.identities.record(
        action=MERGE,
        from_agent_id=source.id,
        to_agent_id=target.id,
        identities=moved,
        actor=actor,
    )
    uow.outbox.request(Redo.REATTRIBUTE, key=change.id)
    return change


def unmerge_agent(
    uow: UnitOfWork, *, agent_id: str, identity: Identity, actor: str | None = None
) -> AgentMergeView:
    """Detach one identity: back to the agent a merge took it from, else a new agent.
    Then `reattribute_change`. Reviews and ratings stay where they are: they judged the
    person, not one of their helpdesk ids."""
    _agent(uow, agent_id, "agentId")
    owned = uow.identities.identities_of(agent_id)
    if identity not in owned:
        raise IdentityError(
            f"agent {agent_id} has no identity {identity.external_id!r} in {identity.source}",
            "externalId",
            not_found=True,
        )
    if len(owned) == 1:
        raise IdentityError("this is the agent's only identity; nothing to detach", "externalId")
    new_owner = _previous_owner(uow, agent_id, identity) or _new_agent(uow, identity)
    uow.identities.move([identity], new_owner)
    change = uow.identities.record(
        action=UNMERGE,
        from_agent_id=agent_id,
        to_agent_id=new_owner,
        identities=[identity],
        actor=actor,
    )
    uow.outbox.request(Redo.REATTRIBUTE, key=change.id)
    return change


def reattribute_change(uow: UnitOfWork, *, change_id: str) -> int:
    """The heavy half of a merge or unmerge (the reconciler runs it): re-fold what still
    names the agent the identities left and mark what it touched for the roll-up.
    Idempotent: once done, nothing names that agent any more. Returns the subject-periods
    marked."""
    change = uow.identities.change(change_id)
    if change is None:
        return 0
    sources = {i.source for i in change.identities}
    return invalidate(uow, refold_agent(uow, agent_id=change.from_agent_id, sources=sources))


def _agent(uow: UnitOfWork, agent_id: str, field: str) -> AgentRef:
    found = uow.identities.agent(agent_id)
    if found is None:
        raise IdentityError(f"no agent {agent_id!r}", field, not_found=True)
    return found


def _previous_owner(uow: UnitOfWork, agent_id: str, identity: Identity) -> str | None:
    """The agent a merge took this identity from, brought back (keeps its id and history)."""
    previous = uow.identities.merged_from(agent_id, identity)
    if previous is None or uow.identities.agent(previous) is None:
        return None
    uow.identities.set_active(previous, True)
    return previous


def _new_agent(uow: UnitOfWork, identity: Identity) -> str:
    """A new agent named by the identity's latest profile event, if it ever had one."""
    stream = f"agent:{identity.external_id}"
    history = uow.events.history(identity.source, [stream]).get(stream, [])
    profiles = sorted(
        (e for e in history if isinstance(e, AgentUpserted)), key=lambda e: (e.occurred_at, e.id)
    )
    if not profiles:
        return uow.identities.create_agent(name=identity.external_id, email=None)
    latest = profiles[-1]
    return uow.identities.create_agent(name=latest.name, email=latest.email)
