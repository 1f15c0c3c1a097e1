"""Rebuild derived data from the event log: re-fold streams, then re-score periods.

Idempotent, and safe while webhooks arrive: each batch runs under the tenant's
processing lock, and a delivery applied meanwhile is simply folded again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from domain.periods import GRAINS, Period, local_midnight, period_start
from domain.ports import UnitOfWork
from domain.services.processing import refresh_activity, refresh_tickets
from domain.services.rescoring import PeriodScorer, Subjects

Progress = Callable[[str, int, int], None]  # (stage, done, total)
ACTIVITY = "activity:"


@dataclass(frozen=True, slots=True)
class RebuildResult:
    streams: int
    periods: int
    snapshots: int


def rebuild(
    open_uow: Callable[[], UnitOfWork],
    *,
    since: date | None = None,
    batch: int = 500,
    progress: Progress | None = None,
) -> RebuildResult:
    with open_uow() as uow:
        start = local_midnight(since, uow.tenant.timezone) if since else None
        streams = uow.events.streams(start)
    refold(open_uow, streams, batch=batch, progress=progress)
    periods, snapshots = rescore_all(open_uow, since=since, progress=progress)
    return RebuildResult(len(streams), periods, snapshots)


def refold(
    open_uow: Callable[[], UnitOfWork],
    streams: Sequence[tuple[str, str]],
    *,
    batch: int,
    progress: Progress | None = None,
) -> None:
    done = 0
    for offset in range(0, len(streams), batch):
        part = streams[offset : offset + batch]
        with open_uow() as uow:
            for source, group in groupby(sorted(part), key=lambda s: s[0]):
                names = [stream for _, stream in group]
                tickets = [n for n in names if not n.startswith(("agent:", ACTIVITY))]
                agents = [n.removeprefix(ACTIVITY) for n in names if n.startswith(ACTIVITY)]
                refresh_tickets(uow, source=source, ticket_ids=tickets)
                if agents:
                    refresh_activity(uow, source=source, agents=agents)
            uow.commit()
        done += len(part)
        if progress:
            progress("re-fold", done, len(streams))


def rescore_all(
    open_uow: Callable[[], UnitOfWork],
    *,
    since: date | None = None,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Score, for every subject, every period that ends after `since` and has samples —
    a week, month or quarter begun before `since` with samples only before it is scored
    again, not lost — and drop the snapshots of the periods since then left without samples.

    Each period is replaced in its own transaction, and the periods left without samples
    are dropped last: meanwhile readers see every period, some already re-scored and the
    rest as before, never none (a rebuild of a long history takes minutes)."""
    first = min(period_start(g, since) for g in GRAINS) if since else None
    with open_uow() as uow:
        days = uow.samples.days(first)
    every = {Period(g, period_start(g, d)) for d in days for g in GRAINS}
    periods = sorted(p for p in every if since is None or p.end > since)
    count = 0
    for index, period in enumerate(periods, start=1):
        with open_uow() as uow:
            snapshots = PeriodScorer(uow, period).snapshots(Subjects(agents=None, teams=None))
            uow.snapshots.replace_period(period, snapshots)
            uow.commit()
        count += len(snapshots)
        if progress:
            progress("re-score", index, len(periods))
    with open_uow() as uow:
        uow.snapshots.delete_since(since, keep=periods)
        uow.commit()
    return len(periods), count
