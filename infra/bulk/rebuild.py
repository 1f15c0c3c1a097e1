"""Full rebuild of a tenant from its event log, on PostgreSQL, in parallel: the bulk
strategy of the reconciler (domain.derivation.reconciler.BulkRebuild), run while it
holds the tenant's claim.

1. clear the ticket facts and samples (the snapshots stay until step 4 replaces them);
2. fold ticket and agent activity streams in `workers` processes, each over a contiguous
   range of streams, reading and writing with COPY (infra.bulk.fold_worker);
3. fold what the workers deferred (streams naming an agent or team the directory does not
   know yet) on the ordinary path;
4. replace the snapshots, in one transaction, by those written grain by grain from
   whole-history summaries streamed in period order, then score them as a re-score does
   (infra.bulk.scores): until it commits, readers see the scores from before the rebuild.

SQLite tenants (the embedded default, small by nature) use the incremental path instead:
`domain.services.recompute.rebuild`. Both give the same rows (tests/integration).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import delete, select, text

from domain.ports import TenantId
from domain.services.processing import refresh_activity, refresh_tickets
from domain.services.recompute import rebuild as generic_rebuild
from infra.bulk import fold_worker
from infra.bulk.scores import score_history
from infra.db.roles import ANALYZE_FUNCTION, scope_connection
from infra.db.tables import (
    AGENT_IDENTITY,
    DIRTY_PERIOD,
    METRIC_SAMPLE,
    TEAM_IDENTITY,
    TICKET,
    TICKET_EVENT,
)

if TYPE_CHECKING:  # the container builds this strategy
    from infra.bootstrap import Container

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
REVIEWS = "fairscore"  # samples of reviews come from the review table, not the event log
DIRECTORY = ("agent", "team", "agent_identity", "team_identity", "agent_team")
DERIVED = ("metric_sample", "ticket")
SCORES = ("score_snapshot", "snapshot_score")


@dataclass
class BulkResult:
    events: int = 0
    tickets: int = 0
    samples: int = 0
    snapshots: int = 0
    deferred: list[tuple[str, str]] = field(default_factory=list)  # (source, stream)
    seconds: dict[str, float] = field(default_factory=dict)


class PostgresBulkRebuild:
    """The reconciler's bulk strategy on PostgreSQL."""

    def __init__(self, c: Container, *, workers: int = 2) -> None:
        self.c = c
        self.workers = workers

    def rebuild_all(self, tenant_id: TenantId, *, progress: Progress | None) -> None:
        bulk_rebuild(self.c, tenant_id, workers=self.workers, progress=progress)


def bulk_rebuild(
    c: Container, tenant_id: TenantId, *, workers: int = 2, progress: Progress | None = None
) -> BulkResult:
    """Rebuild everything; the caller holds the tenant's claim (the reconciler does)."""
    if c.settings.is_sqlite:
        generic = generic_rebuild(lambda: c.uow(tenant_id), progress=progress)
        return BulkResult(tickets=generic.streams, snapshots=generic.snapshots)
    result = BulkResult()
    _timed(result, "clear", lambda: _clear(c, tenant_id))
    _timed(result, "directory", lambda: _analyze(c, DIRECTORY))
    jobs = _jobs(c, tenant_id, workers)
    _timed(result, "fold", lambda: _fold(jobs, result, progress))
    _timed(result, "deferred", lambda: _ordinary(c, tenant_id, result))
    _timed(result, "analyze", lambda: _analyze(c, DERIVED))
    result.snapshots = _timed(
        result, "score", lambda: score_history(c, tenant_id, progress=progress)
    )
    _timed(result, "analyze scores", lambda: _analyze(c, SCORES))
    return result


def _timed(result: BulkResult, stage: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    value = work()
    result.seconds[stage] = time.perf_counter() - started
    return value


def _clear(c: Container, tenant_id: TenantId) -> None:
    with c.engine.begin() as conn:
        scope_connection(conn, tenant_id)
        s = METRIC_SAMPLE.c
        conn.execute(delete(METRIC_SAMPLE).where(s.tenant_id == tenant_id, s.source != REVIEWS))
        conn.execute(delete(TICKET).where(TICKET.c.tenant_id == tenant_id))
        conn.execute(delete(DIRTY_PERIOD).where(DIRTY_PERIOD.c.tenant_id == tenant_id))


def _jobs(c: Container, tenant_id: TenantId, workers: int) -> list[fold_worker.Job]:
    with c.system() as uow:
        tenant = uow.system.tenant(tenant_id)
    with c.engine.connect() as conn:
        scope_connection(conn, tenant_id)
        agents = {
            (src, ext): aid
            for src, ext, aid in conn.execute(
                select(
                    AGENT_IDENTITY.c.source, AGENT_IDENTITY.c.external_id, AGENT_IDENTITY.c.agent_id
                ).where(AGENT_IDENTITY.c.tenant_id == tenant_id)
            )
        }
        teams = {
            (src, ext): tid
            for src, ext, tid in conn.execute(
                select(
                    TEAM_IDENTITY.c.source, TEAM_IDENTITY.c.external_id, TEAM_IDENTITY.c.team_id
                ).where(TEAM_IDENTITY.c.tenant_id == tenant_id)
            )
        }
        bounds = _split_points(conn, tenant_id, workers)
    # The workers log in as the system login (COPY FROM is refused under RLS, and they run
    # outside the tenant's transaction anyway); they write rows of this tenant only.
    dsn = c.system_engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    ranges = list(zip([("", ""), *bounds], [*bounds, None], strict=True))
    return [fold_worker.Job(dsn, tenant, lower, upper, agents, teams) for lower, upper in ranges]


def _split_points(conn: object, tenant_id: str, workers: int) -> list[tuple[str, str]]:
    """Stream keys that cut the event log into `workers` ranges of similar size."""
    e = TICKET_EVENT.c
    total = conn.execute(  # type: ignore[attr-defined]
        select(text("count(*)")).select_from(TICKET_EVENT).where(e.tenant_id == tenant_id)
    ).scalar_one()
    points = []
    for k in range(1, workers):
        row = conn.execute(  # type: ignore[attr-defined]
            select(e.source, e.stream)
            .where(e.tenant_id == tenant_id)
            .order_by(e.source, e.stream)
            .offset(total * k // workers)
            .limit(1)
        ).first()
        if row is not None:
            points.append((row[0], row[1]))
    return sorted(set(points))


def _fold(jobs: list[fold_worker.Job], result: BulkResult, progress: Progress | None) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(jobs)) as pool:
        for done, outcome in enumerate(pool.imap_unordered(fold_worker.run, jobs), start=1):
            result.events += outcome.events
            result.tickets += outcome.tickets
            result.samples += outcome.samples
            result.deferred += outcome.deferred
            if progress:
                progress("fold", done, len(jobs))


def _analyze(c: Container, tables: tuple[str, ...]) -> None:
    """Fresh statistics. Before the fold, of the directory: every ticket row's foreign-key
    check looks its assignee up in `agent`, and a planner without statistics of a freshly
    filled table may do it by scanning the tenant's agents (seen: 80 µs a ticket); every
    team aggregate joins samples to `agent_team`, estimated at one row unanalysed. After
    it, of the derived rows: after millions of new rows the planner must not assume a few.
    After the scores, of the snapshots: a roll-up reading a whole period's snapshots joined
    to their scores was planned as a nested loop over the tenant's rows while statistics
    still counted none (2.6 s of a 10k-ticket roll-up with case mix, 0.9 s once analysed)."""
    with c.engine.connect() as conn:  # only the tables' owner may: its SECURITY DEFINER function
        conn.execute(text(f"SELECT {ANALYZE_FUNCTION}(:tables)"), {"tables": list(tables)})
        conn.commit()


def _ordinary(c: Container, tenant_id: TenantId, result: BulkResult) -> None:
    """The streams a worker could not map, the usual way (which creates the agents and
    teams they name)."""
    if not result.deferred:
        return
    activity = fold_worker.ACTIVITY
    with c.uow(tenant_id) as uow:
        for source in sorted({s for s, _ in result.deferred}):
            streams = [n for s, n in result.deferred if s == source]
            refresh_activity(
                uow,
                source=source,
                agents=[n.removeprefix(activity) for n in streams if n.startswith(activity)],
            )
            refresh_tickets(
                uow, source=source, ticket_ids=[n for n in streams if not n.startswith(activity)]
            )
        uow.commit()
