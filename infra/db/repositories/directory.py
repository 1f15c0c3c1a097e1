"""Agents and teams, found by their id in a source system or created on the fly, and
each agent's team over time (domain.memberships)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date

from sqlalchemy import Table, delete, select, update

from domain.events import AgentUpserted
from domain.memberships import (
    Statement,
    TeamHistory,
    TeamMove,
    current_team,
    in_force,
    moves,
    per_day,
    spans,
)
from domain.periods import local_day
from domain.views import AgentView, ExternalId, TeamView
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks
from infra.db.tables import (
    AGENT,
    AGENT_IDENTITY,
    AGENT_TEAM,
    TEAM,
    TEAM_IDENTITY,
    AgentRow,
    TeamRow,
)
from infra.db.types import new_id, utcnow

A = AGENT.c
AI = AGENT_IDENTITY.c
M = AGENT_TEAM.c
TI = TEAM_IDENTITY.c


class SqlDirectory(TenantRepository):
    def agent_ids(
        self, source: str, external_ids: Collection[str], *, create: bool = True
    ) -> dict[str, str]:
        found = self._identities(AGENT_IDENTITY, source, external_ids)
        if create:
            for external_id in sorted(set(external_ids) - found.keys()):
                found[external_id] = self._new_agent(source, external_id, name=external_id)
        return found

    def team_ids(self, source: str, external_ids: Collection[str]) -> dict[str, str]:
        found = self._identities(TEAM_IDENTITY, source, external_ids)
        for external_id in sorted(set(external_ids) - found.keys()):
            team_id = new_id()
            self.session.execute(
                TEAM.insert().values(
                    tenant_id=self.tenant_id, id=team_id, name=external_id, created_at=utcnow()
                )
            )
            self.session.execute(
                TEAM_IDENTITY.insert().values(
                    tenant_id=self.tenant_id,
                    source=source,
                    external_id=external_id,
                    team_id=team_id,
                )
            )
            found[external_id] = team_id
        return found

    def _identities(
        self, table: Table, source: str, external_ids: Collection[str]
    ) -> dict[str, str]:
        owner = table.c.agent_id if table is AGENT_IDENTITY else table.c.team_id
        found: dict[str, str] = {}
        for part in chunks(sorted(external_ids)):
            stmt = select(table.c.external_id, owner).where(
                table.c.tenant_id == self.tenant_id,
                table.c.source == source,
                table.c.external_id.in_(part),
            )
            found.update({ext: internal for ext, internal in self.session.execute(stmt)})
        return found

    def _new_agent(self, source: str, external_id: str, *, name: str) -> str:
        agent_id = new_id()
        self.session.execute(
            AGENT.insert().values(
                tenant_id=self.tenant_id, id=agent_id, name=name, active=True, created_at=utcnow()
            )
        )
        self._link(source, external_id, agent_id)
        return agent_id

    def _link(self, source: str, external_id: str, agent_id: str) -> None:
        self.session.execute(
            AGENT_IDENTITY.insert().values(
                tenant_id=self.tenant_id, source=source, external_id=external_id, agent_id=agent_id
            )
        )

    def upsert_agents(
        self, source: str, events: Sequence[AgentUpserted], *, timezone: str
    ) -> list[TeamMove]:
        latest: dict[str, AgentUpserted] = {}
        for e in sorted(events, key=lambda e: (e.occurred_at, e.id)):
            latest[e.agent_id] = e
        ids = self._identities(AGENT_IDENTITY, source, latest.keys())
        teams = self.team_ids(source, {e.team_id for e in events if e.team_id})
        for external_id, profile in latest.items():
            agent_id = ids.get(external_id) or self._match_or_create(source, profile)
            ids[external_id] = agent_id
            self._apply_profile(agent_id, profile)
        stated: dict[str, list[Statement]] = defaultdict(list)
        for e in events:  # every upsert states the agent's team from its day on
            team = teams.get(e.team_id) if e.team_id else None
            day = local_day(e.occurred_at, timezone)
            stated[ids[e.agent_id]].append(Statement(day, team, e.occurred_at, e.id))
        return self.state_teams(stated)

    def _match_or_create(self, source: str, profile: AgentUpserted) -> str:
        # The same person may come from several helpdesks: match by e-mail first.
        if profile.email:
            stmt = (
                select(A.id)
                .where(A.tenant_id == self.tenant_id, A.email == profile.email.lower())
                .order_by(A.active.desc(), A.created_at, A.id)  # not an agent merged away
            )
            existing: str | None = self.session.execute(stmt).scalars().first()
            if existing:
                self._link(source, profile.agent_id, existing)
                return existing
        return self._new_agent(source, profile.agent_id, name=profile.name)

    def _apply_profile(self, agent_id: str, profile: AgentUpserted) -> None:
        """Name and e-mail of the newest profile (its team is a statement of its own)."""
        agent = self.session.get(AgentRow, (self.tenant_id, agent_id))
        if agent is None:
            return
        stored = (agent.profile_at, agent.profile_event or "")
        if agent.profile_at is not None and stored > (profile.occurred_at, profile.id):
            return
        agent.name = profile.name
        agent.email = profile.email.lower() if profile.email else None
        agent.profile_at = profile.occurred_at
        agent.profile_event = profile.id
        self.session.flush()

    def state_teams(self, stated: Mapping[str, Iterable[Statement]]) -> list[TeamMove]:
        """Add team statements; rewrite each agent's rows with the days they are in force,
        keep `agent.team_id` the team from the last statement on; return what moved."""
        known = self._statements(stated.keys())
        out: list[TeamMove] = []
        for agent_id, new in sorted(stated.items()):
            before = known.get(agent_id, [])
            after = list(per_day([*before, *new]).values())
            if set(after) == set(before):
                continue  # a statement already known, or one made before the day's own
            self._write_statements(agent_id, after)
            out += moves(agent_id, spans(before), spans(after))
        return out

    def _statements(self, agent_ids: Collection[str]) -> dict[str, list[Statement]]:
        out: dict[str, list[Statement]] = defaultdict(list)
        for part in chunks(sorted(agent_ids)):
            stmt = select(M.agent_id, M.from_day, M.team_id, M.stated_at, M.ref).where(
                M.tenant_id == self.tenant_id, M.agent_id.in_(part)
            )
            for agent_id, day, team, at, ref in self.session.execute(stmt):
                out[agent_id].append(Statement(day, team, at, ref))
        return out

    def _write_statements(self, agent_id: str, statements: Sequence[Statement]) -> None:
        self.session.execute(
            delete(AGENT_TEAM).where(M.tenant_id == self.tenant_id, M.agent_id == agent_id)
        )
        ranges = {s.day: (span.start or date.min, span.end) for s, span in in_force(statements)}
        rows = [
            {
                "tenant_id": self.tenant_id,
                "agent_id": agent_id,
                "from_day": s.day,
                "team_id": s.team_id,
                "stated_at": s.at,
                "ref": s.ref,
                "valid_from": ranges.get(s.day, (s.day, s.day))[0],
                "valid_to": ranges.get(s.day, (s.day, s.day))[1],
            }
            for s in statements
        ]
        self.session.execute(AGENT_TEAM.insert(), rows)
        self.session.execute(
            update(AGENT)
            .where(A.tenant_id == self.tenant_id, A.id == agent_id)
            .values(team_id=current_team(statements))
        )

    def team_exists(self, team_id: str) -> bool:
        stmt = select(TEAM.c.id).where(TEAM.c.tenant_id == self.tenant_id, TEAM.c.id == team_id)
        return self.session.execute(stmt).first() is not None

    def team(self, team_id: str) -> TeamView | None:
        row = self.session.get(TeamRow, (self.tenant_id, team_id))
        if row is None:
            return None
        stmt = (
            select(TI.source, TI.external_id)
            .where(TI.tenant_id == self.tenant_id, TI.team_id == team_id)
            .order_by(TI.source, TI.external_id)
        )
        ids = tuple(ExternalId(source, ext) for source, ext in self.session.execute(stmt))
        return TeamView(row.id, row.name, ids)

    def team_by_identity(self, source: str, external_id: str) -> str | None:
        return self._identities(TEAM_IDENTITY, source, [external_id]).get(external_id)

    def create_team(self, *, name: str, identity: ExternalId | None) -> str:
        team_id = new_id()
        self.session.execute(
            TEAM.insert().values(
                tenant_id=self.tenant_id, id=team_id, name=name, created_at=utcnow()
            )
        )
        if identity is not None:
            self.session.execute(
                TEAM_IDENTITY.insert().values(
                    tenant_id=self.tenant_id,
                    source=identity.source,
                    external_id=identity.id,
                    team_id=team_id,
                )
            )
        return team_id

    def rename_team(self, team_id: str, name: str) -> TeamView | None:
        row = self.session.get(TeamRow, (self.tenant_id, team_id))
        if row is None:
            return None
        row.name = name
        self.session.flush()
        return self.team(team_id)

    def teams_of_agents(
        self, agent_ids: Collection[str], *, on: date | None = None
    ) -> dict[str, str | None]:
        if on is not None:
            history = self.team_history(agent_ids)
            return {agent_id: history.team_on(agent_id, on) for agent_id in agent_ids}
        out: dict[str, str | None] = {}
        for part in chunks(sorted(agent_ids)):
            stmt = select(A.id, A.team_id).where(A.tenant_id == self.tenant_id, A.id.in_(part))
            out.update({agent_id: team for agent_id, team in self.session.execute(stmt)})
        return out

    def team_history(self, agent_ids: Collection[str]) -> TeamHistory:
        return TeamHistory.of(self._statements(agent_ids))

    def agent(self, agent_id: str) -> AgentView | None:
        row = self.session.get(AgentRow, (self.tenant_id, agent_id))
        if row is None:
            return None
        stmt = (
            select(AI.source, AI.external_id)
            .where(AI.tenant_id == self.tenant_id, AI.agent_id == agent_id)
            .order_by(AI.source, AI.external_id)
        )
        ids = tuple(ExternalId(source, ext) for source, ext in self.session.execute(stmt))
        return AgentView(row.id, row.name, row.email, row.team_id, row.active, ids)
