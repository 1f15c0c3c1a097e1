"""Figures an admin enters per period (active users of the product, for contact_ratio)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select, tuple_

from domain.periods import Grain, Period
from infra.db.repositories.base import TenantRepository
from infra.db.sql import as_date, insert_for
from infra.db.tables import ACTIVE_USERS

U = ACTIVE_USERS.c
_KEY = ("tenant_id", "grain", "period_start")


class SqlFigures(TenantRepository):
    def active_users(self, period: Period) -> int | None:
        stmt = select(U.count).where(
            U.tenant_id == self.tenant_id,
            U.grain == period.grain.value,
            U.period_start == period.start,
        )
        found: int | None = self.session.execute(stmt).scalar_one_or_none()
        return found

    def active_users_of(self, periods: Collection[Period] | None) -> dict[Period, int]:
        """The figures of `periods` (None: of every period, for a whole-history rebuild)."""
        stmt = select(U.grain, U.period_start, U.count).where(U.tenant_id == self.tenant_id)
        if periods is not None:
            if not periods:
                return {}
            keys = [(p.grain.value, p.start) for p in periods]
            stmt = stmt.where(tuple_(U.grain, U.period_start).in_(keys))
        return {
            Period(Grain(grain), as_date(start)): count
            for grain, start, count in self.session.execute(stmt)
        }

    def set_active_users(self, period: Period, count: int) -> None:
        stmt = insert_for(self.session, ACTIVE_USERS).values(
            tenant_id=self.tenant_id,
            grain=period.grain.value,
            period_start=period.start,
            count=count,
        )
        self.session.execute(
            stmt.on_conflict_do_update(index_elements=_KEY, set_={"count": stmt.excluded.count})
        )
