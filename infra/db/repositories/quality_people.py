"""Support values and their ratings; pulse surveys and their answers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select, update

from domain.periods import Grain, Period
from domain.quality.engagement import EnpsAnswer, PulseAnswer, PulseQuestion
from domain.quality.ports import StoredValueRating, Survey, SurveyResponse
from domain.quality.support_values import SupportValue, ValueRating
from infra.db.repositories.base import TenantRepository
from infra.db.sql import chunks, insert_for
from infra.db.tables import ENPS_ANSWER, PULSE_ANSWER, PULSE_SURVEY, SUPPORT_VALUE, VALUE_RATING

V, VR = SUPPORT_VALUE.c, VALUE_RATING.c
PS, PA, EA = PULSE_SURVEY.c, PULSE_ANSWER.c, ENPS_ANSWER.c
LONGEST_PERIOD = timedelta(days=92)  # a quarter: the earliest start that can still overlap
_RATING_KEY = ("tenant_id", "agent_id", "value_key", "grain", "period_start", "rater_id")


class SqlSupportValues(TenantRepository):
    def all(self, *, active_only: bool = True) -> list[SupportValue]:
        stmt = select(SUPPORT_VALUE).where(V.tenant_id == self.tenant_id)
        if active_only:
            stmt = stmt.where(V.active.is_(True))
        rows = self.session.execute(stmt.order_by(V.active.desc(), V.position, V.key))
        return [SupportValue(row.key, row.label, row.description) for row in rows]

    def replace(self, values: Sequence[SupportValue]) -> None:
        self.session.execute(
            update(SUPPORT_VALUE).where(V.tenant_id == self.tenant_id).values(active=False)
        )
        for position, value in enumerate(values):
            fields = {
                "label": value.label,
                "description": value.description,
                "position": position,
                "active": True,
            }
            stmt = insert_for(self.session, SUPPORT_VALUE).values(
                tenant_id=self.tenant_id, key=value.key, **fields
            )
            self.session.execute(
                stmt.on_conflict_do_update(index_elements=["tenant_id", "key"], set_=fields)
            )

    def rate(self, rating: ValueRating, *, at: datetime) -> None:
        fields = {"rating": rating.rating, "comment": rating.comment, "rated_at": at}
        stmt = insert_for(self.session, VALUE_RATING).values(
            tenant_id=self.tenant_id,
            agent_id=rating.agent_id,
            value_key=rating.value_key,
            grain=rating.period.grain.value,
            period_start=rating.period.start,
            rater_id=rating.rater_id,
            **fields,
        )
        self.session.execute(stmt.on_conflict_do_update(index_elements=_RATING_KEY, set_=fields))

    def ratings_of(
        self, agent_ids: Collection[str], period: Period
    ) -> dict[str, list[StoredValueRating]]:
        """Each agent's ratings of periods overlapping `period`, by rated period, value and
        rater (agents without any are absent)."""
        out: dict[str, list[StoredValueRating]] = {}
        for part in chunks(sorted(set(agent_ids))):
            stmt = select(VALUE_RATING).where(
                VR.tenant_id == self.tenant_id,
                VR.agent_id.in_(part),
                VR.period_start < period.end,
                VR.period_start >= period.start - LONGEST_PERIOD,
            )
            order = (VR.agent_id, VR.period_start, VR.value_key, VR.rater_id)
            for row in self.session.execute(stmt.order_by(*order)):
                rated = Period(Grain(row.grain), row.period_start)
                if rated.end > period.start:
                    rating = ValueRating(
                        row.agent_id, row.value_key, rated, row.rater_id, row.rating, row.comment
                    )
                    out.setdefault(row.agent_id, []).append(StoredValueRating(rating, row.rated_at))
        return out


class SqlSurveys(TenantRepository):
    def add(self, survey: Survey) -> None:
        self.session.execute(
            PULSE_SURVEY.insert().values(
                tenant_id=self.tenant_id,
                id=survey.id,
                title=survey.title,
                questions=[_question_json(q) for q in survey.questions],
                enps=survey.enps,
                min_group_size=survey.min_group_size,
                created_at=survey.created_at,
            )
        )

    def get(self, survey_id: str) -> Survey | None:
        found = self.all([survey_id])
        return found[0] if found else None

    def all(self, ids: Sequence[str] | None = None) -> list[Survey]:
        stmt = select(PULSE_SURVEY).where(PS.tenant_id == self.tenant_id)
        if ids is not None:
            stmt = stmt.where(PS.id.in_(list(ids)))
        return [_survey(row) for row in self.session.execute(stmt.order_by(PS.created_at.desc()))]

    def responded(self, survey_id: str, respondent_id: str) -> bool:
        found = [
            select(
                exists().where(
                    table.c.tenant_id == self.tenant_id,
                    table.c.survey_id == survey_id,
                    table.c.respondent_id == respondent_id,
                )
            )
            for table in (PULSE_ANSWER, ENPS_ANSWER)
        ]
        return any(self.session.execute(stmt).scalar() for stmt in found)

    def add_response(self, survey_id: str, response: SurveyResponse) -> None:
        mine = {"tenant_id": self.tenant_id, "survey_id": survey_id}
        who = {"respondent_id": response.respondent_id, "team_id": response.team_id}
        if response.answers:
            rows = [
                {**mine, **who, "question_key": a.question_key, "value": a.value}
                for a in response.answers
            ]
            self.session.execute(PULSE_ANSWER.insert(), rows)
        if response.enps is not None:
            self.session.execute(
                ENPS_ANSWER.insert().values(**mine, **who, score=response.enps.score)
            )

    def pulse_answers(self, survey_id: str) -> list[PulseAnswer]:
        stmt = select(PA.respondent_id, PA.team_id, PA.question_key, PA.value).where(
            PA.tenant_id == self.tenant_id, PA.survey_id == survey_id
        )
        return [PulseAnswer(r, t, k, v) for r, t, k, v in self.session.execute(stmt)]

    def enps_answers(self, survey_id: str) -> list[EnpsAnswer]:
        stmt = select(EA.respondent_id, EA.team_id, EA.score).where(
            EA.tenant_id == self.tenant_id, EA.survey_id == survey_id
        )
        return [EnpsAnswer(r, t, s) for r, t, s in self.session.execute(stmt)]


def _question_json(q: PulseQuestion) -> dict[str, Any]:
    return {"key": q.key, "text": q.text, "scale_min": q.scale_min, "scale_max": q.scale_max}


def _survey(row: Any) -> Survey:
    questions = tuple(
        PulseQuestion(q["key"], q["text"], q["scale_min"], q["scale_max"]) for q in row.questions
    )
    return Survey(row.id, row.title, questions, row.enps, row.min_group_size, row.created_at)
