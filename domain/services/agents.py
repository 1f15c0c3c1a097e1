"""Agents an admin updates (`updateAgent`): the team from a date on, and the active flag.

A team change is a statement of the agent's team history (domain.memberships): from its
day on, made at the time of the change, so it overrides what the helpdesks had said for
those days until a profile event made after it says otherwise. Only the days it moves
are re-attributed: past periods of the old team keep their numbers (SPEC §4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain.memberships import Statement, TeamMove
from domain.periods import local_day
from domain.ports import Touch, UnitOfWork
from domain.services.rescoring import invalidate
from domain.views import AgentView


class AgentError(ValueError):
    def __init__(self, message: str, field: str | None = None, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.not_found = not_found


@dataclass(frozen=True, slots=True)
class TeamChange:
    team_id: str | None  # None: no team
    since: date | None = None  # the first tenant-local day in it; None: today


def move_touches(uow: UnitOfWork, moves: Sequence[TeamMove]) -> set[Touch]:
    """What team moves re-attribute: the agents' samples dated inside the moved days, for
    the old and the new team — nothing before a move's first day."""
    return uow.samples.touches_of_moves(moves) if moves else set()


def update_agent(
    uow: UnitOfWork,
    *,
    agent_id: str,
    team: TeamChange | None = None,
    active: bool | None = None,
    now: datetime | None = None,
) -> AgentView:
    """Move the agent to a team from a day on and/or (de)activate it; the periods a move
    changes are recorded for the roll-up in the same transaction."""
    _agent(uow, agent_id)
    if team is not None:
        moved = _move(uow, agent_id, team, now or datetime.now(UTC))
        invalidate(uow, move_touches(uow, moved))
    if active is not None:
        uow.identities.set_active(agent_id, active)
    return _agent(uow, agent_id)


def _agent(uow: UnitOfWork, agent_id: str) -> AgentView:
    view = uow.directory.agent(agent_id)
    if view is None:
        raise AgentError(f"no agent {agent_id!r}", "agentId", not_found=True)
    return view


def _move(uow: UnitOfWork, agent_id: str, change: TeamChange, now: datetime) -> list[TeamMove]:
    if change.team_id is not None and not uow.directory.team_exists(change.team_id):
        raise AgentError(f"no team {change.team_id!r}", "teamId", not_found=True)
    today = local_day(now, uow.tenant.timezone)
    since = change.since or today
    if since > today:
        # The current team is the last statement's: a future day would show it too early.
        raise AgentError(f"a team change starts today ({today}) or earlier", "from")
    statement = Statement(since, change.team_id, now, f"updateAgent:{now.isoformat()}")
    return uow.directory.state_teams({agent_id: [statement]})
