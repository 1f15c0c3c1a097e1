"""Every tenant-owned repository derives from this: one session, one tenant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete
from sqlalchemy.orm import Session

from domain.ports import TenantId


class TenantRepository:
    def __init__(self, session: Session, tenant_id: TenantId) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def delete_rows(self, table: Table, **equal: Any) -> int:
        """Delete this tenant's rows of `table` whose columns equal `equal` (or are in it,
        for a list); how many."""
        where = [
            table.c[name].in_(value) if isinstance(value, list) else table.c[name] == value
            for name, value in equal.items()
        ]
        stmt = delete(table).where(table.c.tenant_id == self.tenant_id, *where)
        result = self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
