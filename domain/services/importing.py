"""Import history (a helpdesk export, canonical JSON lines) through the webhook path.

Events are applied in batches, each in its own transaction, exactly as webhook
deliveries are (store, re-fold touched tickets, record in the outbox what to roll up);
the reconciler scores them afterwards, once per subject-period. Memory stays flat
however long the file: a batch of events at a time and the first few failures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from domain.events import CanonicalEvent
from domain.ports import UnitOfWork
from domain.services.processing import apply_events

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
    """Apply every event once (ids dedupe against what is stored)."""
    summary = ImportSummary()
    pending: list[CanonicalEvent] = []
    for item in items:
        if isinstance(item, LineFailure):
            summary.fail(item)
            continue
        pending.append(item)
        if len(pending) >= batch:
            _apply(open_uow, source, pending, summary)
            pending = []
            if progress:
                progress("import", summary.events, 0)
    if pending:
        _apply(open_uow, source, pending, summary)
    if progress:
        progress("import", summary.events, 0)
    return summary


def _apply(
    open_uow: Callable[[], UnitOfWork],
    source: str,
    events: list[CanonicalEvent],
    summary: ImportSummary,
) -> None:
    with open_uow() as uow:
        result = apply_events(uow, source=source, events=events)
        uow.commit()
    summary.events += len(events)
    summary.imported += result.new
    summary.duplicates += len(events) - result.new
