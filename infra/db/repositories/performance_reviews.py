"""Review cycles and performance reviews, bound to one tenant."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import Row, Select, bindparam, func, select, update

from domain.erasure import ErasedRecords
from domain.performance_reviews.cycles import Cadence, ReviewCycle, ReviewPeriod
from domain.performance_reviews.ports import ReviewQuery
from domain.performance_reviews.reviews import (
    Actor,
    PerformanceReview,
    Section,
)
from infra.db.keyset import Key, Keyset
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.evidence_codec import decode, encode
from infra.db.sql import chunks
from infra.db.tables import PERFORMANCE_REVIEW, REVIEW_CYCLE
from infra.db.types import utcnow

C, P = REVIEW_CYCLE.c, PERFORMANCE_REVIEW.c
PAGE_ORDER = Keyset(Key(P.period_start, descending=True), Key(P.id))


class SqlPerformanceReviews(TenantRepository):
    ERASES: ClassVar[tuple[str, ...]] = (PERFORMANCE_REVIEW.name, REVIEW_CYCLE.name)

    def erase_agent(self, agent_id: str) -> ErasedRecords:
        """The reviews about the agent (feedback, rating, self-assessment and evidence), and
        the agent's name on the cycles that list them. Reviews they wrote as the reviewer
        of another agent stay: they are that agent's records (naming the reviewer by id);
        a cycle they review keeps them as its reviewer (its set-up, not their HR data)."""
        reviews = self.delete_rows(PERFORMANCE_REVIEW, agent_id=agent_id)
        listed = [c for c in self.cycles() if agent_id in c.agent_ids]
        if listed:
            stmt = (
                update(REVIEW_CYCLE)
                .where(C.tenant_id == self.tenant_id, C.id == bindparam("b_id"))
                .values(agent_ids=bindparam("b_agent_ids"))
            )
            kept = [
                {"b_id": c.id, "b_agent_ids": [a for a in c.agent_ids if a != agent_id]}
                for c in listed
            ]
            self.session.execute(stmt, kept)
        return ErasedRecords(
            {"performance_reviews": reviews, "review_cycle_memberships": len(listed)}
        )

    # --- cycles ------------------------------------------------------------------------
    def add_cycle(self, cycle: ReviewCycle) -> None:
        self.session.execute(
            REVIEW_CYCLE.insert().values(
                tenant_id=self.tenant_id,
                id=cycle.id,
                name=cycle.name,
                cadence=cycle.cadence.value,
                reviewer_id=cycle.reviewer_id,
                team_ids=list(cycle.team_ids),
                agent_ids=list(cycle.agent_ids),
                team_reviewers=[list(pair) for pair in cycle.team_reviewers],
                rating_scale=list(cycle.rating_scale),
                active=cycle.active,
                created_at=cycle.created_at or utcnow(),
            )
        )

    def cycle(self, cycle_id: str) -> ReviewCycle | None:
        row = self.session.execute(self._cycles().where(C.id == cycle_id)).first()
        return _cycle(row) if row else None

    def cycles(self) -> list[ReviewCycle]:
        rows = self.session.execute(self._cycles().order_by(C.created_at, C.id))
        return [_cycle(row) for row in rows]

    def _cycles(self) -> Select[Any]:
        return select(REVIEW_CYCLE).where(C.tenant_id == self.tenant_id)

    # --- reviews -----------------------------------------------------------------------
    def reviewed_agents(self, cycle_id: str, period_start: date) -> set[str]:
        stmt = select(P.agent_id).where(
            P.tenant_id == self.tenant_id, P.cycle_id == cycle_id, P.period_start == period_start
        )
        return set(self.session.execute(stmt).scalars())

    def add(self, reviews: Sequence[PerformanceReview]) -> None:
        rows = [
            {
                "tenant_id": self.tenant_id,
                "id": r.id,
                "cycle_id": r.cycle_id,
                "agent_id": r.agent_id,
                "cadence": r.period.cadence.value,
                "period_start": r.period.start,
                "evidence": encode(r.evidence),
                "created_at": r.created_at,
                **_state(r),
            }
            for r in reviews
        ]
        for part in chunks(rows):
            self.session.execute(PERFORMANCE_REVIEW.insert(), list(part))

    def get(self, review_id: str) -> PerformanceReview | None:
        row = self.session.execute(self._reviews().where(P.id == review_id)).first()
        return _review(row) if row else None

    def agents_of(self, review_ids: Collection[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in chunks(sorted(set(review_ids))):
            stmt = select(P.id, P.agent_id).where(P.tenant_id == self.tenant_id, P.id.in_(part))
            out.update({review_id: agent_id for review_id, agent_id in self.session.execute(stmt)})
        return out

    def save(self, review: PerformanceReview) -> None:
        self.session.execute(
            update(PERFORMANCE_REVIEW)
            .where(P.tenant_id == self.tenant_id, P.id == review.id)
            .values(_state(review))
        )

    def page(self, query: ReviewQuery) -> list[PerformanceReview]:
        stmt = PAGE_ORDER.page(self._matching(query), limit=query.limit, after=query.after)
        return [_review(row) for row in self.session.execute(stmt)]

    def count(self, query: ReviewQuery) -> int:
        stmt = select(func.count()).select_from(self._matching(query).subquery())
        return int(self.session.execute(stmt).scalar_one())

    def _matching(self, q: ReviewQuery) -> Select[Any]:
        stmt = self._reviews()
        if q.cycle_id is not None:
            stmt = stmt.where(P.cycle_id == q.cycle_id)
        if q.agent_id is not None:
            stmt = stmt.where(P.agent_id == q.agent_id)
        if q.status is not None:
            stmt = stmt.where(P.status == q.status.value)
        return stmt

    def _reviews(self) -> Select[Any]:
        return select(PERFORMANCE_REVIEW).where(P.tenant_id == self.tenant_id)


def _cycle(row: Row[Any]) -> ReviewCycle:
    return ReviewCycle(
        id=row.id,
        name=row.name,
        cadence=Cadence(row.cadence),
        reviewer_id=row.reviewer_id,
        rating_scale=tuple(row.rating_scale),
        team_ids=tuple(row.team_ids),
        agent_ids=tuple(row.agent_ids),
        team_reviewers=tuple((team, reviewer) for team, reviewer in row.team_reviewers),
        active=row.active,
        created_at=row.created_at,
    )


def _state(r: PerformanceReview) -> dict[str, Any]:
    """The columns a review's life changes (its evidence is written once, by `add`)."""
    shared, acked = r.shared, r.acknowledged
    return {
        "reviewer_id": r.reviewer_id,
        "status": r.status.value,
        "feedback": {section.value: text for section, text in r.feedback},
        "overall_rating": r.overall_rating,
        "self_assessment": r.self_assessment,
        "shared_by_client": shared.client_id if shared else None,
        "shared_by_name": shared.name if shared else None,
        "shared_at": shared.at if shared else None,
        "acknowledged_by_client": acked.client_id if acked else None,
        "acknowledged_by_name": acked.name if acked else None,
        "acknowledged_at": acked.at if acked else None,
        "updated_at": utcnow(),
    }


def _actor(client: str | None, name: str | None, at: Any) -> Actor | None:
    return Actor(client, name, at) if client is not None and at is not None else None


def _review(row: Row[Any]) -> PerformanceReview:
    feedback = dict(row.feedback or {})
    return PerformanceReview(
        id=row.id,
        cycle_id=row.cycle_id,
        agent_id=row.agent_id,
        reviewer_id=row.reviewer_id,
        period=ReviewPeriod(Cadence(row.cadence), row.period_start),
        evidence=decode(row.evidence),
        created_at=row.created_at,
        feedback=tuple((s, feedback[s.value]) for s in Section if s.value in feedback),
        overall_rating=row.overall_rating,
        self_assessment=row.self_assessment,
        shared=_actor(row.shared_by_client, row.shared_by_name, row.shared_at),
        acknowledged=_actor(
            row.acknowledged_by_client, row.acknowledged_by_name, row.acknowledged_at
        ),
    )
