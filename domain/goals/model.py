"""Goals and their progress rules — pure functions over plain values.

Definitions (one rule each):
- a goal runs over the tenant-local days `start` … `end`, both included;
- a metric goal's *value* is its metric over those days for its owner (the subject),
  aggregated with the metric's own statistic, exactly as a period's value is;
- *progress* is the KPI model's attainment (SPEC §5: value/target, or target/value when
  lower is better) clipped to [0, 1]; a manual goal's progress is the one its owner set;
- a goal with children takes its progress from them: the mean of the children's
  progress weighted by their `weight` (children without progress yet are left out);
- *expected* progress is the share of the goal's days elapsed by today (today included);
  *status* is ON_TRACK when progress ≥ expected, AT_RISK when progress ≥ 80% of
  expected, OFF_TRACK below that; none while there is no progress;
- *completed*: progress has reached 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.metrics import Basis, Direction, Level, Statistic
from domain.model import Component
from domain.scoring import attainment

AT_RISK_SHARE = 0.8  # progress within 80% of the expected pace is "at risk", not "off"


class OwnerKind(StrEnum):
    TENANT = "TENANT"
    TEAM = "TEAM"
    AGENT = "AGENT"

    @property
    def level(self) -> Level:
        """The metric level of an owner of this kind (the goal's subject)."""
        return Level(self.value)


# Alignment upward: the kinds of goal a goal of each kind may hang under.
PARENT_KINDS: dict[OwnerKind, frozenset[OwnerKind]] = {
    OwnerKind.AGENT: frozenset({OwnerKind.TEAM, OwnerKind.TENANT}),
    OwnerKind.TEAM: frozenset({OwnerKind.TENANT}),
    OwnerKind.TENANT: frozenset(),
}
# Children before parents: a child's owner is always lower in the tree.
ROLL_UP_ORDER = (OwnerKind.AGENT, OwnerKind.TEAM, OwnerKind.TENANT)


class GoalKind(StrEnum):
    METRIC = "METRIC"
    MANUAL = "MANUAL"


class GoalStatus(StrEnum):
    ON_TRACK = "ON_TRACK"
    AT_RISK = "AT_RISK"
    OFF_TRACK = "OFF_TRACK"


@dataclass(frozen=True, slots=True)
class Owner:
    kind: OwnerKind
    id: str


@dataclass(frozen=True, slots=True)
class MetricTarget:
    """What a metric goal measures: a metric of the dictionary, read like a KPI component."""

    metric: str
    target: float
    direction: Direction
    statistic: Statistic = Statistic.VALUE
    basis: Basis = Basis.CALENDAR

    def component(self) -> Component:
        """As a KPI model component capped at 1: its attainment is the goal's progress."""
        return Component(
            metric=self.metric,
            weight=1.0,
            target=self.target,
            direction=self.direction,
            statistic=self.statistic,
            basis=self.basis,
            cap=1.0,
            min_sample=0,
        )


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    title: str
    owner: Owner
    start: date
    end: date  # the last day, included
    kind: GoalKind
    weight: float = 1.0
    description: str | None = None
    parent_id: str | None = None
    metric: MetricTarget | None = None
    manual_progress: float | None = None  # a manual goal's progress, as its owner set it


@dataclass(frozen=True, slots=True)
class GoalState:
    """What the engine computed and stored for a goal."""

    progress: float | None = None
    value: float | None = None
    sample_size: int = 0
    status: GoalStatus | None = None
    computed_at: datetime | None = None

    @property
    def completed(self) -> bool:
        """Progress has reached 1."""
        return self.progress is not None and self.progress >= 1.0

    def moved(self, other: GoalState) -> bool:
        """Whether the progress or value differ (a point of the progress history)."""
        return (self.progress, self.value) != (other.progress, other.value)


@dataclass(frozen=True, slots=True)
class StoredGoal:
    goal: Goal
    state: GoalState
    created_at: datetime
    updated_at: datetime

    @property
    def id(self) -> str:
        return self.goal.id

    @property
    def progress(self) -> float | None:
        return self.state.progress

    @property
    def status(self) -> GoalStatus | None:
        return self.state.status

    @property
    def completed(self) -> bool:
        return self.state.completed


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    """One change of a goal's progress, for a chart."""

    at: datetime
    progress: float | None
    value: float | None
    status: GoalStatus | None


def metric_progress(target: MetricTarget, value: float | None) -> float | None:
    """Attainment clipped to [0, 1]; none without a value."""
    return None if value is None else attainment(target.component(), value)


def rolled_up(children: Iterable[tuple[float, float | None]]) -> float | None:
    """The weighted mean of the children's (weight, progress), those without progress
    left out; none when no child has progress."""
    counted = [(w, p) for w, p in children if p is not None]
    total = sum(w for w, _ in counted)
    if not counted or total <= 0:
        return None
    return sum(w * p for w, p in counted) / total


def expected_progress(start: date, end: date, today: date) -> float:
    """The share of the goal's days elapsed by `today` (today counted), in [0, 1]."""
    days = (end - start).days + 1
    elapsed = (today - start).days + 1
    return min(max(elapsed / days, 0.0), 1.0)


def status_of(progress: float | None, *, start: date, end: date, today: date) -> GoalStatus | None:
    if progress is None:
        return None
    expected = expected_progress(start, end, today)
    if progress >= expected:
        return GoalStatus.ON_TRACK
    if progress >= AT_RISK_SHARE * expected:
        return GoalStatus.AT_RISK
    return GoalStatus.OFF_TRACK


def state_of(
    goal: Goal,
    progress: float | None,
    *,
    value: float | None,
    sample_size: int,
    today: date,
    at: datetime,
) -> GoalState:
    return GoalState(
        progress=progress,
        value=value,
        sample_size=sample_size,
        status=status_of(progress, start=goal.start, end=goal.end, today=today),
        computed_at=at,
    )
