"""Inputs of the career mutations, and their reading into domain values."""

from __future__ import annotations

from datetime import date

import strawberry

from api.careers.types import TrackKindEnum
from api.scores.types import BasisEnum, DirectionEnum, GrainEnum, StatisticEnum
from domain.careers import tracks as t
from domain.careers.service import LevelRequest
from domain.metrics import Basis, Statistic

WINDOW = "The last complete period of this grain before the day judged (default QUARTER)"


@strawberry.input
class MetricEvidenceInput:
    metric: str = strawberry.field(description="An agent metric's key (see `metrics`)")
    threshold: float
    direction: DirectionEnum = strawberry.field(  # type: ignore[valid-type]
        description="HIGHER_IS_BETTER: met at or above the threshold; LOWER_IS_BETTER: at or below"
    )
    statistic: StatisticEnum = Statistic.VALUE  # type: ignore[valid-type]
    basis: BasisEnum = Basis.CALENDAR  # type: ignore[valid-type]
    window: GrainEnum = strawberry.field(  # type: ignore[valid-type]
        default=t.DEFAULT_WINDOW, description=WINDOW
    )
    min_sample: int = strawberry.field(default=1, description="Fewer: INSUFFICIENT_DATA")


@strawberry.input
class QaScoreEvidenceInput:
    min_score: float = strawberry.field(description="Mean review score, 0–100")
    min_reviews: int = strawberry.field(default=1, description="Fewer: INSUFFICIENT_DATA")
    window: GrainEnum = strawberry.field(  # type: ignore[valid-type]
        default=t.DEFAULT_WINDOW, description=WINDOW
    )


@strawberry.input
class SupportValueEvidenceInput:
    value_key: str
    min_rating: float = strawberry.field(description="Mean rating, 1–5")
    min_ratings: int = strawberry.field(default=1, description="Fewer: INSUFFICIENT_DATA")
    window: GrainEnum = strawberry.field(  # type: ignore[valid-type]
        default=t.DEFAULT_WINDOW, description=WINDOW
    )


@strawberry.input
class GoalsCompletedEvidenceInput:
    min_completed: int


@strawberry.input(one_of=True, description="Exactly one kind of evidence")
class CareerEvidenceInput:
    metric: MetricEvidenceInput | None = strawberry.UNSET
    qa_score: QaScoreEvidenceInput | None = strawberry.UNSET
    support_value: SupportValueEvidenceInput | None = strawberry.UNSET
    goals_completed: GoalsCompletedEvidenceInput | None = strawberry.UNSET

    def evidence(self) -> t.Evidence:
        if m := self.metric:
            return t.MetricEvidence(
                m.metric,
                m.threshold,
                m.direction,
                m.statistic,
                m.basis,
                m.window,
                m.min_sample,
            )
        if q := self.qa_score:
            return t.QaScoreEvidence(q.min_score, q.min_reviews, q.window)
        if v := self.support_value:
            return t.SupportValueEvidence(v.value_key, v.min_rating, v.min_ratings, v.window)
        if not (g := self.goals_completed):  # @oneOf lets no other case through
            raise t.CareerError("give one kind of evidence", "evidence")
        return t.GoalsCompletedEvidence(g.min_completed)


@strawberry.input
class CareerExpectationInput:
    description: str
    evidence: CareerEvidenceInput | None = strawberry.field(
        default=None, description="Leave out for an expectation a human judges"
    )

    def expectation(self) -> t.Expectation:
        evidence = self.evidence.evidence() if self.evidence else None
        return t.Expectation(self.description, evidence)


@strawberry.input
class CareerLevelInput:
    name: str
    description: str = ""
    expectations: list[CareerExpectationInput] = strawberry.field(default_factory=list)

    def spec(self) -> t.LevelSpec:
        return t.LevelSpec(
            self.name, self.description, tuple(e.expectation() for e in self.expectations)
        )


@strawberry.input
class CareerTrackInput:
    name: str
    kind: TrackKindEnum  # type: ignore[valid-type]
    description: str = ""
    levels: list[CareerLevelInput] = strawberry.field(description="Lowest level first")


@strawberry.input
class SetAgentLevelInput:
    agent_id: strawberry.ID
    track_id: strawberry.ID
    level_id: strawberry.ID = strawberry.field(description="The level the agent now holds")
    target_level_id: strawberry.ID | None = strawberry.field(
        default=None, description="A level above it the agent works towards; null: none"
    )
    effective_on: date | None = strawberry.field(
        default=None, description="The day the level takes effect (default: today)"
    )
    note: str = ""

    def request(self) -> LevelRequest:
        target = self.target_level_id
        return LevelRequest(
            agent_id=str(self.agent_id),
            track_id=str(self.track_id),
            level_id=str(self.level_id),
            target_level_id=str(target) if target is not None else None,
            effective_on=self.effective_on,
            note=self.note,
        )
