"""Career use cases: define a track, place an agent on it, judge their readiness."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain import limits
from domain.careers.evidence import EvidenceReader, GoalTally
from domain.careers.ports import AgentLevel, CareersUnitOfWork, LevelChange
from domain.careers.readiness import (
    ExpectationReadiness,
    TrackReadiness,
    Verdict,
    judge,
)
from domain.careers.tracks import (
    CareerError,
    CareerLevel,
    CareerNotFoundError,
    CareerTrack,
    LevelSpec,
    TrackKind,
    check_track,
)
from domain.goals.model import OwnerKind
from domain.goals.service import goals_of
from domain.limits import check_length
from domain.periods import local_day


def new_id() -> str:
    return uuid.uuid4().hex


def create_track(
    uow: CareersUnitOfWork,
    *,
    name: str,
    kind: TrackKind,
    description: str,
    levels: Sequence[LevelSpec],
    now: datetime,
) -> CareerTrack:
    specs = tuple(levels)
    check_track(name, description, specs)
    if uow.careers.track_named(name.strip()) is not None:
        raise CareerError(f"a career track named {name.strip()!r} exists already", "name")
    track = CareerTrack(
        id=new_id(),
        name=name.strip(),
        kind=kind,
        description=description,
        levels=tuple(
            CareerLevel(new_id(), rank, s.name.strip(), s.description, s.expectations)
            for rank, s in enumerate(specs, start=1)
        ),
        created_at=now,
    )
    uow.careers.add_track(track)
    return track


@dataclass(frozen=True, slots=True)
class LevelRequest:
    agent_id: str
    track_id: str
    level_id: str
    target_level_id: str | None = None
    effective_on: date | None = None  # None: today, in the tenant's timezone
    note: str = ""


def set_agent_level(
    uow: CareersUnitOfWork, request: LevelRequest, *, changed_by: str, actor: str, now: datetime
) -> Placement:
    """Place the agent on the track (or move them), with an optional target above the
    level; every call is kept in the history with who made it and when."""
    check_length(request.note, limit=limits.COMMENT, field="note", error=CareerError)
    if uow.directory.agent(request.agent_id) is None:
        raise CareerNotFoundError(f"no agent {request.agent_id!r}", "agentId")
    track = _track(uow, request.track_id)
    level = _level(track, request.level_id, "levelId")
    target = None
    if request.target_level_id is not None:
        target = _level(track, request.target_level_id, "targetLevelId")
        if target.rank <= level.rank:
            raise CareerError("the target level must be above the current level", "targetLevelId")
    effective_on = request.effective_on or local_day(now, uow.tenant.timezone)
    before = {p.track_id: p for p in uow.careers.agent_levels(request.agent_id)}.get(track.id)
    placed = AgentLevel(
        request.agent_id, track.id, level.id, target.id if target else None, effective_on, now
    )
    change = LevelChange(
        id=new_id(),
        agent_id=request.agent_id,
        track_id=track.id,
        from_level_id=before.level_id if before else None,
        to_level_id=level.id,
        target_level_id=placed.target_level_id,
        effective_on=effective_on,
        changed_at=now,
        changed_by=changed_by,
        actor=actor,
        note=request.note,
    )
    uow.careers.set_level(placed, change)
    return next(p for p in agent_levels(uow, request.agent_id) if p.track.id == track.id)


def _track(uow: CareersUnitOfWork, track_id: str) -> CareerTrack:
    track = uow.careers.track(track_id)
    if track is None:
        raise CareerNotFoundError(f"no career track {track_id!r}", "trackId")
    return track


def _level(track: CareerTrack, level_id: str, field: str) -> CareerLevel:
    level = track.level(level_id)
    if level is None:
        raise CareerNotFoundError(f"no level {level_id!r} on this track", field)
    return level


def career_readiness(
    uow: CareersUnitOfWork,
    *,
    agent_id: str,
    track_id: str | None,
    as_of: date | None,
    now: datetime,
) -> AgentReadiness:
    """The agent's readiness for their target level on each track they are placed on
    (or on `track_id` only), judged on the evidence as of the local day `as_of`."""
    if uow.directory.agent(agent_id) is None:
        raise CareerNotFoundError(f"no agent {agent_id!r}", "agentId")
    if track_id is not None:
        _track(uow, track_id)
    day = as_of or local_day(now, uow.tenant.timezone)
    reader = EvidenceReader(
        uow.reads,
        agent_id=agent_id,
        timezone=uow.tenant.timezone,
        as_of=day,
        goals=lambda agent: goal_tally(uow, agent),
    )
    tracks = {t.id: t for t in uow.careers.tracks()}
    placements = [p for p in uow.careers.agent_levels(agent_id) if track_id in {None, p.track_id}]
    reader.prefetch(  # every track's metric windows in one read
        e.evidence
        for p in placements
        if p.target_level_id and (target := tracks[p.track_id].level(p.target_level_id))
        for e in target.expectations
        if e.evidence is not None
    )
    found = tuple(_readiness(tracks[p.track_id], p, reader, day) for p in placements)
    return AgentReadiness(agent_id, day, found)


@dataclass(frozen=True, slots=True)
class AgentReadiness:
    agent_id: str
    as_of: date  # the local day judged
    tracks: tuple[TrackReadiness, ...]


def _readiness(
    track: CareerTrack, placement: AgentLevel, reader: EvidenceReader, day: date
) -> TrackReadiness:
    target = track.level(placement.target_level_id) if placement.target_level_id else None
    current = track.level(placement.level_id)
    if target is None:
        return TrackReadiness(track, placement, current, None, day, ())
    entries = []
    for index, expectation in enumerate(target.expectations):
        if expectation.evidence is None:
            entries.append(ExpectationReadiness(index, expectation, None, Verdict.MANUAL))
            continue
        found = reader.find(expectation.evidence)
        verdict = judge(expectation.evidence, found)
        entries.append(ExpectationReadiness(index, expectation, found, verdict))
    return TrackReadiness(track, placement, current, target, day, tuple(entries))


@dataclass(frozen=True, slots=True)
class Placement:
    """An agent's level on one track, with the track and the history of changes."""

    level: AgentLevel
    track: CareerTrack
    history: tuple[LevelChange, ...]  # newest first


def agent_levels(uow: CareersUnitOfWork, agent_id: str) -> list[Placement]:
    """The agent's level on each track they are placed on (none for an unknown agent)."""
    levels = uow.careers.agent_levels(agent_id)
    if not levels:
        return []
    tracks = {t.id: t for t in uow.careers.tracks()}
    history = uow.careers.history(agent_id)
    return [
        Placement(
            level, tracks[level.track_id], tuple(c for c in history if c.track_id == level.track_id)
        )
        for level in levels
    ]


def goal_tally(uow: CareersUnitOfWork, agent_id: str) -> GoalTally:
    """How many of the agent's goals the goals engine holds as completed (its read port)."""
    goals = goals_of(uow, OwnerKind.AGENT, agent_id)
    return GoalTally(sum(goal.completed for goal in goals), len(goals))
