"""Agent identities across helpdesks: who an external id belongs to, and merge history.

An agent is found by its id in a source system first, then by e-mail (infra's
directory does both on `agent.upserted`). When that guess is wrong or impossible
(no e-mail in a vendor's payloads), an admin merges two agents or detaches one
identity again; every such change is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # domain.ports imports this module
    from domain.ports import Touch

MERGE, UNMERGE = "merge", "unmerge"
EMAIL_MATCH = "e-mail match"  # the actor of merges Fairscore makes itself


@dataclass(frozen=True, slots=True, order=True)
class Identity:
    source: str
    external_id: str


@dataclass(frozen=True, slots=True)
class AgentRef:
    id: str
    name: str
    email: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class AgentMergeView:
    id: str
    action: str  # merge | unmerge
    from_agent_id: str
    to_agent_id: str
    identities: tuple[Identity, ...]
    actor: str | None
    created_at: datetime


class IdentityError(ValueError):
    """A merge or unmerge that cannot be done; `field` names the input at fault."""

    def __init__(self, message: str, field: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.not_found = not_found


class Identities(Protocol):
    def agent(self, agent_id: str) -> AgentRef | None: ...

    def identities_of(self, agent_id: str) -> list[Identity]: ...

    def move(self, identities: Sequence[Identity], to_agent_id: str) -> None: ...

    def create_agent(self, *, name: str, email: str | None) -> str: ...

    def set_active(self, agent_id: str, active: bool) -> None: ...

    def fill_email(self, agent_id: str, email: str) -> None:
        """Give the agent this e-mail unless it has one."""
        ...

    def move_records(self, from_agent_id: str, to_agent_id: str) -> set[Touch]:
        """Move what else names the agent to the other one: reviews (as reviewee and as
        reviewer) with the `fairscore` samples they fed, review assignments, value ratings
        and the sampling rule's reviewers. Nothing becomes a self-review, -assignment or
        -rating: such a row keeps `from_agent_id` on the side that would clash (an open or
        skipped assignment of that kind is dropped instead, so its ticket can be drawn
        again), and a review between the two — a self-review in truth — loses its
        samples; of two value ratings that would coincide, the later stays. Returns the
        touches of the changed samples."""
        ...

    def change(self, change_id: str) -> AgentMergeView | None:
        """One recorded merge or unmerge."""
        ...

    def ticket_origins(self, agent_id: str, source: str) -> list[str]:
        """Tickets of `source` with a sample attributed to the agent, or assigned to it."""
        ...

    def activity_agents(self, agent_id: str, source: str) -> list[str]:
        """External ids whose activity samples (time online) count for the agent."""
        ...

    def record(
        self,
        *,
        action: str,
        from_agent_id: str,
        to_agent_id: str,
        identities: Sequence[Identity],
        actor: str | None,
    ) -> AgentMergeView: ...

    def merged_from(self, agent_id: str, identity: Identity) -> str | None:
        """The agent a merge took `identity` from into `agent_id` (latest), if any."""
        ...

    def placeholder_matches(
        self, source: str, emails: Mapping[str, str]
    ) -> list[tuple[Identity, str, str]]:
        """For external ids with a profile e-mail: (identity, its agent, the other active
        agent with that e-mail) where its agent is still bare: no e-mail, no other identity."""
        ...

    def history(self, limit: int) -> list[AgentMergeView]:
        """Merges and unmerges, newest first."""
        ...
