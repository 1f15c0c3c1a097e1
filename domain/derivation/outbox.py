"""What a change invalidates, recorded in the same transaction as the change.

Three kinds of entries wait in a tenant's outbox until the reconciler drains them:
- subject-periods to re-aggregate and re-score (`DirtyEntry`, from touched samples);
- coarse requests (`Redo`): rebuild history from a date, re-score from a date,
  re-attribute what an agent merge or unmerge moved, recompute a goal created or
  changed (and the goals above it), or the goals still running (their status moves
  with the calendar);
- pending webhook deliveries, which are their own outbox (stored before the 2xx).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from domain.metrics import Level
from domain.periods import Period


class Redo(StrEnum):
    REBUILD = "rebuild"  # re-fold every stream from `since`, then re-score (settings changed)
    RESCORE = "rescore"  # re-score stored metrics from `since` (a model changed)
    REATTRIBUTE = "reattribute"  # re-fold what an agent change moved (key: the change id)
    GOAL = "goal"  # recompute a goal and the goals above it (key: the goal id)
    GOALS = "goals"  # recompute every goal running on/after `since` (the calendar moved)


@dataclass(frozen=True, slots=True)
class DirtyEntry:
    """A subject's snapshot in a period that waits for the next roll-up."""

    period: Period
    level: Level
    subject_id: str

    @property
    def references(self) -> bool:
        """The mark that the period's case-mix references may have moved (`REFERENCES`)."""
        return self.level is Level.TENANT and self.subject_id == REFERENCES


# A tenant-level entry under this subject id (no subject's) marks a period whose case-mix
# samples changed (SPEC §8): its references may have moved, so the roll-up re-adjusts every
# other subject of it too. Without it, a touched subject is adjusted against references
# its own change left as they were — the others' stored adjustments still hold.
REFERENCES = "*case-mix-references"


@dataclass(frozen=True, slots=True)
class DerivationRequest:
    """A coarse request as the reconciler took it: `revision` tells whether it was asked
    for again meanwhile (then it stays for the next round)."""

    kind: Redo
    key: str
    since: date | None
    revision: int


class Outbox(Protocol):
    def reaggregate(self, entries: Iterable[DirtyEntry]) -> int:
        """Mark subject-periods for the next roll-up (duplicates collapse)."""
        ...

    def take(self, limit: int) -> list[DirtyEntry]:
        """Up to `limit` marked subject-periods, removed in this transaction."""
        ...

    def request(self, kind: Redo, *, key: str = "", since: date | None = None) -> None:
        """Ask for coarse work; asking again merges (the earliest `since` wins, None = all)."""
        ...

    def requests(self) -> list[DerivationRequest]: ...

    def settle(self, request: DerivationRequest) -> bool:
        """Remove a request that was carried out, unless it was asked for again since."""
        ...

    def pending(self) -> bool:
        """Whether any subject-period, request or pending delivery (the deliveries' own
        outbox) waits: what the reconciler looks at before it lets the tenant go."""
        ...

    @property
    def recorded(self) -> bool:
        """Whether this transaction added derivation work (the unit of work then asks
        for a reconcile after its commit)."""
        ...
