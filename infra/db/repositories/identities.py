"""Agent identities moved by admins (merge/unmerge), and the record of every move."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update

from domain.identities import AgentMergeView, AgentRef, Identity
from domain.ports import Touch
from infra.db.keyset import Key, Keyset
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.person_records import SqlPersonRecords
from infra.db.sql import chunks
from infra.db.tables import AGENT, AGENT_IDENTITY, AGENT_MERGE, METRIC_SAMPLE, TICKET
from infra.db.types import new_id, utcnow

A, ID, M = AGENT.c, AGENT_IDENTITY.c, AGENT_MERGE.c
S, K = METRIC_SAMPLE.c, TICKET.c
ACTIVITY = "activity:"
HISTORY_ORDER = Keyset(Key(M.created_at, descending=True), Key(M.id, descending=True))


class SqlIdentities(TenantRepository):
    def agent(self, agent_id: str) -> AgentRef | None:
        stmt = select(A.id, A.name, A.email, A.active).where(
            A.tenant_id == self.tenant_id, A.id == agent_id
        )
        row = self.session.execute(stmt).first()
        return AgentRef(row.id, row.name, row.email, row.active) if row else None

    def identities_of(self, agent_id: str) -> list[Identity]:
        stmt = (
            select(ID.source, ID.external_id)
            .where(ID.tenant_id == self.tenant_id, ID.agent_id == agent_id)
            .order_by(ID.source, ID.external_id)
        )
        return [Identity(source, external) for source, external in self.session.execute(stmt)]

    def move(self, identities: Sequence[Identity], to_agent_id: str) -> None:
        for identity in identities:
            self.session.execute(
                update(AGENT_IDENTITY)
                .where(
                    ID.tenant_id == self.tenant_id,
                    ID.source == identity.source,
                    ID.external_id == identity.external_id,
                )
                .values(agent_id=to_agent_id)
            )

    def create_agent(self, *, name: str, email: str | None) -> str:
        agent_id = new_id()
        self.session.execute(
            AGENT.insert().values(
                tenant_id=self.tenant_id,
                id=agent_id,
                name=name,
                email=email.lower() if email else None,
                active=True,
                created_at=utcnow(),
            )
        )
        return agent_id

    def set_active(self, agent_id: str, active: bool) -> None:
        self.session.execute(
            update(AGENT)
            .where(A.tenant_id == self.tenant_id, A.id == agent_id)
            .values(active=active)
        )

    def fill_email(self, agent_id: str, email: str) -> None:
        self.session.execute(
            update(AGENT)
            .where(A.tenant_id == self.tenant_id, A.id == agent_id, A.email.is_(None))
            .values(email=email.lower())
        )

    def move_records(self, from_agent_id: str, to_agent_id: str) -> set[Touch]:
        return SqlPersonRecords(self.session, self.tenant_id).move(from_agent_id, to_agent_id)

    def change(self, change_id: str) -> AgentMergeView | None:
        stmt = select(AGENT_MERGE).where(M.tenant_id == self.tenant_id, M.id == change_id)
        row = self.session.execute(stmt).first()
        return _view(row._mapping) if row else None

    def ticket_origins(self, agent_id: str, source: str) -> list[str]:
        attributed = select(S.origin).where(
            S.tenant_id == self.tenant_id, S.source == source, S.agent_id == agent_id
        )
        # Only origins that are tickets of this source: other samples (activity, reviews)
        # are not re-derived by folding a ticket.
        stmt = select(K.external_id).where(
            K.tenant_id == self.tenant_id,
            K.source == source,
            or_(K.assignee_id == agent_id, K.external_id.in_(attributed)),
        )
        return sorted(self.session.execute(stmt).scalars())

    def activity_agents(self, agent_id: str, source: str) -> list[str]:
        stmt = (
            select(S.origin)
            .distinct()
            .where(
                S.tenant_id == self.tenant_id,
                S.source == source,
                S.agent_id == agent_id,
                S.origin.startswith(ACTIVITY),
            )
        )
        return sorted(o.removeprefix(ACTIVITY) for o in self.session.execute(stmt).scalars())

    def record(
        self,
        *,
        action: str,
        from_agent_id: str,
        to_agent_id: str,
        identities: Sequence[Identity],
        actor: str | None,
    ) -> AgentMergeView:
        values = {
            "tenant_id": self.tenant_id,
            "id": new_id(),
            "action": action,
            "from_agent_id": from_agent_id,
            "to_agent_id": to_agent_id,
            "identities": [{"source": i.source, "external_id": i.external_id} for i in identities],
            "actor": actor,
            "created_at": utcnow(),
        }
        self.session.execute(AGENT_MERGE.insert().values(**values))
        return _view(values)

    def merged_from(self, agent_id: str, identity: Identity) -> str | None:
        stmt = (
            select(M.from_agent_id, M.identities)
            .where(M.tenant_id == self.tenant_id, M.action == "merge", M.to_agent_id == agent_id)
            .order_by(M.created_at.desc(), M.id.desc())
        )
        wanted = {"source": identity.source, "external_id": identity.external_id}
        for from_agent, moved in self.session.execute(stmt):
            if wanted in moved:
                return str(from_agent)
        return None

    def placeholder_matches(
        self, source: str, emails: Mapping[str, str]
    ) -> list[tuple[Identity, str, str]]:
        found = []
        for external_id, placeholder in self._bare_agents(source, emails):
            stmt = (
                select(A.id)
                .where(
                    A.tenant_id == self.tenant_id,
                    A.email == emails[external_id].lower(),
                    A.active.is_(True),
                    A.id != placeholder,
                )
                .order_by(A.created_at, A.id)
            )
            match = self.session.execute(stmt).scalars().first()
            if match is not None:
                found.append((Identity(source, external_id), placeholder, match))
        return found

    def _bare_agents(self, source: str, external_ids: Collection[str]) -> list[tuple[str, str]]:
        """(external id, agent) of each identity whose agent has no e-mail and no other
        identity (and was not given this identity by an admin's unmerge), in id order.
        One query for all: profiles of agents with an e-mail, the usual case, end here."""
        rows: list[tuple[str, str]] = []
        for part in chunks(sorted(external_ids)):
            stmt = (
                select(ID.external_id, A.id)
                .join(AGENT_IDENTITY, and_(ID.tenant_id == A.tenant_id, ID.agent_id == A.id))
                .where(
                    A.tenant_id == self.tenant_id,
                    ID.source == source,
                    ID.external_id.in_(part),
                    A.email.is_(None),
                )
            )
            rows += [(str(e), str(agent)) for e, agent in self.session.execute(stmt)]
        return [
            (external_id, agent)
            for external_id, agent in sorted(rows)
            if len(self.identities_of(agent)) == 1 and not self._unmerged(agent)
        ]

    def _unmerged(self, agent_id: str) -> bool:
        """An admin detached an identity into this agent: never merge it back on our own."""
        stmt = select(M.id).where(
            M.tenant_id == self.tenant_id, M.action == "unmerge", M.to_agent_id == agent_id
        )
        return self.session.execute(stmt.limit(1)).first() is not None

    def history(
        self, limit: int, *, after: tuple[datetime, str] | None = None
    ) -> list[AgentMergeView]:
        """Merges and unmerges, newest first; `after` a (created_at, id) position."""
        stmt = HISTORY_ORDER.page(self._history(), limit=limit, after=after)
        return [_view(row._mapping) for row in self.session.execute(stmt)]

    def history_count(self) -> int:
        stmt = select(func.count()).select_from(self._history().subquery())
        return int(self.session.execute(stmt).scalar_one())

    def _history(self) -> Select[Any]:
        return select(AGENT_MERGE).where(M.tenant_id == self.tenant_id)


def _view(row: Any) -> AgentMergeView:
    return AgentMergeView(
        id=row["id"],
        action=row["action"],
        from_agent_id=row["from_agent_id"],
        to_agent_id=row["to_agent_id"],
        identities=tuple(Identity(i["source"], i["external_id"]) for i in row["identities"]),
        actor=row["actor"],
        created_at=row["created_at"],
    )
