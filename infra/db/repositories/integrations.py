"""A tenant's webhook integrations, as its admins list, create and change them.

The cross-tenant lookup by id that authenticates a webhook stays in `SystemRepository`;
everything here is bound to one tenant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update

from domain.identities import AgentMergeView
from domain.integrations import DeliveryView, IntegrationView
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.deliveries import SqlDeliveries
from infra.db.repositories.identities import SqlIdentities
from infra.db.tables import INTEGRATION
from infra.db.types import new_id, utcnow

C = INTEGRATION.c
_VIEW = (C.id, C.source, C.active, C.options, C.created_at)


class SqlIntegrations(TenantRepository):
    def listing(self) -> Sequence[IntegrationView]:
        stmt = select(*_VIEW).where(C.tenant_id == self.tenant_id).order_by(C.created_at, C.id)
        return [_view(row) for row in self.session.execute(stmt)]

    def get(self, integration_id: str) -> IntegrationView | None:
        stmt = select(*_VIEW).where(C.tenant_id == self.tenant_id, C.id == integration_id)
        row = self.session.execute(stmt).first()
        return _view(row) if row else None

    def add(self, *, source: str, secret: str, options: Mapping[str, Any]) -> IntegrationView:
        integration_id = new_id()
        self.session.execute(
            INTEGRATION.insert().values(
                tenant_id=self.tenant_id,
                id=integration_id,
                source=source,
                secret=secret,
                options=dict(options),
                active=True,
                created_at=utcnow(),
            )
        )
        found = self.get(integration_id)
        assert found is not None  # noqa: S101 - inserted just above, in this transaction
        return found

    def update(
        self,
        integration_id: str,
        *,
        secret: str | None = None,
        options: Mapping[str, Any] | None = None,
        active: bool | None = None,
    ) -> IntegrationView | None:
        values: dict[str, Any] = {}
        if secret is not None:
            values["secret"] = secret
        if options is not None:
            values["options"] = dict(options)
        if active is not None:
            values["active"] = active
        if values:
            self.session.execute(
                update(INTEGRATION)
                .where(C.tenant_id == self.tenant_id, C.id == integration_id)
                .values(**values)
            )
        return self.get(integration_id)


class SqlIntegrationReads(TenantRepository):
    def listing(self) -> Sequence[IntegrationView]:
        return SqlIntegrations(self.session, self.tenant_id).listing()

    def deliveries(self, status: str | None, limit: int) -> Sequence[DeliveryView]:
        return SqlDeliveries(self.session, self.tenant_id).listing(status, limit)

    def agent_merges(self, limit: int) -> Sequence[AgentMergeView]:
        return SqlIdentities(self.session, self.tenant_id).history(limit)


def _view(row: Any) -> IntegrationView:
    return IntegrationView(
        id=row.id,
        source=row.source,
        active=row.active,
        options=dict(row.options or {}),
        created_at=row.created_at,
    )
