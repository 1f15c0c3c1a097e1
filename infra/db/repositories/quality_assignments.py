"""The sampling rule and weekly review assignments, with the tickets they draw from."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select

from domain.metrics.ratings import is_positive_csat
from domain.quality.assignments import Assignment, AssignmentStatus
from domain.quality.ports import CandidateTicket, RuleSettings, StoredAssignment, TicketRef
from domain.quality.sampling import Csat, SamplingRule, SamplingStrategy
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.quality import tickets_among
from infra.db.sql import chunks, insert_for
from infra.db.tables import AGENT, RATING, REVIEW_ASSIGNMENT, SAMPLING_RULE, TICKET
from infra.db.types import utcnow

A, K, G = AGENT.c, TICKET.c, RATING.c
S, W = SAMPLING_RULE.c, REVIEW_ASSIGNMENT.c
NO_CHANNEL = "unknown"


class SqlReviewAssignments(TenantRepository):
    def rule(self) -> RuleSettings | None:
        row = self.session.execute(
            select(SAMPLING_RULE).where(S.tenant_id == self.tenant_id)
        ).first()
        if row is None:
            return None
        rule = SamplingRule(row.per_agent_per_week, SamplingStrategy(row.strategy), row.seed)
        return RuleSettings(rule, tuple(row.reviewer_ids), row.active)

    def save_rule(self, settings: RuleSettings) -> None:
        values = {
            "per_agent_per_week": settings.rule.per_agent_per_week,
            "strategy": settings.rule.strategy.value,
            "seed": settings.rule.seed,
            "reviewer_ids": list(settings.reviewers),
            "active": settings.active,
            "updated_at": utcnow(),
        }
        stmt = insert_for(self.session, SAMPLING_RULE).values(tenant_id=self.tenant_id, **values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=["tenant_id"], set_=values))

    def candidate_tickets(self, *, start: datetime, end: datetime) -> list[CandidateTicket]:
        stmt = select(K.source, K.external_id, K.channel).where(
            K.tenant_id == self.tenant_id,
            K.first_solved_at >= start,
            K.first_solved_at < end,
            K.public_agent_reply_count > 0,
        )
        rows = [(TicketRef(s, e), channel) for s, e, channel in self.session.execute(stmt)]
        csat = self._latest_csat([ticket for ticket, _ in rows])
        return [
            CandidateTicket(ticket, channel or NO_CHANNEL, csat.get(ticket))
            for ticket, channel in rows
        ]

    def active_agents(self, agent_ids: Collection[str]) -> set[str]:
        found: set[str] = set()
        for part in chunks(sorted(set(agent_ids))):
            stmt = select(A.id).where(
                A.tenant_id == self.tenant_id, A.id.in_(list(part)), A.active.is_(True)
            )
            found.update(self.session.execute(stmt).scalars())
        return found

    def _latest_csat(self, tickets: Sequence[TicketRef]) -> dict[TicketRef, Csat]:
        latest: dict[TicketRef, Csat] = {}
        for source in sorted({t.source for t in tickets}):
            ids = sorted(t.external_id for t in tickets if t.source == source)
            for part in chunks(ids):
                stmt = (
                    select(G.ticket_id, G.score, G.scale_max)
                    .where(
                        G.tenant_id == self.tenant_id,
                        G.source == source,
                        G.kind == "csat",
                        G.ticket_id.in_(list(part)),
                    )
                    .order_by(G.occurred_at, G.event_id)
                )
                for ticket_id, score, scale_max in self.session.execute(stmt):
                    positive = scale_max > 0 and is_positive_csat(score, scale_max)
                    latest[TicketRef(source, ticket_id)] = (
                        Csat.POSITIVE if positive else Csat.NEGATIVE
                    )
        return latest

    def assigned_among(self, tickets: Collection[TicketRef]) -> set[TicketRef]:
        assigned = select(W.ticket_source, W.ticket_id).where(W.tenant_id == self.tenant_id)
        return tickets_among(self.session, assigned, tickets)

    def of_week(
        self, week_start: date, *, reviewer_id: str | None = None, status: str | None = None
    ) -> list[StoredAssignment]:
        stmt = self._mine().where(W.week_start == week_start)
        if reviewer_id is not None:
            stmt = stmt.where(W.reviewer_id == reviewer_id)
        if status is not None:
            stmt = stmt.where(W.status == status)
        return self._load(stmt.order_by(W.reviewer_id, W.agent_id, W.ticket_source, W.ticket_id))

    def add(self, assignments: Sequence[StoredAssignment]) -> None:
        now = utcnow()
        rows = [
            {**self._values(a), "id": a.id, "tenant_id": self.tenant_id, "created_at": now}
            for a in assignments
        ]
        for part in chunks(rows):
            self.session.execute(REVIEW_ASSIGNMENT.insert(), list(part))

    def get(self, assignment_id: str) -> StoredAssignment | None:
        found = self._load(self._mine().where(W.id == assignment_id))
        return found[0] if found else None

    def save(self, assignment: StoredAssignment) -> None:
        self.session.execute(
            REVIEW_ASSIGNMENT.update()
            .where(W.tenant_id == self.tenant_id, W.id == assignment.id)
            .values(**self._values(assignment))
        )

    def open_for(self, *, ticket: TicketRef, reviewer_id: str) -> list[StoredAssignment]:
        stmt = self._mine().where(
            W.ticket_source == ticket.source,
            W.ticket_id == ticket.external_id,
            W.reviewer_id == reviewer_id,
            W.status != AssignmentStatus.DONE.value,
        )
        return self._load(stmt)

    def of_review(self, review_id: str) -> list[StoredAssignment]:
        return self._load(self._mine().where(W.review_id == review_id))

    def _mine(self) -> Select[Any]:
        return select(REVIEW_ASSIGNMENT).where(W.tenant_id == self.tenant_id)

    def _values(self, stored: StoredAssignment) -> dict[str, Any]:
        a, ticket = stored.assignment, stored.ticket
        return {
            "week_start": a.week_start,
            "ticket_source": ticket.source,
            "ticket_id": ticket.external_id,
            "agent_id": a.agent_id,
            "reviewer_id": a.reviewer_id,
            "status": a.status.value,
            "skip_reason": a.skip_reason,
            "review_id": stored.review_id,
            "updated_at": utcnow(),
        }

    def _load(self, stmt: Select[Any]) -> list[StoredAssignment]:
        return [
            StoredAssignment(
                row.id,
                Assignment(
                    week_start=row.week_start,
                    ticket_id=TicketRef(row.ticket_source, row.ticket_id).key,
                    agent_id=row.agent_id,
                    reviewer_id=row.reviewer_id,
                    status=AssignmentStatus(row.status),
                    skip_reason=row.skip_reason,
                ),
                row.review_id,
            )
            for row in self.session.execute(stmt)
        ]
