"""KPI model versions; the version effective at a period's start scores it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.metrics import Level
from domain.model import KpiModel, default_model
from domain.ports import TenantId
from infra.db.codec import model_definition, model_from_row
from infra.db.repositories.base import TenantRepository
from infra.db.tables import KPI_MODEL
from infra.db.types import new_id, utcnow

M = KPI_MODEL.c


class SqlModels(TenantRepository):
    def __init__(self, session: Session, tenant_id: TenantId) -> None:
        super().__init__(session, tenant_id)
        self._active: list[KpiModel] | None = None

    def effective(self, on: date, level: Level, team_id: str | None) -> KpiModel:
        """The team's own model if it has one, else the tenant's; by effective date."""
        for team in (team_id, None) if team_id else (None,):
            versions = [
                m for m in self._active_versions() if m.team_id == team and m.effective_from <= on
            ]
            if versions:
                return max(versions, key=lambda m: (m.effective_from, m.version))
        return default_model()

    def _active_versions(self) -> list[KpiModel]:
        if self._active is None:
            stmt = select(KPI_MODEL).where(M.tenant_id == self.tenant_id, M.active.is_(True))
            self._active = [_model(row) for row in self.session.execute(stmt)]
        return self._active

    def add(self, model: KpiModel, *, active: bool) -> KpiModel:
        model_id = model.id or new_id()
        self.session.execute(
            KPI_MODEL.insert().values(
                tenant_id=self.tenant_id,
                id=model_id,
                version=model.version,
                name=model.name,
                level=model.level.value,
                team_id=model.team_id,
                effective_from=model.effective_from,
                active=active,
                definition=model_definition(model),
                created_at=utcnow(),
            )
        )
        self._active = None
        row = self.session.execute(
            select(KPI_MODEL).where(
                M.tenant_id == self.tenant_id, M.id == model_id, M.version == model.version
            )
        ).one()
        return _model(row)


def _model(row: Any) -> KpiModel:
    return model_from_row(
        id=row.id,
        name=row.name,
        version=row.version,
        level=row.level,
        team_id=row.team_id,
        effective_from=row.effective_from,
        definition=row.definition,
    )
