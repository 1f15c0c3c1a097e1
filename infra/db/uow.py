"""The unit of work: one session, one transaction, repositories bound to one tenant."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from domain.derivation.reconciler import RebuildingError
from domain.ports import TenantId, TenantProfile
from domain.snapshots import WrittenScores
from infra.db.claims import is_rebuilding, tenant_lock_key
from infra.db.repositories.api_clients import SqlApiClients
from infra.db.repositories.audit import SqlAuditLog
from infra.db.repositories.careers import SqlCareers
from infra.db.repositories.deliveries import SqlDeliveries
from infra.db.repositories.directory import SqlDirectory
from infra.db.repositories.events import SqlEventLog
from infra.db.repositories.figures import SqlFigures
from infra.db.repositories.goals import SqlGoals
from infra.db.repositories.identities import SqlIdentities
from infra.db.repositories.integrations import SqlIntegrations
from infra.db.repositories.models import SqlModels
from infra.db.repositories.one_on_ones import SqlOneOnOnes
from infra.db.repositories.outbox import SqlOutbox
from infra.db.repositories.people_data import people_data_stores
from infra.db.repositories.performance_reviews import SqlPerformanceReviews
from infra.db.repositories.quality import SqlCalibrations, SqlReviews, SqlScorecards
from infra.db.repositories.quality_assignments import SqlReviewAssignments
from infra.db.repositories.quality_people import SqlSupportValues, SqlSurveys
from infra.db.repositories.reads import SqlReads
from infra.db.repositories.samples import SqlSamples
from infra.db.repositories.settings import SqlTenantSettings
from infra.db.repositories.snapshots import SqlSnapshots
from infra.db.repositories.system import SystemRepository, tenant_profile
from infra.db.repositories.tickets import SqlTickets
from infra.db.roles import scope_to_tenant
from infra.db.sql import is_postgres
from infra.db.statement_timeout import is_statement_timeout
from infra.secret_box import SecretBoxSource

# Called with the tenant after a commit that recorded derivation work (outbox rows or
# pending deliveries): the composition root asks for the tenant's reconcile job there.
AfterCommit = Callable[[TenantId], None]
# Called with the ids of integrations a commit changed (secret, options, state): the
# composition root evicts them from the intake's cache.
IntegrationsChanged = Callable[[set[str]], None]
# Called with the tenant and the scores a commit wrote, after it: the one place new scores
# are announced to live subscribers (best effort: it must not raise).
ScoresCommitted = Callable[[TenantId, WrittenScores], None]


class SqlUnitOfWork:
    """`with uow:` opens the transaction; nothing is written unless `commit()` runs.

    A commit that recorded derivation work is followed by one request to reconcile the
    tenant (`after_commit`); the request may fail (Redis down) without losing anything:
    the work is committed and the sweeper finds it. A commit that wrote scores announces
    them afterwards (`scores_committed`), never before: a subscriber told of a score can
    read it.

    A `derived` unit of work (the reconciler's) writes only what can be derived again from
    committed input — events from stored deliveries, facts, samples, snapshots, the outbox
    it drains — so it commits asynchronously (`synchronous_commit` off for its
    transactions, set in the statement that scopes them to the tenant): it does not wait
    for the WAL flush. A PostgreSQL crash may lose its last fraction of a second of
    commits, never half of one: the deliveries go back to pending and the outbox keeps its
    rows, and the sweeper asks for them again. Its tenant is read in the statement that
    scopes each transaction (on PostgreSQL; elsewhere on first use)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        tenant_id: TenantId,
        *,
        exclusive: bool = False,
        box: SecretBoxSource | None = None,
        after_commit: AfterCommit | None = None,
        integrations_changed: IntegrationsChanged | None = None,
        scores_committed: ScoresCommitted | None = None,
        derived: bool = False,
    ) -> None:
        self._sessions = sessions
        self.derived = derived
        self._tenant: TenantProfile | None = None
        self.tenant_id = tenant_id
        self.exclusive = exclusive
        self._box = box
        self._after_commit = after_commit
        self._integrations_changed = integrations_changed
        self._scores_committed = scores_committed

    def __enter__(self) -> SqlUnitOfWork:
        self.session = session = self._sessions()
        self._tenant = None
        # A derived unit of work's tenant comes with the scope of each of its transactions
        # (PostgreSQL); otherwise, or when it is gone, it is read on first use.
        read = self._scoped if self.derived else None
        scope_to_tenant(session, self.tenant_id, asynchronous=self.derived, read=read)
        if self.exclusive and is_postgres(session):
            self._queue_behind_reconcile(session)
        if not self.derived:
            self._tenant = SystemRepository(session).tenant(self.tenant_id)
        tid = self.tenant_id
        self.events = SqlEventLog(session, tid)
        self.directory = SqlDirectory(session, tid)
        self.tickets = SqlTickets(session, tid)
        self.samples = SqlSamples(session, tid)
        self.snapshots = SqlSnapshots(session, tid)
        self.models = SqlModels(session, tid)
        self.deliveries = SqlDeliveries(session, tid)
        self.integrations = SqlIntegrations(session, tid, self._box)
        self.identities = SqlIdentities(session, tid)
        self.api_clients = SqlApiClients(session, tid)
        self.audit = SqlAuditLog(session, tid)
        self.reads = SqlReads(session, tid)
        self.figures = SqlFigures(session, tid)
        self.settings = SqlTenantSettings(session, tid)
        self.outbox = SqlOutbox(session, tid)
        self.scorecards = SqlScorecards(session, tid)
        self.reviews = SqlReviews(session, tid)
        self.review_assignments = SqlReviewAssignments(session, tid)
        self.calibrations = SqlCalibrations(session, tid)
        self.support_values = SqlSupportValues(session, tid)
        self.surveys = SqlSurveys(session, tid)
        self.careers = SqlCareers(session, tid)
        self.one_on_ones = SqlOneOnOnes(session, tid)
        self.goals = SqlGoals(session, tid)
        self.people_data = people_data_stores(session, tid)
        self.performance_reviews = SqlPerformanceReviews(session, tid)
        return self

    def _queue_behind_reconcile(self, session: Session) -> None:
        """One writer per tenant at a time: concurrent jobs on the same tenant queue here
        instead of racing on the same tickets and snapshots. An API request's wait ends
        with its statement timeout (only the API's transactions have one); when a rebuild
        was what it waited for (minutes on a large tenant), RebuildingError says so,
        rather than a timeout's "ask for less"."""
        lock = text("SELECT pg_advisory_xact_lock(hashtext(:key))")
        try:
            session.execute(lock, {"key": tenant_lock_key(self.tenant_id)})
        except DBAPIError as exc:
            rebuilding = False
            if is_statement_timeout(exc):
                session.rollback()
                rebuilding = is_rebuilding(session, self.tenant_id)
            session.close()  # no __exit__ for a raising __enter__
            if rebuilding:
                raise RebuildingError from exc
            raise

    def _scoped(self, row: Row[Any] | None) -> None:
        self._tenant = None if row is None else tenant_profile(row)

    @property
    def tenant(self) -> TenantProfile:
        if self._tenant is None:
            self._tenant = SystemRepository(self.session).tenant(self.tenant_id)
        return self._tenant

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()
        if self.exclusive and self._after_commit is not None:
            # A reconcile job that found the tenant held by this transaction returned
            # at once: ask again now that it is free (coalesced, so cheap).
            self._after_commit(self.tenant_id)

    def commit(self) -> None:
        derivation = self.outbox.recorded or self.deliveries.queued
        scores = self.snapshots.take_written()
        self.session.commit()
        if self.integrations.changed and self._integrations_changed is not None:
            self._integrations_changed(self.integrations.changed)
        if derivation and self._after_commit is not None:
            self._after_commit(self.tenant_id)
        if scores and self._scores_committed is not None:
            self._scores_committed(self.tenant_id, scores)
        self._reset_recorded()

    def rollback(self) -> None:
        self.session.rollback()
        self.snapshots.take_written()
        self._reset_recorded()

    def _reset_recorded(self) -> None:
        # The flags cover one transaction; the session may go on with the next.
        self.outbox = SqlOutbox(self.session, self.tenant_id)
        self.deliveries = SqlDeliveries(self.session, self.tenant_id)
        self.integrations.changed = set()


class SystemUnitOfWork:
    """The cross-tenant lookups (see `SystemRepository`), in their own transaction, on
    the system login's sessions (SYSTEM_DATABASE_URL: not bound by row-level security)."""

    def __init__(self, sessions: sessionmaker[Session], box: SecretBoxSource | None = None) -> None:
        self._sessions = sessions
        self._box = box

    def __enter__(self) -> SystemUnitOfWork:
        self.session = self._sessions()
        self.system = SystemRepository(self.session, self._box)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()
