"""A tenant's settings document (business hours, SLA targets, …) and its name and timezone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from infra.db.repositories.base import TenantRepository
from infra.db.tables import TENANT

T = TENANT.c


class SqlTenantSettings(TenantRepository):
    def get(self) -> dict[str, Any]:
        stmt = select(T.settings).where(T.id == self.tenant_id)
        return dict(self.session.execute(stmt).scalar_one() or {})

    def put(self, key: str, value: object) -> None:
        """Set one top-level key (None removes it); the rest of the document is kept."""
        settings = self.get()
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
        self.session.execute(update(TENANT).where(T.id == self.tenant_id).values(settings=settings))

    def update_profile(self, *, name: str, timezone: str) -> None:
        values = {"name": name, "timezone": timezone}
        self.session.execute(update(TENANT).where(T.id == self.tenant_id).values(**values))
