"""The reconciler: the one place that brings a tenant's derived data up to date.

It drains the tenant's outbox — pending deliveries are folded, coarse requests carried
out, touched subject-periods rolled up — until nothing is left, and chooses how: the
incremental path for what a change touched, the bulk strategy for a whole history.

Work for one tenant is serialised by a claim taken *without waiting*: a second worker
that finds the tenant claimed returns at once and takes other tenants' jobs. The holder
looks at the outbox again after letting go, so work committed meanwhile is never left
behind (it is either seen then, or claimed by the job its own commit requested).

Failure policy (the only one): a step that raises rolls its transaction back, so the
outbox still holds its work; the job fails (RQ keeps it in the failed registry) and the
sweeper requests the tenant again. Every step is idempotent, so repeating is safe. (The
job shell runs a job once more at once when the database dropped its connection:
workers/jobs.py `again_if_dropped`.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from domain.derivation.outbox import DerivationRequest, Redo
from domain.goals.engine import refresh_goals, refresh_since
from domain.intake_ports import DeliveryDecoder
from domain.ports import TenantId, UnitOfWork
from domain.services.identities import reattribute_change
from domain.services.intake import BATCH, IntakeResult, process, process_pending
from domain.services.models import rescore_from
from domain.services.recompute import Progress, rebuild
from domain.services.rescoring import roll_up

# Hold the tenant for the block, or yield False when another process holds it.
Claim = Callable[[], AbstractContextManager[bool]]
# Say, for the block, that the tenant's history is being rebuilt (RebuildingError).
Rebuilding = Callable[[], AbstractContextManager[object]]
# Carry out the outbox's coarse requests in this order: a rebuild re-folds what a
# re-attribution would, and both leave scores a re-score would also write; goals last,
# over the metrics the others left.
ORDER = (Redo.REBUILD, Redo.REATTRIBUTE, Redo.RESCORE, Redo.GOAL, Redo.GOALS)
ROLL_UP_BATCH = 5000  # subject-periods re-scored per transaction

log = logging.getLogger(__name__)


class BulkRebuild(Protocol):
    """The bulk strategy: rebuild a tenant's whole history in one pass (columnar I/O,
    parallel folds); the same rows as the incremental path, proven by a property test."""

    def rebuild_all(self, tenant_id: TenantId, *, progress: Progress | None) -> None: ...


class RebuildingError(RuntimeError):
    """An API write given up, changing nothing, after queueing behind a rebuild of the
    tenant's history for its statement timeout (a REBUILD, after an admin changed SLA
    targets, hours, timezone or case mix: minutes for a large tenant)."""

    def __init__(self) -> None:
        super().__init__(
            "this tenant's history is being rebuilt (settings that change every metric were"
            " saved); writes wait until it is done: retry in a few minutes"
        )


@dataclass(slots=True)
class ReconcileResult:
    intake: IntakeResult = field(default_factory=IntakeResult)
    requests: int = 0
    rolled_up: int = 0
    busy: bool = False  # another process held the tenant: it carries on


@dataclass(frozen=True, slots=True)
class Reconciler:
    open_uow: Callable[[], UnitOfWork]
    decoder: DeliveryDecoder
    claim: Claim
    bulk: BulkRebuild | None = None
    progress: Progress | None = None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # dates goal statuses
    # The unit of work an operator's `change` commits in (default `open_uow`): the change
    # may hold what cannot be derived again (an audit entry), so not an asynchronous one.
    open_change: Callable[[], UnitOfWork] | None = None
    # The last look at the outbox once the claim is let go (default: a unit of work's
    # `outbox.pending()`); PostgreSQL's is one statement in autocommit, not a transaction.
    waits: Callable[[], bool] | None = None
    rebuilding: Rebuilding = nullcontext  # held while a REBUILD runs

    def run(self, change: Callable[[UnitOfWork], object] | None = None) -> ReconcileResult:
        """Drain the outbox. A `change` is committed first, under the claim, so that this
        run — not the job its commit requests — carries out what it invalidates (an
        operator's command reports what it did)."""
        result = ReconcileResult()
        while True:
            with self.claim() as held:
                if change is not None:
                    with (self.open_change or self.open_uow)() as uow:
                        change(uow)
                        uow.commit()
                    change = None
                if not held:
                    result.busy = True
                    return result
                self._drain(result)
            if not self._pending():
                return result

    def _drain(self, result: ReconcileResult) -> None:
        while True:
            at_once = self._in_one_transaction()
            if at_once is None:
                intake = process_pending(self.open_uow, self.decoder)
                # Roll-ups first: a request that keeps failing must not hold back the
                # scores of the deliveries (what requests touch is rolled up next round).
                rolled, requests = self._roll_up()
            else:
                intake, rolled, requests = at_once
            for kind in ORDER:
                for request in (r for r in requests if r.kind is kind):
                    self._carry_out(request)
            result.intake += intake
            result.requests += len(requests)
            result.rolled_up += rolled
            if not requests:
                # Nothing left that this round made: what is committed meanwhile is seen
                # by `_pending` after the claim is let go.
                return

    def _in_one_transaction(self) -> tuple[IntakeResult, int, list[DerivationRequest]] | None:
        """The usual round — less than a batch of new deliveries, and the roll-up of what
        they touched — in one transaction instead of two: a begin, a tenant scope and a
        commit fewer per job; a roll-up longer than a batch goes on in `_roll_up`'s batches.
        None when there are more deliveries, or when the transaction raised: the steps then
        run apart (rolled back, nothing of it is kept), each with its own failure handling —
        a delivery that fails alone is marked failed, a failing roll-up fails the job and
        leaves the outbox as it was."""
        with self.open_uow() as uow:
            try:
                pending = list(uow.deliveries.pending(BATCH))
                if len(pending) >= BATCH:
                    return None
                intake = process(uow, self.decoder, pending) if pending else IntakeResult()
                rolled = roll_up(uow, limit=ROLL_UP_BATCH, now=self.clock())
                requests = uow.outbox.requests() if rolled < ROLL_UP_BATCH else None
                uow.commit()
            except Exception as exc:  # the steps apart raise it again where it belongs
                log.warning("a round in one transaction failed (%r); again step by step", exc)
                return None
        if requests is None:  # more marked subject-periods than a batch: the rest apart
            more, requests = self._roll_up()
            rolled += more
        return intake, rolled, requests

    def _carry_out(self, request: DerivationRequest) -> None:
        if request.kind is Redo.REBUILD:
            with self.rebuilding():
                self._rebuild(request)
            with self.open_uow() as uow:
                # A rebuild writes snapshots without the roll-up: its goals follow here.
                refresh_since(uow, request.since, now=self.clock())
                uow.outbox.settle(request)
                uow.commit()
            return
        with self.open_uow() as uow:
            if request.kind is Redo.RESCORE:
                rescore_from(uow, since=request.since)
            elif request.kind is Redo.GOAL:
                refresh_goals(uow, [request.key], now=self.clock())
            elif request.kind is Redo.GOALS:
                refresh_since(uow, request.since, now=self.clock())
            else:
                reattribute_change(uow, change_id=request.key)
            uow.outbox.settle(request)
            uow.commit()

    def _rebuild(self, request: DerivationRequest) -> None:
        if request.since is None and self.bulk is not None:
            with self.open_uow() as uow:
                tenant = uow.tenant.id
            self.bulk.rebuild_all(TenantId(tenant), progress=self.progress)
        else:
            rebuild(self.open_uow, since=request.since, progress=self.progress)

    def _roll_up(self) -> tuple[int, list[DerivationRequest]]:
        """Roll up every marked subject-period, a batch per transaction; and the coarse
        requests, read in the last batch's transaction (a unit of work per job fewer: its
        tenant read and its session)."""
        total = 0
        while True:
            with self.open_uow() as uow:
                done = roll_up(uow, limit=ROLL_UP_BATCH, now=self.clock())
                # Read in the roll-up's transaction (one fewer): a request committed after
                # this read is seen by `_pending` once the claim is let go.
                requests = uow.outbox.requests() if done < ROLL_UP_BATCH else []
                uow.commit()
                total += done
                if done < ROLL_UP_BATCH:
                    return total, requests

    def _pending(self) -> bool:
        if self.waits is not None:
            return self.waits()
        with self.open_uow() as uow:
            return uow.outbox.pending()  # pending deliveries included: one statement
