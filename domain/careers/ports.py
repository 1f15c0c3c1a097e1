"""What the career services need from storage (Protocols), and the records they keep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from domain.careers.tracks import CareerTrack
from domain.ports import UnitOfWork
from domain.views import TenantReads


@dataclass(frozen=True, slots=True)
class AgentLevel:
    """An agent's place on one track: the level they hold and, optionally, the one they
    work towards."""

    agent_id: str
    track_id: str
    level_id: str
    target_level_id: str | None
    effective_on: date  # the local day the current level took effect
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class LevelChange:
    """One `setAgentLevel`: what the agent held before and after, who set it and when."""

    id: str
    agent_id: str
    track_id: str
    from_level_id: str | None  # None: the agent's first level on the track
    to_level_id: str
    target_level_id: str | None
    effective_on: date
    changed_at: datetime
    changed_by: str  # the API client
    actor: str  # who, behind that client (the Fairscore-Actor header; may be empty)
    note: str


class CareerStore(Protocol):
    def add_track(self, track: CareerTrack) -> None: ...

    def tracks(self) -> list[CareerTrack]:
        """Every track of the tenant, by name."""
        ...

    def track(self, track_id: str) -> CareerTrack | None: ...

    def track_named(self, name: str) -> CareerTrack | None:
        """The track of this name, compared without case."""
        ...

    def agent_levels(self, agent_id: str) -> list[AgentLevel]:
        """The agent's level on each track they are placed on."""
        ...

    def set_level(self, level: AgentLevel, change: LevelChange) -> None:
        """Store the agent's level on the track and add the change to its history."""
        ...

    def history(self, agent_id: str, track_id: str | None = None) -> list[LevelChange]:
        """The agent's level changes (on one track, or all), newest first."""
        ...


class CareersUnitOfWork(UnitOfWork, Protocol):
    """The unit of work with the career repository and the tenant's read model (the
    evidence readiness reads: score snapshots, QA reviews, value ratings)."""

    @property
    def careers(self) -> CareerStore: ...

    @property
    def reads(self) -> TenantReads: ...
