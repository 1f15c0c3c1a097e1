"""The unit of work: one session, one transaction, repositories bound to one tenant."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from domain.ports import TenantId, TenantProfile
from infra.db.repositories.api_clients import SqlApiClients
from infra.db.repositories.audit import SqlAuditLog
from infra.db.repositories.deliveries import SqlDeliveries
from infra.db.repositories.directory import SqlDirectory
from infra.db.repositories.dirty import SqlDirty
from infra.db.repositories.events import SqlEventLog
from infra.db.repositories.figures import SqlFigures
from infra.db.repositories.identities import SqlIdentities
from infra.db.repositories.integrations import SqlIntegrations
from infra.db.repositories.models import SqlModels
from infra.db.repositories.quality import SqlCalibrations, SqlReviews, SqlScorecards
from infra.db.repositories.quality_assignments import SqlReviewAssignments
from infra.db.repositories.quality_people import SqlSupportValues, SqlSurveys
from infra.db.repositories.reads import SqlReads
from infra.db.repositories.samples import SqlSamples
from infra.db.repositories.settings import SqlTenantSettings
from infra.db.repositories.snapshots import SqlSnapshots
from infra.db.repositories.system import SystemRepository
from infra.db.repositories.tickets import SqlTickets
from infra.db.sql import is_postgres
from infra.secret_box import SecretBoxSource


def tenant_lock_key(tenant_id: str) -> str:
    """The advisory-lock key that serialises writers of one tenant (jobs, rebuilds)."""
    return f"fairscore:tenant:{tenant_id}"


class SqlUnitOfWork:
    """`with uow:` opens the transaction; nothing is written unless `commit()` runs."""

    tenant: TenantProfile

    def __init__(
        self,
        sessions: sessionmaker[Session],
        tenant_id: TenantId,
        *,
        exclusive: bool = False,
        box: SecretBoxSource | None = None,
    ) -> None:
        self._sessions = sessions
        self.tenant_id = tenant_id
        self.exclusive = exclusive
        self._box = box

    def __enter__(self) -> SqlUnitOfWork:
        self.session = session = self._sessions()
        if self.exclusive and is_postgres(session):
            # One writer per tenant at a time: concurrent jobs on the same tenant queue
            # here instead of racing on the same tickets and snapshots.
            session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": tenant_lock_key(self.tenant_id)},
            )
        self.tenant = SystemRepository(session).tenant(self.tenant_id)
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
        self.dirty = SqlDirty(session, tid)
        self.scorecards = SqlScorecards(session, tid)
        self.reviews = SqlReviews(session, tid)
        self.review_assignments = SqlReviewAssignments(session, tid)
        self.calibrations = SqlCalibrations(session, tid)
        self.support_values = SqlSupportValues(session, tid)
        self.surveys = SqlSurveys(session, tid)
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

    def rollback(self) -> None:
        self.session.rollback()


class SystemUnitOfWork:
    """The cross-tenant lookups (see `SystemRepository`), in their own transaction."""

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
