"""GraphQL types of career tracks: tracks, levels, expectations and their evidence, agents'
levels with their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, cast

import strawberry

from api.context import Info
from api.people.types import Agent, load_agent
from api.scores.types import BasisEnum, DirectionEnum, GrainEnum, StatisticEnum
from domain.careers import tracks as t
from domain.careers.ports import CareersUnitOfWork, LevelChange
from domain.careers.service import Placement
from domain.ports import UnitOfWork

TrackKindEnum = strawberry.enum(t.TrackKind, name="CareerTrackKind")


def careers(uow: UnitOfWork) -> CareersUnitOfWork:
    """The request's unit of work; the SQL one carries the career repository."""
    return cast(CareersUnitOfWork, uow)


@strawberry.type(description="Met when the agent's metric, in their stored score snapshot of "
                 "the window, is on the `direction` side of `threshold` (inclusive)")  # fmt: skip
class MetricEvidence:
    metric: str
    statistic: StatisticEnum  # type: ignore[valid-type]
    basis: BasisEnum  # type: ignore[valid-type]
    threshold: float
    direction: DirectionEnum  # type: ignore[valid-type]
    window: GrainEnum = strawberry.field(  # type: ignore[valid-type]
        description="The last complete period of this grain before the day judged"
    )
    min_sample: int = strawberry.field(description="Fewer samples: INSUFFICIENT_DATA")


@strawberry.type(description="Met when the mean score of the agent's regular QA reviews "
                 "given in the window is at least `minScore`")  # fmt: skip
class QaScoreEvidence:
    min_score: float
    min_reviews: int = strawberry.field(description="Fewer scored reviews: INSUFFICIENT_DATA")
    window: GrainEnum  # type: ignore[valid-type]


@strawberry.type(description="Met when the mean manager rating of a support value, over "
                 "ratings of periods overlapping the window, is at least `minRating`")  # fmt: skip
class SupportValueEvidence:
    value_key: str
    min_rating: float
    min_ratings: int = strawberry.field(description="Fewer ratings: INSUFFICIENT_DATA")
    window: GrainEnum  # type: ignore[valid-type]


@strawberry.type(description="Met when at least `minCompleted` of the agent's goals are "
                 "completed (to date)")  # fmt: skip
class GoalsCompletedEvidence:
    min_completed: int


CareerEvidence = Annotated[
    MetricEvidence | QaScoreEvidence | SupportValueEvidence | GoalsCompletedEvidence,
    strawberry.union("CareerEvidence"),
]


def evidence_of(evidence: t.Evidence | None) -> CareerEvidence | None:
    """None for an expectation a human judges."""
    if evidence is None:
        return None
    if isinstance(evidence, t.MetricEvidence):
        return MetricEvidence(
            metric=evidence.metric,
            statistic=evidence.statistic,
            basis=evidence.basis,
            threshold=evidence.threshold,
            direction=evidence.direction,
            window=evidence.window,
            min_sample=evidence.min_sample,
        )
    if isinstance(evidence, t.QaScoreEvidence):
        return QaScoreEvidence(
            min_score=evidence.min_score, min_reviews=evidence.min_reviews, window=evidence.window
        )
    if isinstance(evidence, t.SupportValueEvidence):
        return SupportValueEvidence(
            value_key=evidence.value_key,
            min_rating=evidence.min_rating,
            min_ratings=evidence.min_ratings,
            window=evidence.window,
        )
    return GoalsCompletedEvidence(min_completed=evidence.min_completed)


@strawberry.type
class CareerExpectation:
    description: str
    evidence: CareerEvidence | None = strawberry.field(
        description="null: a human judges it (readiness says MANUAL)"
    )

    @classmethod
    def of(cls, expectation: t.Expectation) -> CareerExpectation:
        return cls(description=expectation.description, evidence=evidence_of(expectation.evidence))


@strawberry.type
class CareerLevel:
    id: strawberry.ID
    rank: int = strawberry.field(description="1 for the first level of the track")
    name: str
    description: str
    expectations: list[CareerExpectation]

    @classmethod
    def of(cls, level: t.CareerLevel) -> CareerLevel:
        return cls(
            id=strawberry.ID(level.id),
            rank=level.rank,
            name=level.name,
            description=level.description,
            expectations=[CareerExpectation.of(e) for e in level.expectations],
        )


def level_of(track: t.CareerTrack, level_id: str | None) -> CareerLevel | None:
    level = track.level(level_id) if level_id is not None else None
    return CareerLevel.of(level) if level is not None else None


def held_level(track: t.CareerTrack, level_id: str) -> CareerLevel:
    """A level an agent's row names: a foreign key keeps it on the track."""
    level = level_of(track, level_id)
    if level is None:
        raise LookupError(f"level {level_id!r} is not on track {track.id!r}")
    return level


@strawberry.type
class CareerTrack:
    id: strawberry.ID
    name: str
    kind: TrackKindEnum  # type: ignore[valid-type]
    description: str
    levels: list[CareerLevel] = strawberry.field(description="By rank, lowest first")
    created_at: datetime

    @classmethod
    def of(cls, track: t.CareerTrack) -> CareerTrack:
        return cls(
            id=strawberry.ID(track.id),
            name=track.name,
            kind=track.kind,
            description=track.description,
            levels=[CareerLevel.of(level) for level in track.levels],
            created_at=track.created_at,
        )


@strawberry.type(description="One setAgentLevel, as it was kept")
class CareerLevelChange:
    id: strawberry.ID
    from_level: CareerLevel | None = strawberry.field(
        description="null: the agent's first level on the track"
    )
    to_level: CareerLevel
    target_level: CareerLevel | None
    effective_on: date
    changed_at: datetime
    changed_by: str = strawberry.field(description="The API client that made the change")
    actor: str = strawberry.field(description="Who, behind the client (Fairscore-Actor header)")
    note: str

    @classmethod
    def of(cls, track: t.CareerTrack, change: LevelChange) -> CareerLevelChange:
        return cls(
            id=strawberry.ID(change.id),
            from_level=level_of(track, change.from_level_id),
            to_level=held_level(track, change.to_level_id),
            target_level=level_of(track, change.target_level_id),
            effective_on=change.effective_on,
            changed_at=change.changed_at,
            changed_by=change.changed_by,
            actor=change.actor,
            note=change.note,
        )


@strawberry.type(description="An agent's current and target level on one track")
class AgentCareerLevel:
    track: CareerTrack
    level: CareerLevel
    target_level: CareerLevel | None
    effective_on: date = strawberry.field(description="The day the current level took effect")
    updated_at: datetime
    history: list[CareerLevelChange] = strawberry.field(description="Newest first")
    agent_id: strawberry.Private[str]

    @classmethod
    def of(cls, placement: Placement) -> AgentCareerLevel:
        track, level = placement.track, placement.level
        return cls(
            track=CareerTrack.of(track),
            level=held_level(track, level.level_id),
            target_level=level_of(track, level.target_level_id),
            effective_on=level.effective_on,
            updated_at=level.updated_at,
            history=[CareerLevelChange.of(track, c) for c in placement.history],
            agent_id=level.agent_id,
        )

    @strawberry.field
    async def agent(self, info: Info) -> Agent | None:
        return await load_agent(info, self.agent_id)
