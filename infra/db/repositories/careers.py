"""Career tracks with their levels, agents' levels and the history of level changes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from sqlalchemy import delete, select

from domain.careers.ports import AgentLevel, LevelChange
from domain.careers.tracks import (
    CareerLevel,
    CareerTrack,
    Evidence,
    EvidenceKind,
    Expectation,
    GoalsCompletedEvidence,
    MetricEvidence,
    QaScoreEvidence,
    SupportValueEvidence,
    TrackKind,
)
from domain.erasure import ErasedRecords
from domain.metrics import Basis, Direction, Statistic
from domain.periods import Grain
from infra.db.repositories.base import TenantRepository
from infra.db.tables import AGENT_CAREER_LEVEL, CAREER_LEVEL, CAREER_LEVEL_CHANGE, CAREER_TRACK

T, L, A, C = CAREER_TRACK.c, CAREER_LEVEL.c, AGENT_CAREER_LEVEL.c, CAREER_LEVEL_CHANGE.c


class SqlCareers(TenantRepository):
    # Tracks and levels are the tenant's; an agent's placements and their history are theirs.
    ERASES: ClassVar[tuple[str, ...]] = (AGENT_CAREER_LEVEL.name, CAREER_LEVEL_CHANGE.name)

    def add_track(self, track: CareerTrack) -> None:
        mine = {"tenant_id": self.tenant_id}
        self.session.execute(
            CAREER_TRACK.insert().values(
                **mine,
                id=track.id,
                name=track.name,
                name_key=track.name.casefold(),
                kind=track.kind.value,
                description=track.description,
                created_at=track.created_at,
            )
        )
        rows = [
            {
                **mine,
                "id": level.id,
                "track_id": track.id,
                "rank": level.rank,
                "name": level.name,
                "description": level.description,
                "expectations": [expectation_json(e) for e in level.expectations],
            }
            for level in track.levels
        ]
        self.session.execute(CAREER_LEVEL.insert(), rows)

    def tracks(self) -> list[CareerTrack]:
        return self._tracks(select(CAREER_TRACK).where(T.tenant_id == self.tenant_id))

    def track(self, track_id: str) -> CareerTrack | None:
        found = self._tracks(
            select(CAREER_TRACK).where(T.tenant_id == self.tenant_id, T.id == track_id)
        )
        return found[0] if found else None

    def track_named(self, name: str) -> CareerTrack | None:
        found = self._tracks(
            select(CAREER_TRACK).where(T.tenant_id == self.tenant_id, T.name_key == name.casefold())
        )
        return found[0] if found else None

    def _tracks(self, stmt: Any) -> list[CareerTrack]:
        rows = list(self.session.execute(stmt.order_by(T.name_key, T.id)))
        if not rows:
            return []
        levels: defaultdict[str, list[CareerLevel]] = defaultdict(list)
        level_stmt = select(CAREER_LEVEL).where(
            L.tenant_id == self.tenant_id, L.track_id.in_([row.id for row in rows])
        )
        for level in self.session.execute(level_stmt.order_by(L.track_id, L.rank)):
            levels[level.track_id].append(
                CareerLevel(
                    level.id,
                    level.rank,
                    level.name,
                    level.description,
                    tuple(expectation_of(e) for e in level.expectations),
                )
            )
        return [
            CareerTrack(
                row.id,
                row.name,
                TrackKind(row.kind),
                row.description,
                tuple(levels[row.id]),
                row.created_at,
            )
            for row in rows
        ]

    def agent_levels(self, agent_id: str) -> list[AgentLevel]:
        stmt = select(AGENT_CAREER_LEVEL).where(
            A.tenant_id == self.tenant_id, A.agent_id == agent_id
        )
        return [
            AgentLevel(
                row.agent_id,
                row.track_id,
                row.level_id,
                row.target_level_id,
                row.effective_on,
                row.updated_at,
            )
            for row in self.session.execute(stmt.order_by(A.track_id))
        ]

    def set_level(self, level: AgentLevel, change: LevelChange) -> None:
        key = {"tenant_id": self.tenant_id, "agent_id": level.agent_id, "track_id": level.track_id}
        self.session.execute(delete(AGENT_CAREER_LEVEL).where(*(A[k] == v for k, v in key.items())))
        self.session.execute(
            AGENT_CAREER_LEVEL.insert().values(
                **key,
                level_id=level.level_id,
                target_level_id=level.target_level_id,
                effective_on=level.effective_on,
                updated_at=level.updated_at,
            )
        )
        self.session.execute(
            CAREER_LEVEL_CHANGE.insert().values(
                tenant_id=self.tenant_id,
                id=change.id,
                agent_id=change.agent_id,
                track_id=change.track_id,
                from_level_id=change.from_level_id,
                to_level_id=change.to_level_id,
                target_level_id=change.target_level_id,
                effective_on=change.effective_on,
                changed_at=change.changed_at,
                changed_by=change.changed_by,
                actor=change.actor,
                note=change.note,
            )
        )

    def history(self, agent_id: str, track_id: str | None = None) -> list[LevelChange]:
        stmt = select(CAREER_LEVEL_CHANGE).where(
            C.tenant_id == self.tenant_id, C.agent_id == agent_id
        )
        if track_id is not None:
            stmt = stmt.where(C.track_id == track_id)
        rows = self.session.execute(stmt.order_by(C.changed_at.desc(), C.id.desc()))
        return [
            LevelChange(
                id=row.id,
                agent_id=row.agent_id,
                track_id=row.track_id,
                from_level_id=row.from_level_id,
                to_level_id=row.to_level_id,
                target_level_id=row.target_level_id,
                effective_on=row.effective_on,
                changed_at=row.changed_at,
                changed_by=row.changed_by,
                actor=row.actor,
                note=row.note,
            )
            for row in rows
        ]

    def erase_agent(self, agent_id: str) -> ErasedRecords:
        """The agent's levels (current and target: readiness's inputs) and level history."""
        return ErasedRecords(
            {
                "career_levels": self.delete_rows(AGENT_CAREER_LEVEL, agent_id=agent_id),
                "career_level_changes": self.delete_rows(CAREER_LEVEL_CHANGE, agent_id=agent_id),
            }
        )


# --- expectations as JSON ------------------------------------------------------------------


def expectation_json(expectation: Expectation) -> dict[str, Any]:
    evidence = expectation.evidence
    return {
        "description": expectation.description,
        "evidence": None if evidence is None else _evidence_json(evidence),
    }


def _evidence_json(evidence: Evidence) -> dict[str, Any]:
    if isinstance(evidence, MetricEvidence):
        fields: dict[str, Any] = {
            "metric": evidence.metric,
            "threshold": evidence.threshold,
            "direction": evidence.direction.value,
            "statistic": evidence.statistic.value,
            "basis": evidence.basis.value,
            "window": evidence.window.value,
            "min_sample": evidence.min_sample,
        }
    elif isinstance(evidence, QaScoreEvidence):
        fields = {
            "min_score": evidence.min_score,
            "min_reviews": evidence.min_reviews,
            "window": evidence.window.value,
        }
    elif isinstance(evidence, SupportValueEvidence):
        fields = {
            "value_key": evidence.value_key,
            "min_rating": evidence.min_rating,
            "min_ratings": evidence.min_ratings,
            "window": evidence.window.value,
        }
    else:
        fields = {"min_completed": evidence.min_completed}
    return {"kind": evidence.kind.value, **fields}


def expectation_of(data: dict[str, Any]) -> Expectation:
    stored = data.get("evidence")
    return Expectation(data["description"], None if stored is None else _evidence_of(stored))


def _evidence_of(data: dict[str, Any]) -> Evidence:
    kind = EvidenceKind(data["kind"])
    if kind is EvidenceKind.GOALS_COMPLETED:
        return GoalsCompletedEvidence(int(data["min_completed"]))
    window = Grain(data["window"])
    if kind is EvidenceKind.METRIC:
        return MetricEvidence(
            metric=data["metric"],
            threshold=float(data["threshold"]),
            direction=Direction(data["direction"]),
            statistic=Statistic(data["statistic"]),
            basis=Basis(data["basis"]),
            window=window,
            min_sample=int(data["min_sample"]),
        )
    if kind is EvidenceKind.QA_SCORE:
        return QaScoreEvidence(float(data["min_score"]), int(data["min_reviews"]), window)
    return SupportValueEvidence(
        data["value_key"], float(data["min_rating"]), int(data["min_ratings"]), window
    )
