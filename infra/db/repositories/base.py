"""Every tenant-owned repository derives from this: one session, one tenant."""

from __future__ import annotations

from sqlalchemy.orm import Session

from domain.ports import TenantId


class TenantRepository:
    def __init__(self, session: Session, tenant_id: TenantId) -> None:
        self.session = session
        self.tenant_id = tenant_id
