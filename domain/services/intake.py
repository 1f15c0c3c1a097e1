"""Turn stored webhook deliveries into applied events, a batch per transaction.

A delivery that cannot be understood is marked failed with its reason (an admin can
replay it after a fix); it never blocks the deliveries behind it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from domain.events import CanonicalEvent
from domain.intake_ports import DeliveryDecoder, Outcome, PendingDelivery
from domain.integrations import FAILED, IGNORED, PROCESSED
from domain.ports import UnitOfWork
from domain.services.processing import apply_events

BATCH = 500

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IntakeResult:
    processed: int = 0
    failed: int = 0
    ignored: int = 0
    events: int = 0

    def __add__(self, other: IntakeResult) -> IntakeResult:
        return IntakeResult(
            self.processed + other.processed,
            self.failed + other.failed,
            self.ignored + other.ignored,
            self.events + other.events,
        )


def process_pending(
    open_uow: Callable[[], UnitOfWork], decoder: DeliveryDecoder, *, batch: int = BATCH
) -> IntakeResult:
    """Drain the tenant's pending deliveries; each batch commits on its own."""
    total = IntakeResult()
    while True:
        uow = open_uow()
        with uow:
            pending = list(uow.deliveries.pending(batch))
            if not pending:
                return total
            try:
                result = process(uow, decoder, pending)
                uow.commit()
            except Exception:
                log.exception("a batch of %d deliveries failed; retrying one by one", len(pending))
                uow.rollback()
                result = None
        total += result if result is not None else _one_by_one(open_uow, decoder, pending)
        if len(pending) < batch:
            return total  # that was the last of them (what arrives meanwhile asks again)


def _one_by_one(
    open_uow: Callable[[], UnitOfWork], decoder: DeliveryDecoder, pending: list[PendingDelivery]
) -> IntakeResult:
    total = IntakeResult()
    for delivery in pending:
        uow = open_uow()
        with uow:
            try:
                total += process(uow, decoder, [delivery])
                uow.commit()
                continue
            except Exception as exc:
                uow.rollback()
                reason = f"processing error: {type(exc).__name__}: {exc}"
        with open_uow() as failed_uow:
            failed_uow.deliveries.finish(delivery.id, status=FAILED, reason=reason[:2000])
            failed_uow.commit()
        total += IntakeResult(failed=1)
    return total


def process(
    uow: UnitOfWork, decoder: DeliveryDecoder, pending: list[PendingDelivery]
) -> IntakeResult:
    """Apply `pending` in `uow`'s transaction (the caller commits, or rolls back on error)."""
    by_source: dict[str, list[CanonicalEvent]] = defaultdict(list)
    outcomes: list[Outcome] = []
    result = IntakeResult()
    for delivery in pending:
        decoding = decoder.decode(delivery)
        if decoding.failed:
            outcomes.append(Outcome(delivery.id, FAILED, reason=decoding.failed))
            result += IntakeResult(failed=1)
        elif decoding.ignored:
            outcomes.append(Outcome(delivery.id, IGNORED, reason=decoding.ignored))
            result += IntakeResult(ignored=1)
        else:
            by_source[delivery.source].extend(decoding.events)
            outcomes.append(Outcome(delivery.id, PROCESSED, event_count=len(decoding.events)))
            result += IntakeResult(processed=1, events=len(decoding.events))
    uow.deliveries.finish_all(outcomes)
    for source, events in by_source.items():
        apply_events(uow, source=source, events=events)
    return result
