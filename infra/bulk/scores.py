"""Score every period of a tenant's history from whole-history summaries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import text

from domain.periods import GRAINS, Period
from domain.policy import has_business_hours
from domain.ports import Snapshot, TenantId
from domain.services.rescoring import PeriodScorer, Subjects
from infra.bulk.history import summarise

if TYPE_CHECKING:  # the container builds the bulk strategy
    from infra.bootstrap import Container

Progress = Callable[[str, int, int], None]


def score_history(c: Container, tenant_id: TenantId, *, progress: Progress | None = None) -> int:
    """Write the snapshots of every period with samples; returns how many."""
    total = 0
    with c.uow(tenant_id) as uow:  # the caller holds the tenant's lock
        uow.session.execute(text("SET LOCAL work_mem = '256MB'"))  # sort and hash in memory
        summaries = summarise(uow.session, tenant_id, business=has_business_hours(uow.tenant))
        team_of = uow.directory.team_history(uow.samples.agents())
        for step, grain in enumerate(GRAINS, start=1):
            snapshots: list[Snapshot] = []
            for start, by_level in sorted(summaries.get(grain, {}).items()):
                scorer = PeriodScorer(
                    uow, Period(grain, start), preloaded=by_level, team_of=team_of
                )
                snapshots += scorer.snapshots(Subjects(agents=None, teams=None, tenant=True))
            uow.snapshots.save_many(snapshots)
            total += len(snapshots)
            if progress:
                progress("score", step, len(GRAINS))
        uow.commit()
    return total
