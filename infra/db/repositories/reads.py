"""The read side of the API: agents, teams, tickets and snapshots of one tenant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import Select, Table, func, select

from domain.metrics import Level
from domain.periods import Grain, Period
from domain.snapshots import Snapshot
from domain.views import AgentView, ExternalId, TeamView, TicketView
from infra.db.keyset import Key, Keyset
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.integrations import SqlIntegrationReads
from infra.db.repositories.quality_reads import SqlQualityReads
from infra.db.repositories.settings import SqlTenantSettings
from infra.db.repositories.snapshots import SqlSnapshots
from infra.db.repositories.ticket_reads import SqlTicketReads
from infra.db.sql import chunks
from infra.db.tables import AGENT, AGENT_IDENTITY, TEAM, TEAM_IDENTITY, TICKET, TICKET_EVENT

A, T, K = AGENT.c, TEAM.c, TICKET.c
AGENT_ORDER = Keyset(Key(A.name), Key(A.id))  # by name, then id


class SqlReads(TenantRepository):
    def agents(
        self,
        *,
        team_id: str | None = None,
        active: bool | None = None,
        first: int | None = None,
        after: tuple[str, str] | None = None,
    ) -> Sequence[AgentView]:
        stmt = AGENT_ORDER.page(self._agents(team_id, active), limit=first, after=after)
        rows = list(self.session.execute(stmt))
        if first is not None:  # a page: its ids (a bounded list)
            return self._agent_views(rows)
        # every agent of the filter: their identities by the same filter, in one statement
        # whatever their number
        return self._agent_views(rows, self._agents(team_id, active).with_only_columns(A.id))

    def agent_count(self, *, team_id: str | None = None, active: bool | None = None) -> int:
        stmt = select(func.count()).select_from(self._agents(team_id, active).subquery())
        return int(self.session.execute(stmt).scalar_one())

    def _agents(self, team_id: str | None, active: bool | None) -> Select[Any]:
        stmt = select(AGENT).where(A.tenant_id == self.tenant_id)
        if team_id is not None:
            stmt = stmt.where(A.team_id == team_id)
        if active is not None:
            stmt = stmt.where(A.active.is_(active))
        return stmt

    def agents_by_id(self, ids: Collection[str]) -> dict[str, AgentView]:
        rows = self._by_ids(select(AGENT).where(A.tenant_id == self.tenant_id), A.id, ids)
        return {view.id: view for view in self._agent_views(rows)}

    def _agent_views(self, rows: list[Any], owners: Select[Any] | None = None) -> list[AgentView]:
        identities = self._external_ids(AGENT_IDENTITY, [r.id for r in rows], owners)
        return [
            AgentView(r.id, r.name, r.email, r.team_id, r.active, tuple(identities.get(r.id, ())))
            for r in rows
        ]

    def teams(self) -> Sequence[TeamView]:
        stmt = select(TEAM).where(T.tenant_id == self.tenant_id).order_by(T.name, T.id)
        owners = select(T.id).where(T.tenant_id == self.tenant_id)
        return self._team_views(list(self.session.execute(stmt)), owners)

    def teams_by_id(self, ids: Collection[str]) -> dict[str, TeamView]:
        rows = self._by_ids(select(TEAM).where(T.tenant_id == self.tenant_id), T.id, ids)
        return {view.id: view for view in self._team_views(rows)}

    def _team_views(self, rows: list[Any], owners: Select[Any] | None = None) -> list[TeamView]:
        identities = self._external_ids(TEAM_IDENTITY, [r.id for r in rows], owners)
        return [TeamView(r.id, r.name, tuple(identities.get(r.id, ()))) for r in rows]

    def _by_ids(self, stmt: Select[Any], column: Any, ids: Collection[str]) -> list[Any]:
        rows: list[Any] = []
        for part in chunks(sorted(ids)):
            rows += self.session.execute(stmt.where(column.in_(part)))
        return rows

    def _external_ids(
        self, table: Table, owners: list[str], selected: Select[Any] | None = None
    ) -> dict[str, list[ExternalId]]:
        """The owners' external ids: by `selected` (a query of their ids) in one
        statement when given, else by lists of ids."""
        owner = table.c.agent_id if table is AGENT_IDENTITY else table.c.team_id
        parts: Iterable[Any] = [selected] if selected is not None else chunks(sorted(set(owners)))
        out: dict[str, list[ExternalId]] = defaultdict(list)
        for part in parts:
            stmt = (
                select(owner, table.c.source, table.c.external_id)
                .where(table.c.tenant_id == self.tenant_id, owner.in_(part))
                .order_by(table.c.source, table.c.external_id)
            )
            for owner_id, source, external_id in self.session.execute(stmt):
                out[owner_id].append(ExternalId(source, external_id))
        return out

    def ticket(self, external_id: str, source: str | None) -> TicketView | None:
        stmt = select(TICKET).where(K.tenant_id == self.tenant_id, K.external_id == external_id)
        if source is not None:
            stmt = stmt.where(K.source == source)
        row = self.session.execute(stmt.order_by(K.source)).first()
        if row is None:
            return None
        e = TICKET_EVENT.c
        count = self.session.execute(
            select(func.count())
            .select_from(TICKET_EVENT)
            .where(
                e.tenant_id == self.tenant_id, e.source == row.source, e.stream == row.external_id
            )
        ).scalar_one()
        return TicketView(
            row.source,
            row.external_id,
            row.channel,
            row.requester_id,
            row.status,
            row.team_id,
            row.assignee_id,
            row.created_at,
            row.first_reply_at,
            row.first_solved_at,
            row.reopen_count,
            row.public_agent_reply_count,
            int(count),
        )

    @property
    def tickets(self) -> SqlTicketReads:
        return SqlTicketReads(self.session, self.tenant_id)

    def settings(self) -> dict[str, Any]:
        return SqlTenantSettings(self.session, self.tenant_id).get()

    @property
    def quality(self) -> SqlQualityReads:
        return SqlQualityReads(self.session, self.tenant_id)

    @property
    def integrations(self) -> SqlIntegrationReads:
        return SqlIntegrationReads(self.session, self.tenant_id)

    @cached_property
    def _snapshots(self) -> SqlSnapshots:
        # One per request: it caches the model versions that explain the scores it reads.
        return SqlSnapshots(self.session, self.tenant_id)

    def snapshots(
        self, level: Level, period: Period, subjects: Collection[str] | None = None
    ) -> dict[str, Snapshot]:
        return self._snapshots.for_period(level, period, subjects)

    def subject_snapshots(
        self, level: Level, subject_id: str, periods: Collection[Period]
    ) -> dict[Period, Snapshot]:
        return self._snapshots.of_subject(level, subject_id, periods)

    def subject_history(
        self, level: Level, subject_id: str, grain: Grain, *, first: date, last: date
    ) -> dict[Period, Snapshot]:
        return self._snapshots.history(level, subject_id, grain, first=first, last=last)
