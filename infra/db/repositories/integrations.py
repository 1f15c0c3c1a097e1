"""A tenant's webhook integrations, as its admins list, create and change them.

The cross-tenant lookup by id that authenticates a webhook stays in `SystemRepository`;
everything here is bound to one tenant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.identities import AgentMergeView
from domain.integrations import DeliveryView, IntegrationView
from domain.ports import TenantId
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.deliveries import SqlDeliveries
from infra.db.repositories.identities import SqlIdentities
from infra.db.tables import INTEGRATION
from infra.db.types import new_id, utcnow
from infra.secret_box import SECRET_OPTION_LISTS, SecretBox, SecretBoxSource

C = INTEGRATION.c
_VIEW = (C.id, C.source, C.active, C.options, C.created_at)


class SqlIntegrations(TenantRepository):
    """Secrets are written encrypted by `box` (see infra/secret_box.py); without a box
    (read-only listings) the secret options are left out of the views."""

    def __init__(
        self, session: Session, tenant_id: TenantId, box: SecretBoxSource | None = None
    ) -> None:
        super().__init__(session, tenant_id)
        self.box = box
        # Ids whose secret, options or state this transaction changed: the unit of work
        # evicts them from the intake's cache after its commit.
        self.changed: set[str] = set()

    def listing(self) -> Sequence[IntegrationView]:
        stmt = select(*_VIEW).where(C.tenant_id == self.tenant_id).order_by(C.created_at, C.id)
        return [self._view(row) for row in self.session.execute(stmt)]

    def get(self, integration_id: str) -> IntegrationView | None:
        stmt = select(*_VIEW).where(C.tenant_id == self.tenant_id, C.id == integration_id)
        row = self.session.execute(stmt).first()
        return self._view(row) if row else None

    def add(self, *, source: str, secret: str, options: Mapping[str, Any]) -> IntegrationView:
        integration_id = new_id()
        self.session.execute(
            INTEGRATION.insert().values(
                tenant_id=self.tenant_id,
                id=integration_id,
                source=source,
                secret=self._box().seal(secret),
                options=self._box().seal_options(options),
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
            values["secret"] = self._box().seal(secret)
        if options is not None:
            values["options"] = self._box().seal_options(options)
        if active is not None:
            values["active"] = active
        if values:
            self.changed.add(integration_id)
            self.session.execute(
                update(INTEGRATION)
                .where(C.tenant_id == self.tenant_id, C.id == integration_id)
                .values(**values)
            )
        return self.get(integration_id)

    def _box(self) -> SecretBox:
        if self.box is None:
            raise RuntimeError("writing an integration needs the secret box")
        return self.box()

    def _view(self, row: Any) -> IntegrationView:
        options = dict(row.options or {})
        if self.box is None:
            options = {k: v for k, v in options.items() if k not in SECRET_OPTION_LISTS}
        else:
            options = self.box().open_options(options)
        return IntegrationView(
            id=row.id,
            source=row.source,
            active=row.active,
            options=options,
            created_at=row.created_at,
        )


class SqlIntegrationReads(TenantRepository):
    def listing(self) -> Sequence[IntegrationView]:
        return SqlIntegrations(self.session, self.tenant_id).listing()

    def deliveries(
        self, status: str | None, limit: int, *, after: tuple[datetime, str] | None = None
    ) -> Sequence[DeliveryView]:
        return SqlDeliveries(self.session, self.tenant_id).listing(status, limit, after=after)

    def delivery_count(self, status: str | None) -> int:
        return SqlDeliveries(self.session, self.tenant_id).count(status)

    def agent_merges(
        self, limit: int, *, after: tuple[datetime, str] | None = None
    ) -> Sequence[AgentMergeView]:
        return SqlIdentities(self.session, self.tenant_id).history(limit, after=after)

    def agent_merge_count(self) -> int:
        return SqlIdentities(self.session, self.tenant_id).history_count()
