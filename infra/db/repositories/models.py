"""KPI model versions and the scoring timeline.

Every change writes a new row (id, version). Rows flagged `active` form the scoring
timeline of their scope (the tenant, or one team): a period is scored with the timeline
row effective at its start (latest `effective_from` ≤ start; later changes win ties).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.metrics import Level
from domain.model import KpiModel, default_model
from domain.ports import ModelVersion, TenantId
from infra.db.codec import model_definition, model_from_row
from infra.db.repositories.base import TenantRepository
from infra.db.tables import KPI_MODEL
from infra.db.types import new_id, utcnow

M = KPI_MODEL.c


class SqlModels(TenantRepository):
    def __init__(self, session: Session, tenant_id: TenantId) -> None:
        super().__init__(session, tenant_id)
        self._timeline: list[ModelVersion] | None = None
        # per scope (team, None: the tenant): its timeline rows' effective dates, and the rows
        self._scopes: dict[str | None, tuple[list[date], list[ModelVersion]]] = {}

    def effective(self, on: date, level: Level, team_id: str | None) -> KpiModel:
        """The team's own model if it has one, else the tenant's; by effective date."""
        for scope in (team_id, None) if team_id else (None,):
            found = self.effective_in_scope(on, scope)
            if found is not None:
                return found.model
        return default_model()

    def effective_in_scope(self, on: date, team_id: str | None) -> ModelVersion | None:
        """The scope's last timeline row effective on `on` (a re-score asks per day, level
        and team, over a timeline that grows with every change: found by bisection)."""
        self.timeline()
        starts, versions = self._scopes.get(team_id, ((), ()))
        at = bisect_right(starts, on)
        return versions[at - 1] if at else None

    def timeline(self) -> list[ModelVersion]:
        if self._timeline is None:
            stmt = select(KPI_MODEL).where(M.tenant_id == self.tenant_id, M.active.is_(True))
            rows = [_version(row) for row in self.session.execute(stmt)]
            self._timeline = sorted(rows, key=lambda v: (v.model.effective_from, v.created_at))
            scopes: dict[str | None, tuple[list[date], list[ModelVersion]]] = {}
            for v in self._timeline:  # in timeline order: by effective date, later wins ties
                starts, versions = scopes.setdefault(v.model.team_id, ([], []))
                starts.append(v.model.effective_from)
                versions.append(v)
            self._scopes = scopes
        return self._timeline

    def versions(self, model_id: str | None = None) -> list[ModelVersion]:
        stmt = select(KPI_MODEL).where(M.tenant_id == self.tenant_id)
        if model_id is not None:
            stmt = stmt.where(M.id == model_id)
        rows = self.session.execute(stmt.order_by(M.created_at, M.version))
        return [_version(row) for row in rows]

    def next_version(self, model_id: str) -> int:
        stmt = select(func.max(M.version)).where(M.tenant_id == self.tenant_id, M.id == model_id)
        return int(self.session.execute(stmt).scalar_one() or 0) + 1

    def add(self, model: KpiModel, *, active: bool) -> ModelVersion:
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
        self._timeline = None
        row = self.session.execute(
            select(KPI_MODEL).where(
                M.tenant_id == self.tenant_id, M.id == model_id, M.version == model.version
            )
        ).one()
        return _version(row)


def _version(row: Any) -> ModelVersion:
    model = model_from_row(
        id=row.id,
        name=row.name,
        version=row.version,
        level=row.level,
        team_id=row.team_id,
        effective_from=row.effective_from,
        definition=row.definition,
    )
    return ModelVersion(model=model, active=row.active, created_at=row.created_at)
