"""Score history (SPEC §6 `scoreHistory`): one subject's snapshots over a range of periods,
for trend charts.

A subject that exists in the tenant is *listed* in every period of the range, exactly as
`agentScores`/`teamScores`/`tenantMetrics` list it in a period they are asked for: a period
without a stored snapshot reads as no snapshot there (total null, every metric null, counts
0 with sample size 0, SPEC §4). Dates are the tenant's local calendar days, so a period is
found from them alone (`domain.periods`), no timezone conversion involved.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from domain import metrics as m
from domain.metrics import Level
from domain.periods import Grain, Period, PeriodRangeError, normalise
from domain.snapshots import Snapshot
from domain.views import TenantReads

MAX_PERIODS = 400


class HistoryError(ValueError):
    """A request the caller can fix; `field` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    period: Period
    snapshot: Snapshot | None


def history_periods(grain: Grain, first: date, last: date) -> list[Period]:
    """The periods of `grain` from the one containing `first` to the one containing `last`
    (inclusive), oldest first; at most MAX_PERIODS."""
    if last < first:
        raise HistoryError("`to` is before `from`", "to")
    try:
        out, end = [normalise(grain, first)], normalise(grain, last)
    except PeriodRangeError as exc:
        raise HistoryError(str(exc), "to") from None  # `to` >= `from`: `to` is past the end
    while out[-1] != end:
        if len(out) == MAX_PERIODS:
            raise HistoryError(
                f"more than {MAX_PERIODS} {grain.value} periods between `from` and `to`; "
                "ask for a shorter range or a coarser grain",
                "from",
            )
        out.append(Period(grain, out[-1].end))
    return out


def checked_metrics(level: Level, keys: Collection[str] | None) -> frozenset[str] | None:
    """The metric keys asked for (None: all of the level's); a key that is not a metric of
    `level` is an error naming it."""
    if keys is None:
        return None
    unknown = sorted(k for k in set(keys) if k not in m.BY_KEY or level not in m.get(k).levels)
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        raise HistoryError(f"not a metric of the {level.value} level: {names}", "metrics")
    return frozenset(keys)


def subject_exists(reads: TenantReads, level: Level, subject_id: str) -> bool:
    """Whether the tenant has this agent or team (another tenant's id is simply not found)."""
    if level is Level.AGENT:
        return subject_id in reads.agents_by_id([subject_id])
    if level is Level.TEAM:
        return subject_id in reads.teams_by_id([subject_id])
    return True


def score_history(
    reads: TenantReads, *, level: Level, subject_id: str, periods: list[Period]
) -> list[HistoryPoint] | None:
    """One point per period (None when the subject is not the tenant's); the snapshots
    of the whole range are read at once."""
    if not subject_exists(reads, level, subject_id):
        return None
    first, last = periods[0], periods[-1]
    snapshots = reads.subject_history(
        level, subject_id, first.grain, first=first.start, last=last.start
    )
    return [HistoryPoint(p, snapshots.get(p)) for p in periods]
