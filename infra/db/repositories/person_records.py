"""What names an agent besides its identities and ticket facts — reviews and their metric
samples, review assignments, value ratings, the sampling rule's reviewers — moved to
another agent when two agents turn out to be one person (a merge)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, or_, select, update

from domain.ports import Touch
from domain.quality.review_service import SOURCE, review_origin
from infra.db.repositories.base import TenantRepository
from infra.db.repositories.samples import SqlSamples
from infra.db.sql import chunks
from infra.db.tables import METRIC_SAMPLE, REVIEW, REVIEW_ASSIGNMENT, SAMPLING_RULE, VALUE_RATING
from infra.db.types import utcnow

R, W, VR = REVIEW.c, REVIEW_ASSIGNMENT.c, VALUE_RATING.c
S, RULE = METRIC_SAMPLE.c, SAMPLING_RULE.c
DONE = "done"
_RATING_KEY = ("agent_id", "value_key", "grain", "period_start", "rater_id")


class SqlPersonRecords(TenantRepository):
    def move(self, from_agent_id: str, to_agent_id: str) -> set[Touch]:
        touches = self._move_reviews(from_agent_id, to_agent_id)
        self._move_assignments(from_agent_id, to_agent_id)
        self._move_value_ratings(from_agent_id, to_agent_id)
        self._replace_reviewer(from_agent_id, to_agent_id)
        return touches

    def _move_reviews(self, old: str, new: str) -> set[Touch]:
        """Reviews of and by `old`, with the samples each fed that side. A review between
        the two agents keeps `old` (it would read as a self-review) and, being one in
        truth, loses its samples: the person's own review counts for nothing."""
        samples = SqlSamples(self.session, self.tenant_id)
        touched = self._withdraw_self_reviews(samples, old, new)
        moved: dict[str, list[str]] = {}
        for column, other, metric in (
            (R.reviewee_id, R.reviewer_id, "qa_score"),
            (R.reviewer_id, R.reviewee_id, "reviews_given"),
        ):
            mine = (R.tenant_id == self.tenant_id, column == old, other != new)
            moved[metric] = list(self.session.execute(select(R.id).where(*mine)).scalars())
            self.session.execute(update(REVIEW).where(*mine).values({column.key: new}))
        origins = sorted({review_origin(i) for ids in moved.values() for i in ids})
        touched |= samples.touches_of_origins(SOURCE, origins)
        for metric, ids in moved.items():
            for part in chunks([review_origin(i) for i in ids]):
                self.session.execute(
                    update(METRIC_SAMPLE)
                    .where(
                        S.tenant_id == self.tenant_id,
                        S.source == SOURCE,
                        S.metric == metric,
                        S.agent_id == old,
                        S.origin.in_(list(part)),
                    )
                    .values(agent_id=new)
                )
        return touched | samples.touches_of_origins(SOURCE, origins)

    def _withdraw_self_reviews(self, samples: SqlSamples, old: str, new: str) -> set[Touch]:
        between = or_(
            and_(R.reviewer_id == old, R.reviewee_id == new),
            and_(R.reviewee_id == old, R.reviewer_id == new),
        )
        stmt = select(R.id).where(R.tenant_id == self.tenant_id, between)
        origins = [review_origin(i) for i in self.session.execute(stmt).scalars()]
        return samples.replace(SOURCE, origins, [])

    def _move_assignments(self, old: str, new: str) -> None:
        """An assignment between the two agents cannot stand (nobody reviews themselves):
        open or skipped, it is dropped, so its ticket can be drawn for another reviewer;
        done, it keeps `old` on that side, next to its review."""
        between = or_(
            and_(W.agent_id == old, W.reviewer_id == new),
            and_(W.reviewer_id == old, W.agent_id == new),
        )
        mine = W.tenant_id == self.tenant_id
        self.session.execute(delete(REVIEW_ASSIGNMENT).where(mine, between, W.status != DONE))
        for column, other in ((W.agent_id, W.reviewer_id), (W.reviewer_id, W.agent_id)):
            self.session.execute(
                update(REVIEW_ASSIGNMENT)
                .where(mine, column == old, other != new)
                .values({column.key: new, "updated_at": utcnow()})
            )

    def _move_value_ratings(self, old: str, new: str) -> None:
        """Ratings of and by `old`; one between the two agents keeps `old` (no self-rating),
        and of two ratings that would now be the same, the later one stays."""
        stmt = select(VALUE_RATING).where(
            VR.tenant_id == self.tenant_id, or_(VR.agent_id == old, VR.rater_id == old)
        )
        for row in list(self.session.execute(stmt)):
            key = dict(zip(_RATING_KEY, (getattr(row, k) for k in _RATING_KEY), strict=True))
            moved = {
                **key,
                "agent_id": new if row.agent_id == old else row.agent_id,
                "rater_id": new if row.rater_id == old else row.rater_id,
            }
            if moved["agent_id"] == moved["rater_id"]:
                continue
            clash = self.session.execute(
                select(VR.rated_at).where(*self._rating(moved))
            ).scalar_one_or_none()
            if clash is not None and clash >= row.rated_at:
                self.session.execute(delete(VALUE_RATING).where(*self._rating(key)))
                continue
            if clash is not None:
                self.session.execute(delete(VALUE_RATING).where(*self._rating(moved)))
            self.session.execute(
                update(VALUE_RATING)
                .where(*self._rating(key))
                .values(agent_id=moved["agent_id"], rater_id=moved["rater_id"])
            )

    def _rating(self, key: dict[str, Any]) -> list[Any]:
        return [VR.tenant_id == self.tenant_id, *(VR[k] == v for k, v in key.items())]

    def _replace_reviewer(self, old: str, new: str) -> None:
        stmt = select(RULE.reviewer_ids).where(RULE.tenant_id == self.tenant_id)
        reviewers = self.session.execute(stmt).scalar_one_or_none()
        if not reviewers or old not in reviewers:
            return
        replaced = sorted({new if r == old else r for r in reviewers})
        self.session.execute(
            update(SAMPLING_RULE)
            .where(RULE.tenant_id == self.tenant_id)
            .values(reviewer_ids=replaced, updated_at=utcnow())
        )
