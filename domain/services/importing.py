"""Import history (a helpdesk export, canonical JSON lines) through the webhook path.

Events are applied in batches, each in its own transaction, exactly as webhook
deliveries are (store, re-fold touched tickets), but scores are computed once at the
end. Memory stays flat however long the file: a batch of events at a time, the first
few failures, and which agents and teams each period must re-score — bounded by the
calendar and the team, not by the number of tickets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from domain.events import CanonicalEvent
from domain.periods import Period
from domain.ports import Touch, UnitOfWork
from domain.services.processing import apply_events
from domain.services.rescoring import PeriodScorer, Subjects, plan

BATCH = 2000
MAX_REPORTED = 20  # failures kept with their reason; the rest are only counted
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class LineFailure:
    """A line (1-based) that could not be imported, and why; the import goes on."""

    line: int
    reason: str


@dataclass(slots=True)
class ImportSummary:
    events: int = 0  # canonical events read from the file
    imported: int = 0  # new events stored
    duplicates: int = 0  # already stored: by a webhook, or by an earlier import
    failed: int = 0  # lines that could not be imported
    failures: list[LineFailure] = field(default_factory=list)  # the first MAX_REPORTED
    snapshots: int = 0

    def fail(self, failure: LineFailure) -> None:
        self.failed += 1
        if len(self.failures) < MAX_REPORTED:
            self.failures.append(failure)


def import_events(
    open_uow: Callable[[], UnitOfWork],
    *,
    source: str,
    items: Iterable[CanonicalEvent | LineFailure],
    batch: int = BATCH,
    progress: Progress | None = None,
) -> ImportSummary:
    """Apply every event once (ids dedupe against what is stored), then re-score."""
    summary = ImportSummary()
    planned: dict[Period, Subjects] = {}
    pending: list[CanonicalEvent] = []
    for item in items:
        if isinstance(item, LineFailure):
            summary.fail(item)
            continue
        pending.append(item)
        if len(pending) >= batch:
            _merge(planned, plan(_apply(open_uow, source, pending, summary)))
            pending = []
            if progress:
                progress("import", summary.events, 0)
    if pending:
        _merge(planned, plan(_apply(open_uow, source, pending, summary)))
    if progress:
        progress("import", summary.events, 0)
    summary.snapshots = rescore_planned(open_uow, planned, progress=progress)
    return summary


def _apply(
    open_uow: Callable[[], UnitOfWork],
    source: str,
    events: list[CanonicalEvent],
    summary: ImportSummary,
) -> frozenset[Touch]:
    with open_uow() as uow:
        result = apply_events(uow, source=source, events=events, rescore_now=False)
        uow.commit()
    summary.events += len(events)
    summary.imported += result.new
    summary.duplicates += len(events) - result.new
    return result.touches


def _merge(into: dict[Period, Subjects], more: Mapping[Period, Subjects]) -> None:
    """Add a batch's periods and subjects: per-day touches would grow with the tickets'
    variety of (day, agent, team); this is at most every agent and team per period."""
    for period, subjects in more.items():
        have = into.setdefault(period, Subjects())
        have.agents = _union(have.agents, subjects.agents)
        have.teams = _union(have.teams, subjects.teams)


def _union(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    if a is None or b is None:
        return None  # every subject
    return a | b if b else a


def rescore_planned(
    open_uow: Callable[[], UnitOfWork],
    planned: Mapping[Period, Subjects],
    *,
    progress: Progress | None = None,
) -> int:
    """`rescoring.rescore`, one transaction per period so a long import shows progress."""
    periods = sorted(planned.items())
    count = 0
    for index, (period, subjects) in enumerate(periods, start=1):
        with open_uow() as uow:
            snapshots = PeriodScorer(uow, period).snapshots(subjects)
            uow.snapshots.save(snapshots)
            uow.commit()
        count += len(snapshots)
        if progress:
            progress("re-score", index, len(periods))
    return count
