"""What is stored of a score: a subject-period's snapshot, the keys a commit announces
live, and the columns a re-score reads and writes (the types the `Snapshots` port speaks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from domain.metrics import Level
from domain.periods import Period
from domain.scoring import Row, ScoreBreakdown
from domain.scoring_columns import ScoredColumns
from domain.values import MetricSet


@dataclass(frozen=True, slots=True)
class Snapshot:
    level: Level
    subject_id: str
    period: Period
    metrics: MetricSet
    breakdown: ScoreBreakdown | None
    model_id: str | None
    computed_at: datetime | None = None
    signals: Mapping[str, int] = field(default_factory=dict)  # guardrail key → count


class ScoreKey(NamedTuple):
    """One subject's score of one period: what a commit that wrote it announces live."""

    level: Level
    subject_id: str
    period: Period


@dataclass(slots=True)
class WrittenScores:
    """The scores one transaction wrote, each once — up to `limit`: past it, only that
    there were more (a whole-history rebuild writes hundreds of thousands; they are
    announced as one "re-read everything" instead of being held in memory)."""

    limit: int = 10_000
    keys: set[ScoreKey] = field(default_factory=set)
    overflow: bool = False

    def add(self, key: ScoreKey) -> None:
        if self.overflow:
            return
        self.keys.add(key)
        if len(self.keys) > self.limit:
            self.keys = set()
            self.overflow = True

    def __bool__(self) -> bool:
        return self.overflow or bool(self.keys)


class ScoringRow(NamedTuple):
    """What a re-score reads of one snapshot: the numbers it asked for, in its order."""

    level: Level
    subject_id: str
    period: Period
    numbers: Row
    key: object = None  # the store's own handle on the snapshot, handed back with its score


class ScoredGroup(NamedTuple):
    """What a re-score writes for snapshots scored by one model version: nothing but their
    scores, by column (`scored.row(i)` is `rows[i]`'s)."""

    rows: Sequence[ScoringRow]
    model_id: str | None
    model_version: int
    scored: ScoredColumns
