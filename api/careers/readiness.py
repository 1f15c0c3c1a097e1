"""GraphQL types of `careerReadiness`: per expectation of the target level, the evidence
found and the verdict, and a summary per track."""

from __future__ import annotations

from datetime import date

import strawberry

from api.careers.types import (
    CareerEvidence,
    CareerLevel,
    CareerTrack,
    evidence_of,
    level_of,
)
from api.context import Info
from api.people.types import Agent, load_agent
from api.scores.types import PeriodType
from domain.careers import readiness as r

VerdictEnum = strawberry.enum(r.Verdict, name="ReadinessVerdict")
OverallEnum = strawberry.enum(r.Overall, name="ReadinessOverall")


@strawberry.type(description="The evidence read for one expectation")
class EvidenceFound:
    value: float | None = strawberry.field(
        description="The metric's statistic, the mean QA score or rating, or goals completed; "
        "null when there is none"
    )
    sample_size: int = strawberry.field(
        description="Samples behind the metric, scored reviews, ratings, or the agent's goals"
    )
    window: PeriodType | None = strawberry.field(
        description="The period read; null for goals completed (counted to date)"
    )


@strawberry.type
class ExpectationReadiness:
    index: int = strawberry.field(description="The expectation's position in its level")
    description: str
    evidence: CareerEvidence | None
    found: EvidenceFound | None = strawberry.field(description="null for a MANUAL expectation")
    verdict: VerdictEnum  # type: ignore[valid-type]

    @classmethod
    def of(cls, entry: r.ExpectationReadiness) -> ExpectationReadiness:
        found = entry.found
        return cls(
            index=entry.index,
            description=entry.expectation.description,
            evidence=evidence_of(entry.expectation.evidence),
            found=None
            if found is None
            else EvidenceFound(
                value=found.value,
                sample_size=found.sample_size,
                window=PeriodType.of(found.window) if found.window else None,
            ),
            verdict=entry.verdict,
        )


@strawberry.type(
    description="READY: every evidence-linked expectation is MET (MANUAL ones are still a "
    "human's call); NOT_READY: one is NOT_MET; INCOMPLETE: none failed but some lack data; "
    "NO_TARGET: the agent has no target level on the track"
)
class ReadinessSummary:
    overall: OverallEnum  # type: ignore[valid-type]
    met: int
    not_met: int
    insufficient_data: int
    manual: int


@strawberry.type
class TrackReadiness:
    track: CareerTrack
    current_level: CareerLevel | None
    target_level: CareerLevel | None
    expectations: list[ExpectationReadiness] = strawberry.field(
        description="Each expectation of the target level, in order"
    )
    summary: ReadinessSummary

    @classmethod
    def of(cls, found: r.TrackReadiness) -> TrackReadiness:
        s = found.summary
        return cls(
            track=CareerTrack.of(found.track),
            current_level=level_of(found.track, found.placement.level_id),
            target_level=level_of(found.track, found.placement.target_level_id),
            expectations=[ExpectationReadiness.of(e) for e in found.expectations],
            summary=ReadinessSummary(
                overall=s.overall,
                met=s.met,
                not_met=s.not_met,
                insufficient_data=s.insufficient_data,
                manual=s.manual,
            ),
        )


@strawberry.type
class CareerReadiness:
    agent_id: strawberry.ID
    as_of: date = strawberry.field(
        description="The day judged: each window is the last complete period before it"
    )
    tracks: list[TrackReadiness] = strawberry.field(
        description="One per track the agent is placed on (or the track asked for)"
    )

    @strawberry.field
    async def agent(self, info: Info) -> Agent | None:
        return await load_agent(info, str(self.agent_id))
