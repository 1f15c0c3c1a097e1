"""Career tracks, their ordered levels, and each level's expectations.

An expectation is a sentence a manager reads ("owns escalations end to end"); it may be
linked to evidence Fairscore already holds, which readiness then judges:

- `MetricEvidence`: a metric of the agent's stored score snapshot of the window (one
  statistic in one basis) against a threshold, in the direction that counts as met;
- `QaScoreEvidence`: the mean score of the agent's regular QA reviews given in the
  window, with a minimum number of scored reviews;
- `SupportValueEvidence`: the mean manager rating of one support value, over ratings of
  periods that overlap the window;
- `GoalsCompletedEvidence`: how many of the agent's goals are completed (to date).

The window of the first three is the last complete period of its grain before the day
readiness is judged (`window_of`). An expectation without evidence is judged by a human.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from domain import limits
from domain import metrics as m
from domain.limits import check_length
from domain.metrics import Basis, Direction, Level, Statistic
from domain.periods import Grain, Period, normalise, period_start
from domain.quality.support_values import VALUE_RATING_MAX, VALUE_RATING_MIN

MAX_LEVELS = 20
MAX_EXPECTATIONS = 30  # per level
QA_SCORE_MAX = 100.0  # a review score is 0–100 (domain.quality.reviews)
MAX_MIN_COUNT = 10_000  # house limit on minimum counts (reviews, ratings, goals, samples)


class CareerError(ValueError):
    """An expected failure the caller can fix; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CareerNotFoundError(CareerError):
    """A named thing (agent, track, level) does not exist in the tenant."""


class TrackKind(StrEnum):
    TECHNICAL = "TECHNICAL"
    OPERATIONAL = "OPERATIONAL"
    PEOPLE_LEADERSHIP = "PEOPLE_LEADERSHIP"


class EvidenceKind(StrEnum):
    METRIC = "METRIC"
    QA_SCORE = "QA_SCORE"
    SUPPORT_VALUE = "SUPPORT_VALUE"
    GOALS_COMPLETED = "GOALS_COMPLETED"


DEFAULT_WINDOW = Grain.QUARTER


@dataclass(frozen=True, slots=True)
class MetricEvidence:
    kind: ClassVar[EvidenceKind] = EvidenceKind.METRIC
    metric: str
    threshold: float
    direction: Direction  # HIGHER_IS_BETTER: met at or above; LOWER_IS_BETTER: at or below
    statistic: Statistic = Statistic.VALUE
    basis: Basis = Basis.CALENDAR
    window: Grain = DEFAULT_WINDOW
    min_sample: int = 1  # fewer samples behind the value: insufficient data


@dataclass(frozen=True, slots=True)
class QaScoreEvidence:
    kind: ClassVar[EvidenceKind] = EvidenceKind.QA_SCORE
    min_score: float  # mean review score, 0–100
    min_reviews: int = 1
    window: Grain = DEFAULT_WINDOW


@dataclass(frozen=True, slots=True)
class SupportValueEvidence:
    kind: ClassVar[EvidenceKind] = EvidenceKind.SUPPORT_VALUE
    value_key: str
    min_rating: float  # mean rating, 1–5
    min_ratings: int = 1
    window: Grain = DEFAULT_WINDOW


@dataclass(frozen=True, slots=True)
class GoalsCompletedEvidence:
    kind: ClassVar[EvidenceKind] = EvidenceKind.GOALS_COMPLETED
    min_completed: int


Evidence = MetricEvidence | QaScoreEvidence | SupportValueEvidence | GoalsCompletedEvidence


@dataclass(frozen=True, slots=True)
class Expectation:
    description: str
    evidence: Evidence | None = None  # None: a human judges it (MANUAL)


@dataclass(frozen=True, slots=True)
class CareerLevel:
    id: str
    rank: int  # 1 = the first level of its track
    name: str
    description: str = ""
    expectations: tuple[Expectation, ...] = ()


@dataclass(frozen=True, slots=True)
class CareerTrack:
    id: str
    name: str
    kind: TrackKind
    description: str
    levels: tuple[CareerLevel, ...]  # by rank
    created_at: datetime

    def level(self, level_id: str) -> CareerLevel | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)


@dataclass(frozen=True, slots=True)
class LevelSpec:
    """A level as an admin describes it; ids and ranks are given when the track is made."""

    name: str
    description: str = ""
    expectations: tuple[Expectation, ...] = field(default=())


def window_of(grain: Grain, as_of: date) -> Period:
    """The last complete period of `grain` before the local day `as_of`: the period that
    holds `as_of` is still running, so the one before it."""
    return normalise(grain, period_start(grain, as_of) - timedelta(days=1))


def check_track(name: str, description: str, levels: tuple[LevelSpec, ...]) -> None:
    """Raise CareerError naming the first bad input of a new track."""
    if not name.strip():
        raise CareerError("a career track needs a name", "name")
    check_length(name, limit=limits.NAME, field="name", error=CareerError)
    check_length(description, limit=limits.DESCRIPTION, field="description", error=CareerError)
    if not levels:
        raise CareerError("a career track needs at least one level", "levels")
    if len(levels) > MAX_LEVELS:
        raise CareerError(f"a career track has at most {MAX_LEVELS} levels", "levels")
    names = [level.name.strip().casefold() for level in levels]
    for index, level in enumerate(levels):
        _check_level(level, f"levels[{index}]")
        if names.index(names[index]) != index:
            raise CareerError(f"level name {level.name!r} appears twice", f"levels[{index}].name")


def _check_level(level: LevelSpec, where: str) -> None:
    if not level.name.strip():
        raise CareerError("a level needs a name", f"{where}.name")
    check_length(level.name, limit=limits.NAME, field=f"{where}.name", error=CareerError)
    check_length(
        level.description, limit=limits.DESCRIPTION, field=f"{where}.description", error=CareerError
    )
    if len(level.expectations) > MAX_EXPECTATIONS:
        raise CareerError(
            f"a level has at most {MAX_EXPECTATIONS} expectations", f"{where}.expectations"
        )
    for index, expectation in enumerate(level.expectations):
        at = f"{where}.expectations[{index}]"
        if not expectation.description.strip():
            raise CareerError("an expectation needs a description", f"{at}.description")
        check_length(
            expectation.description,
            limit=limits.DESCRIPTION,
            field=f"{at}.description",
            error=CareerError,
        )
        if expectation.evidence is not None:
            check_evidence(expectation.evidence, f"{at}.evidence")


def check_evidence(evidence: Evidence, where: str) -> None:
    if isinstance(evidence, MetricEvidence):
        _check_metric(evidence, f"{where}.metric")
    elif isinstance(evidence, QaScoreEvidence):
        _between(evidence.min_score, 0, QA_SCORE_MAX, f"{where}.qaScore.minScore")
        _count(evidence.min_reviews, f"{where}.qaScore.minReviews", least=1)
    elif isinstance(evidence, SupportValueEvidence):
        check_length(
            evidence.value_key,
            limit=limits.KEY,
            field=f"{where}.supportValue.valueKey",
            error=CareerError,
        )
        rating = evidence.min_rating
        _between(rating, VALUE_RATING_MIN, VALUE_RATING_MAX, f"{where}.supportValue.minRating")
        _count(evidence.min_ratings, f"{where}.supportValue.minRatings", least=1)
    else:
        _count(evidence.min_completed, f"{where}.goalsCompleted.minCompleted", least=1)


def _check_metric(evidence: MetricEvidence, where: str) -> None:
    definition = m.BY_KEY.get(evidence.metric)
    if definition is None or Level.AGENT not in definition.levels:
        raise CareerError(f"{evidence.metric!r} is not a metric of an agent", f"{where}.metric")
    if evidence.statistic not in definition.statistics():
        allowed = ", ".join(s.value for s in definition.statistics())
        raise CareerError(
            f"{evidence.metric} has no statistic {evidence.statistic.value} ({allowed})",
            f"{where}.statistic",
        )
    if evidence.basis is Basis.BUSINESS and not definition.is_duration:
        raise CareerError(
            f"{evidence.metric} is not a duration: basis must be CALENDAR", f"{where}.basis"
        )
    if evidence.direction is Direction.NEUTRAL:
        raise CareerError(
            "say which side of the threshold is met: HIGHER_IS_BETTER or LOWER_IS_BETTER",
            f"{where}.direction",
        )
    if evidence.threshold != evidence.threshold or abs(evidence.threshold) == float("inf"):
        raise CareerError("the threshold must be a finite number", f"{where}.threshold")
    _count(evidence.min_sample, f"{where}.minSample", least=0)


def _between(value: float, low: float, high: float, where: str) -> None:
    if not low <= value <= high:
        raise CareerError(f"{where.rsplit('.', 1)[-1]} must be {low}–{high}, got {value}", where)


def _count(value: int, where: str, *, least: int) -> None:
    if not least <= value <= MAX_MIN_COUNT:
        name = where.rsplit(".", 1)[-1]
        raise CareerError(f"{name} must be {least}–{MAX_MIN_COUNT}, got {value}", where)
