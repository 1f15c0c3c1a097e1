"""What a metric definition is (SPEC §4): the vocabulary every entry of the dictionary uses.

The entries themselves sit in the family modules of this package, each beside the function
that produces its samples; `domain.metrics` assembles them into the dictionary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar


class Level(StrEnum):
    AGENT = "AGENT"
    TEAM = "TEAM"
    TENANT = "TENANT"


class Kind(StrEnum):
    COUNT = "COUNT"  # value = number of samples
    DURATION = "DURATION"  # seconds; median (default), mean, p90; two bases
    RATE = "RATE"  # samples are 0/1; value = share of 1s, with a Wilson interval
    MEAN = "MEAN"  # value = mean of the samples
    DERIVED = "DERIVED"  # a ratio of other aggregates (see domain.values)


class Direction(StrEnum):
    HIGHER_IS_BETTER = "HIGHER_IS_BETTER"
    LOWER_IS_BETTER = "LOWER_IS_BETTER"
    NEUTRAL = "NEUTRAL"


class Statistic(StrEnum):
    MEDIAN = "median"
    MEAN = "mean"
    P90 = "p90"
    VALUE = "value"


class Basis(StrEnum):
    CALENDAR = "CALENDAR"
    BUSINESS = "BUSINESS"


ALL = (Level.AGENT, Level.TEAM, Level.TENANT)
GROUPS = (Level.TEAM, Level.TENANT)
AGENT_TEAM = (Level.AGENT, Level.TEAM)


@dataclass(frozen=True, slots=True)
class MetricDef:
    key: str
    label: str
    unit: str
    kind: Kind
    direction: Direction
    levels: tuple[Level, ...]
    cohort: str
    attribution: str
    description: str
    # Aggregation hint: a MEAN over tickets of each ticket's summed samples, so the roll-up
    # also counts the stream's distinct tickets (sample origins).
    distinct_tickets: bool = False

    @property
    def is_rate(self) -> bool:
        return self.kind is Kind.RATE or self.unit == "ratio"

    @property
    def is_duration(self) -> bool:
        return self.kind is Kind.DURATION

    @property
    def is_count(self) -> bool:
        """A count is 0, not null, for a subject with nothing counted (SPEC §4)."""
        return self.kind is Kind.COUNT

    def statistics(self) -> tuple[Statistic, ...]:
        if self.is_duration:  # VALUE is the default statistic, the median
            return (Statistic.MEDIAN, Statistic.MEAN, Statistic.P90, Statistic.VALUE)
        return (Statistic.VALUE,)

    @property
    def default_statistic(self) -> Statistic:
        return Statistic.MEDIAN if self.is_duration else Statistic.VALUE


H, L, N = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER, Direction.NEUTRAL


@dataclass(frozen=True, slots=True)
class Stream:
    """A sample stream that is not a metric itself but an input of a derived one."""

    key: str
    feeds: str  # the derived metric that reads it
    distinct_tickets: bool = False  # the metric reads its distinct tickets, not its count


F_co = TypeVar("F_co", bound=Callable[..., Any], covariant=True)


@dataclass(frozen=True, slots=True)
class Producer(Generic[F_co]):
    """The function that makes samples, and every stream it may emit (a metric key or a
    `Stream` key): the dictionary finds a metric's producer by these names."""

    streams: tuple[str, ...]
    produce: F_co
