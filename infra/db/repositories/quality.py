"""Scorecard versions, reviews and calibration sessions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, delete, exists, func, select, tuple_
from sqlalchemy.orm import Session

from domain.quality.ports import (
    CalibrationSession,
    ReviewQuery,
    ScorecardSummary,
    StoredReview,
    TicketRef,
)
from domain.quality.reviews import Review, ReviewKind, score_review
from domain.quality.scorecards import Category, Scale, ScaleKind, Scorecard
from infra.db import keyset
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks
from infra.db.tables import CALIBRATION_SESSION, CALIBRATION_TICKET, REVIEW, SCORECARD, TICKET

C, R, K = SCORECARD.c, REVIEW.c, TICKET.c
CS, CT = CALIBRATION_SESSION.c, CALIBRATION_TICKET.c
REVIEW_ORDER = keyset.Keyset(keyset.Key(R.created_at, descending=True), keyset.Key(R.id))
Key = tuple[str, int]


def scorecard_definition(scorecard: Scorecard) -> dict[str, Any]:
    return {
        "categories": [
            {
                "key": c.key,
                "label": c.label,
                "weight": c.weight,
                "scale": c.scale.kind.value,
                "allow_na": c.scale.allow_na,
                "critical": c.critical,
                "group": c.group,
            }
            for c in scorecard.categories
        ]
    }


def _scorecard(row: Any) -> Scorecard:
    categories = [
        Category(
            key=c["key"],
            label=c["label"],
            weight=c["weight"],
            scale=Scale(ScaleKind(c["scale"]), allow_na=c["allow_na"]),
            critical=c["critical"],
            group=c["group"],
        )
        for c in row.definition["categories"]
    ]
    return Scorecard(id=row.id, version=row.version, name=row.name, categories=tuple(categories))


class SqlScorecards(TenantRepository):
    def add(self, scorecard: Scorecard) -> None:
        self.session.execute(
            SCORECARD.insert().values(
                tenant_id=self.tenant_id,
                id=scorecard.id,
                version=scorecard.version,
                name=scorecard.name,
                definition=scorecard_definition(scorecard),
            )
        )

    def latest(self, scorecard_id: str) -> Scorecard | None:
        stmt = self._mine().where(C.id == scorecard_id).order_by(C.version.desc()).limit(1)
        row = self.session.execute(stmt).first()
        return _scorecard(row) if row else None

    def version(self, scorecard_id: str, version: int) -> Scorecard | None:
        return self.versions([(scorecard_id, version)]).get((scorecard_id, version))

    def versions(self, keys: Collection[Key]) -> dict[Key, Scorecard]:
        out: dict[Key, Scorecard] = {}
        for part in chunks(sorted(set(keys))):
            stmt = self._mine().where(tuple_(C.id, C.version).in_(list(part)))
            out.update(
                {(row.id, row.version): _scorecard(row) for row in self.session.execute(stmt)}
            )
        return out

    def summaries(self) -> list[ScorecardSummary]:
        counts = (
            select(C.id, func.max(C.version).label("latest"), func.count().label("versions"))
            .where(C.tenant_id == self.tenant_id)
            .group_by(C.id)
            .subquery()
        )
        stmt = (
            select(SCORECARD, counts.c.versions)
            .join(counts, (C.id == counts.c.id) & (C.version == counts.c.latest))
            .where(C.tenant_id == self.tenant_id)
            .order_by(C.name, C.id)
        )
        return [
            ScorecardSummary(_scorecard(row), row.versions, row.created_at)
            for row in self.session.execute(stmt)
        ]

    def _mine(self) -> Select[Any]:
        return select(SCORECARD).where(C.tenant_id == self.tenant_id)


class SqlReviews(TenantRepository):
    def add(self, stored: StoredReview) -> None:
        result = stored.review.result
        self.session.execute(
            REVIEW.insert().values(
                tenant_id=self.tenant_id,
                id=stored.id,
                scorecard_id=result.scorecard_id,
                scorecard_version=result.scorecard_version,
                ticket_source=stored.ticket.source,
                ticket_id=stored.ticket.external_id,
                reviewer_id=stored.review.reviewer_id,
                reviewee_id=stored.review.reviewee_id,
                ratings={c.key: c.rating for c in result.categories},
                comments=dict(stored.review.comments),
                score=result.score,
                calibration_session_id=stored.calibration_session_id,
                created_at=stored.reviewed_at,
            )
        )

    def get(self, review_id: str) -> StoredReview | None:
        found = self._load(self._mine().where(R.id == review_id))
        return found[0] if found else None

    def delete(self, review_id: str) -> None:
        self.session.execute(delete(REVIEW).where(R.tenant_id == self.tenant_id, R.id == review_id))

    def tickets(self, external_id: str, source: str | None) -> list[TicketRef]:
        stmt = select(K.source, K.external_id).where(
            K.tenant_id == self.tenant_id, K.external_id == external_id
        )
        if source is not None:
            stmt = stmt.where(K.source == source)
        return [TicketRef(s, e) for s, e in self.session.execute(stmt.order_by(K.source))]

    def ticket_team(self, ticket: TicketRef) -> str | None:
        stmt = select(K.team_id).where(
            K.tenant_id == self.tenant_id,
            K.source == ticket.source,
            K.external_id == ticket.external_id,
        )
        team: str | None = self.session.execute(stmt).scalar_one_or_none()
        return team

    def given(
        self,
        *,
        ticket: TicketRef,
        reviewer_id: str,
        session_id: str | None,
        reviewee_id: str | None = None,
    ) -> bool:
        session = (
            R.calibration_session_id.is_(None)
            if session_id is None
            else R.calibration_session_id == session_id
        )
        found = exists().where(
            R.tenant_id == self.tenant_id,
            R.ticket_source == ticket.source,
            R.ticket_id == ticket.external_id,
            R.reviewer_id == reviewer_id,
            session,
        )
        if reviewee_id is not None:
            found = found.where(R.reviewee_id == reviewee_id)
        return bool(self.session.execute(select(found)).scalar())

    def reviewed_among(self, tickets: Collection[TicketRef]) -> set[TicketRef]:
        regular = select(R.ticket_source, R.ticket_id).where(
            R.tenant_id == self.tenant_id, R.calibration_session_id.is_(None)
        )
        return tickets_among(self.session, regular, tickets)

    def of_sessions(self, session_ids: Collection[str]) -> dict[str, list[StoredReview]]:
        out: dict[str, list[StoredReview]] = {}
        for part in chunks(sorted(set(session_ids))):
            stmt = self._mine().where(R.calibration_session_id.in_(list(part)))
            for stored in self._load(stmt.order_by(R.created_at, R.id)):
                out.setdefault(stored.calibration_session_id or "", []).append(stored)
        return out

    def query(self, q: ReviewQuery) -> list[StoredReview]:
        """Newest first, then by id; from the (created_at, id) position `q.after`."""
        stmt = REVIEW_ORDER.page(self._matching(q), limit=q.limit, after=q.after)
        return self._load(stmt)

    def count(self, q: ReviewQuery) -> int:
        stmt = select(func.count()).select_from(self._matching(q).subquery())
        return int(self.session.execute(stmt).scalar_one())

    def _matching(self, q: ReviewQuery) -> Select[Any]:
        stmt = self._mine()
        for column, wanted in ((R.reviewee_id, q.reviewee_id), (R.reviewer_id, q.reviewer_id)):
            if wanted is not None:
                stmt = stmt.where(column == wanted)
        if q.ticket_external_id is not None:
            stmt = stmt.where(R.ticket_id == q.ticket_external_id)
        if q.ticket_source is not None:
            stmt = stmt.where(R.ticket_source == q.ticket_source)
        if q.since is not None:
            stmt = stmt.where(R.created_at >= q.since)
        if q.until is not None:
            stmt = stmt.where(R.created_at < q.until)
        if not q.include_calibration:
            stmt = stmt.where(R.calibration_session_id.is_(None))
        return stmt

    def _mine(self) -> Select[Any]:
        return select(REVIEW).where(R.tenant_id == self.tenant_id)

    def _load(self, stmt: Select[Any]) -> list[StoredReview]:
        rows = list(self.session.execute(stmt))
        cards = SqlScorecards(self.session, self.tenant_id).versions(
            {(row.scorecard_id, row.scorecard_version) for row in rows}
        )
        return [_review(row, cards[(row.scorecard_id, row.scorecard_version)]) for row in rows]


def tickets_among(
    session: Session, stmt: Select[Any], tickets: Collection[TicketRef]
) -> set[TicketRef]:
    """Those of `tickets` that `stmt` (selecting ticket source and id) finds, asking only
    about them: never the whole tenant's history."""
    source, external_id = stmt.selected_columns[0], stmt.selected_columns[1]
    found: set[TicketRef] = set()
    for name in sorted({t.source for t in tickets}):
        ids = sorted({t.external_id for t in tickets if t.source == name})
        for part in chunks(ids):
            rows = session.execute(
                stmt.distinct().where(source == name, external_id.in_(list(part)))
            )
            found.update(TicketRef(s, e) for s, e in rows)
    return found


def _review(row: Any, scorecard: Scorecard) -> StoredReview:
    ticket = TicketRef(row.ticket_source, row.ticket_id)
    session = row.calibration_session_id
    review = Review(
        ticket_id=ticket.key,
        reviewer_id=row.reviewer_id,
        reviewee_id=row.reviewee_id,
        kind=ReviewKind.CALIBRATION if session else ReviewKind.REGULAR,
        result=score_review(scorecard, row.ratings),
        comments=MappingProxyType(dict(row.comments)),
    )
    return StoredReview(row.id, ticket, review, row.created_at, session)


class SqlCalibrations(TenantRepository):
    def add(self, session: CalibrationSession) -> None:
        self.session.execute(
            CALIBRATION_SESSION.insert().values(
                tenant_id=self.tenant_id,
                id=session.id,
                name=session.name,
                scorecard_id=session.scorecard_id,
                scorecard_version=session.scorecard_version,
                created_at=session.created_at,
            )
        )
        rows = [
            {
                "tenant_id": self.tenant_id,
                "session_id": session.id,
                "ticket_source": t.source,
                "ticket_id": t.external_id,
            }
            for t in session.tickets
        ]
        self.session.execute(CALIBRATION_TICKET.insert(), rows)

    def get(self, session_id: str) -> CalibrationSession | None:
        found = self.sessions([session_id])
        return found[0] if found else None

    def sessions(self, ids: Sequence[str] | None = None) -> list[CalibrationSession]:
        stmt = select(CALIBRATION_SESSION).where(CS.tenant_id == self.tenant_id)
        if ids is not None:
            stmt = stmt.where(CS.id.in_(list(ids)))
        rows = list(self.session.execute(stmt.order_by(CS.created_at.desc(), CS.id)))
        tickets: dict[str, list[TicketRef]] = {row.id: [] for row in rows}
        listed = select(CT.session_id, CT.ticket_source, CT.ticket_id).where(
            CT.tenant_id == self.tenant_id, CT.session_id.in_(list(tickets))
        )
        for session_id, source, external_id in self.session.execute(listed):
            tickets[session_id].append(TicketRef(source, external_id))
        return [
            CalibrationSession(
                row.id,
                row.name,
                row.scorecard_id,
                row.scorecard_version,
                tuple(sorted(tickets[row.id])),
                row.created_at,
            )
            for row in rows
        ]
