"""The typed per-request GraphQL context: principal, data access, DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from domain.audit import OK, settings_change
from domain.auth import Principal
from domain.derivation.reconciler import RebuildingError
from domain.goals.model import ProgressPoint, StoredGoal
from domain.metrics import Level
from domain.periods import Period
from domain.ports import UnitOfWork
from domain.quality.ports import StoredReview
from domain.quality.scorecards import Scorecard
from domain.snapshots import Snapshot
from domain.views import AgentView, TeamView, TenantReads, TicketSampleView
from infra.bootstrap import (
    GENERATE_REVIEW_ASSIGNMENTS,
    Container,
    SQLAlchemyError,
    is_statement_timeout,
    review_assignments_job_id,
)

if TYPE_CHECKING:
    from api.audit.extension import AuditDraft

T = TypeVar("T")
A = TypeVar("A")


class QueryTimeoutError(GraphQLError):
    """A statement of this request ran past API_STATEMENT_TIMEOUT and was cancelled."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the database took longer than {seconds:g} s (API_STATEMENT_TIMEOUT) and the"
            " query was cancelled; ask for less (a shorter period, a smaller page) or retry"
            " later",
            extensions={"code": "QUERY_TIMEOUT"},
        )


class TenantRebuildingError(GraphQLError):
    """A write given up behind a rebuild of the tenant's history (RebuildingError)."""

    def __init__(self, cause: RebuildingError) -> None:
        super().__init__(str(cause), extensions={"code": "REBUILDING"})


@dataclass
class Loaders:
    """Per-request DataLoaders (never shared: their cache is one request's view)."""

    agent: DataLoader[str, AgentView | None]
    team: DataLoader[str, TeamView | None]
    scorecard: DataLoader[tuple[str, int], Scorecard | None]  # by (id, version)
    session_reviews: DataLoader[str, list[StoredReview]]  # by calibration session id
    ticket_samples: DataLoader[tuple[str, str], list[TicketSampleView]]  # by (source, id)
    goal: DataLoader[str, StoredGoal | None]
    goal_children: DataLoader[str, list[StoredGoal]]  # by parent goal id
    goal_history: DataLoader[str, list[ProgressPoint]]  # by goal id
    agent_snapshot: DataLoader[tuple[str, Period], Snapshot | None]  # by (agent id, period)


@dataclass
class Context:
    principal: Principal
    container: Container
    actor: str = ""  # the Fairscore-Actor header: who, behind this client, acts
    # A WebSocket's `connection_init` payload (strawberry sets it; it holds the token).
    connection_params: dict[str, object] | None = None
    # Set by a subscription that ends its connection (too slow, token expired): the
    # WebSocket is then closed with this code and reason (api/graphql_ws.py).
    close_with: tuple[int, str] | None = None
    loaders: Loaders = field(init=False)
    # The running audited mutation (api/audit/extension.py): its writes record it.
    audit: AuditDraft | None = field(default=None, init=False)
    # Database work runs in worker threads, one call at a time per request.
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(
            agent=DataLoader(load_fn=self._load_agents),
            team=DataLoader(load_fn=self._load_teams),
            scorecard=DataLoader(load_fn=self._load_scorecards),
            session_reviews=DataLoader(load_fn=self._load_session_reviews),
            ticket_samples=DataLoader(load_fn=self._load_ticket_samples),
            goal=DataLoader(load_fn=self._load_goals),
            goal_children=DataLoader(load_fn=self._load_goal_children),
            goal_history=DataLoader(load_fn=self._load_goal_history),
            agent_snapshot=DataLoader(load_fn=self._load_agent_snapshots),
        )

    async def read(self, fn: Callable[[TenantReads], T]) -> T:
        """Run `fn` against this tenant's read model, off the event loop."""
        return await self._in_thread(self._read_sync, fn)

    def _read_sync(self, fn: Callable[[TenantReads], T]) -> T:
        with self.container.read_uow(self.principal.tenant_id, api=True) as uow:
            return fn(uow.reads)

    async def read_uow(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run a domain service that only reads, on the read connection."""
        return await self._in_thread(self._read_uow_sync, fn)

    def _read_uow_sync(self, fn: Callable[[UnitOfWork], T]) -> T:
        with self.container.read_uow(self.principal.tenant_id, api=True) as uow:
            return fn(uow)

    async def write(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run `fn` in this tenant's unit of work and commit it."""
        return await self._in_thread(self._write_sync, fn)

    async def _in_thread(self, work: Callable[[Callable[[A], T]], T], fn: Callable[[A], T]) -> T:
        """`work(fn)` in a worker thread, one at a time per request; a statement cancelled
        by API_STATEMENT_TIMEOUT becomes a QueryTimeoutError."""
        async with self._lock:
            try:
                return await run_in_threadpool(work, fn)
            except RebuildingError as exc:
                raise TenantRebuildingError(exc) from exc
            except SQLAlchemyError as exc:
                if is_statement_timeout(exc):
                    seconds = self.container.settings.api_statement_timeout
                    raise QueryTimeoutError(seconds) from exc
                raise

    def _write_sync(self, fn: Callable[[UnitOfWork], T]) -> T:
        with self.container.uow(self.principal.tenant_id, exclusive=True, api=True) as uow:
            draft = self.audit if self.audit and self.audit.event_id is None else None
            before = uow.settings.get() if draft else None
            result = fn(uow)
            event_id = None
            if draft is not None and before is not None:
                event_id = self._record(uow, draft, outcome=OK, before=before)
            uow.commit()
            # Only a committed row is the draft's: if COMMIT fails, finish_audit records anew.
            if draft is not None and event_id is not None:
                draft.event_id = event_id
            return result

    async def finish_audit(self, draft: AuditDraft, *, outcome: str) -> None:
        """Settle an audited mutation's record once it has answered: correct the outcome
        its committed write recorded, or record it now if nothing committed."""
        if draft.event_id is not None and outcome == OK:
            return
        async with self._lock:
            await run_in_threadpool(self._finish_audit_sync, draft, outcome)

    def _finish_audit_sync(self, draft: AuditDraft, outcome: str) -> None:
        with self.container.uow(self.principal.tenant_id, api=True) as uow:
            if draft.event_id is None:
                draft.event_id = self._record(uow, draft, outcome=outcome, before=None)
            else:
                uow.audit.set_outcome(draft.event_id, outcome)
            uow.commit()

    def _record(
        self, uow: UnitOfWork, draft: AuditDraft, *, outcome: str, before: dict[str, object] | None
    ) -> str:
        details: dict[str, object] = {"arguments": draft.arguments}
        change = None if before is None else settings_change(before, uow.settings.get())
        if change is not None:
            details["settings"] = change
        return uow.audit.record(
            client_id=self.principal.client_id,
            actor=self.actor,
            action=draft.action,
            outcome=outcome,
            details=details,
        )

    def queue_review_assignments(self, *, week_start: date) -> bool:
        """Queue the draw of an ISO week's review assignments, unless that week's job
        already waits or runs (False). Raises QueueUnavailableError when Redis is down."""
        tenant = self.principal.tenant_id
        return self.container.queue.enqueue(
            GENERATE_REVIEW_ASSIGNMENTS,
            tenant,
            week_start.isoformat(),
            job_id=review_assignments_job_id(tenant, week_start),
        )

    async def _load_agents(self, ids: list[str]) -> list[AgentView | None]:
        found = await self.read(lambda reads: reads.agents_by_id(ids))
        return [found.get(i) for i in ids]

    async def _load_teams(self, ids: list[str]) -> list[TeamView | None]:
        found = await self.read(lambda reads: reads.teams_by_id(ids))
        return [found.get(i) for i in ids]

    async def _load_scorecards(self, keys: list[tuple[str, int]]) -> list[Scorecard | None]:
        found = await self.read(lambda reads: reads.quality.scorecard_versions(keys))
        return [found.get(k) for k in keys]

    async def _load_session_reviews(self, ids: list[str]) -> list[list[StoredReview]]:
        found = await self.read(lambda reads: reads.quality.session_reviews(ids))
        return [found.get(i, []) for i in ids]

    async def _load_ticket_samples(
        self, keys: list[tuple[str, str]]
    ) -> list[list[TicketSampleView]]:
        found = await self.read(lambda reads: reads.tickets.samples(keys))
        return [found.get(k, []) for k in keys]

    async def _load_goals(self, ids: list[str]) -> list[StoredGoal | None]:
        found = await self.read_uow(lambda uow: uow.goals.many(ids))
        return [found.get(i) for i in ids]

    async def _load_goal_children(self, ids: list[str]) -> list[list[StoredGoal]]:
        found = await self.read_uow(lambda uow: uow.goals.children(ids))
        return [found.get(i, []) for i in ids]

    async def _load_goal_history(self, ids: list[str]) -> list[list[ProgressPoint]]:
        found = await self.read_uow(lambda uow: uow.goals.history(ids))
        return [list(found.get(i, [])) for i in ids]

    async def _load_agent_snapshots(self, keys: list[tuple[str, Period]]) -> list[Snapshot | None]:
        """One read per period asked, of the agents asked in it."""
        wanted: dict[Period, set[str]] = {}
        for agent_id, period in keys:
            wanted.setdefault(period, set()).add(agent_id)

        def load(reads: TenantReads) -> dict[tuple[str, Period], Snapshot]:
            return {
                (agent_id, period): snapshot
                for period, agents in wanted.items()
                for agent_id, snapshot in reads.snapshots(Level.AGENT, period, agents).items()
            }

        found = await self.read(load)
        return [found.get(k) for k in keys]


Info = StrawberryInfo[Context, None]
