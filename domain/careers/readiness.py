"""Readiness: per expectation of an agent's target level, the evidence found and whether
it meets the expectation, and a summary over the level.

Verdicts: MET and NOT_MET when the evidence is there; INSUFFICIENT_DATA when it is too
thin to judge (no value, or fewer samples, reviews or ratings than the expectation asks
for); MANUAL when the expectation has no evidence linked and a human judges it.
The summary is READY when every evidence-linked expectation is MET (MANUAL ones are
still a human's call), NOT_READY when any is NOT_MET, INCOMPLETE when none failed but
some lack data, NO_TARGET when the agent has no target level on the track.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.careers.ports import AgentLevel
from domain.careers.tracks import (
    CareerLevel,
    CareerTrack,
    Evidence,
    Expectation,
    GoalsCompletedEvidence,
    MetricEvidence,
    QaScoreEvidence,
    SupportValueEvidence,
)
from domain.metrics import Direction
from domain.periods import Period


class Verdict(StrEnum):
    MET = "MET"
    NOT_MET = "NOT_MET"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    MANUAL = "MANUAL"


class Overall(StrEnum):
    READY = "READY"
    NOT_READY = "NOT_READY"
    INCOMPLETE = "INCOMPLETE"
    NO_TARGET = "NO_TARGET"


@dataclass(frozen=True, slots=True)
class Found:
    """The evidence read for one expectation."""

    value: float | None  # the metric's statistic, the mean score or rating, goals completed
    sample_size: int  # samples, scored reviews, ratings, or the agent's goals
    window: Period | None  # None for goals completed (counted to date)


@dataclass(frozen=True, slots=True)
class ExpectationReadiness:
    index: int  # the expectation's position in its level
    expectation: Expectation
    found: Found | None  # None for a MANUAL expectation
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Summary:
    overall: Overall
    met: int = 0
    not_met: int = 0
    insufficient_data: int = 0
    manual: int = 0


@dataclass(frozen=True, slots=True)
class TrackReadiness:
    track: CareerTrack
    placement: AgentLevel
    current: CareerLevel | None
    target: CareerLevel | None
    as_of: date
    expectations: tuple[ExpectationReadiness, ...]

    @property
    def summary(self) -> Summary:
        return Summary(Overall.NO_TARGET) if self.target is None else summarise(self.expectations)


def judge(evidence: Evidence, found: Found) -> Verdict:
    """Whether `found` meets the expectation that `evidence` states."""
    value = found.value
    if value is None:
        return Verdict.INSUFFICIENT_DATA
    if isinstance(evidence, GoalsCompletedEvidence):
        return _met(value >= evidence.min_completed)
    if found.sample_size < _least_sample(evidence):
        return Verdict.INSUFFICIENT_DATA
    if isinstance(evidence, MetricEvidence):
        if evidence.direction is Direction.LOWER_IS_BETTER:
            return _met(value <= evidence.threshold)
        return _met(value >= evidence.threshold)
    if isinstance(evidence, QaScoreEvidence):
        return _met(value >= evidence.min_score)
    return _met(value >= evidence.min_rating)


def _least_sample(evidence: MetricEvidence | QaScoreEvidence | SupportValueEvidence) -> int:
    if isinstance(evidence, MetricEvidence):
        return evidence.min_sample
    if isinstance(evidence, QaScoreEvidence):
        return evidence.min_reviews
    return evidence.min_ratings


def _met(condition: bool) -> Verdict:
    return Verdict.MET if condition else Verdict.NOT_MET


def summarise(entries: Sequence[ExpectationReadiness]) -> Summary:
    counts = Counter(entry.verdict for entry in entries)
    if counts[Verdict.NOT_MET]:
        overall = Overall.NOT_READY
    elif counts[Verdict.INSUFFICIENT_DATA]:
        overall = Overall.INCOMPLETE
    else:
        overall = Overall.READY
    return Summary(
        overall=overall,
        met=counts[Verdict.MET],
        not_met=counts[Verdict.NOT_MET],
        insufficient_data=counts[Verdict.INSUFFICIENT_DATA],
        manual=counts[Verdict.MANUAL],
    )
