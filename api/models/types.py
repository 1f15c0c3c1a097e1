"""GraphQL types for KPI models (SPEC §5)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.scores.types import BasisEnum, DirectionEnum, StatisticEnum
from domain.metrics import Basis, Level, Statistic
from domain.model import DEFAULT_CAP, DEFAULT_GATE_CAP, DEFAULT_MIN_SAMPLE, Component, KpiModel
from domain.ports import ModelVersion
from domain.services.models import ModelHistory

LevelEnum = strawberry.enum(Level, name="Level")


@strawberry.type(name="ModelComponent")
class ComponentType:
    metric: str
    statistic: StatisticEnum  # type: ignore[valid-type]
    basis: BasisEnum  # type: ignore[valid-type]
    weight: float
    target: float
    direction: DirectionEnum  # type: ignore[valid-type]
    cap: float
    min_sample: int
    gate_min: float | None
    prior_weight: float | None = strawberry.field(
        description="Small-sample shrinkage towards the team's rate (m); null = none"
    )
    adjusted: bool = strawberry.field(
        description="Case mix (SPEC §8): scored against the expected value for the "
        "subject's ticket mix instead of `target`"
    )

    @classmethod
    def of(cls, c: Component) -> ComponentType:
        return cls(
            metric=c.metric,
            statistic=c.statistic,
            basis=c.basis,
            weight=c.weight,
            target=c.target,
            direction=c.direction,
            cap=c.cap,
            min_sample=c.min_sample,
            gate_min=c.gate_min,
            prior_weight=c.prior_weight,
            adjusted=c.adjusted,
        )


@strawberry.type(name="KpiModelVersion")
class ModelVersionType:
    id: strawberry.ID
    name: str
    version: int
    level: LevelEnum  # type: ignore[valid-type]
    team_id: strawberry.ID | None
    effective_from: date
    on_timeline: bool = strawberry.field(
        description="Scores its scope's periods that start on/after effectiveFrom"
    )
    gate_cap: float
    components: list[ComponentType]
    created_at: datetime

    @classmethod
    def of(cls, v: ModelVersion) -> ModelVersionType:
        m = v.model
        return cls(
            id=strawberry.ID(m.id or ""),
            name=m.name,
            version=m.version,
            level=m.level,
            team_id=strawberry.ID(m.team_id) if m.team_id else None,
            effective_from=m.effective_from,
            on_timeline=v.active,
            gate_cap=m.gate_cap,
            components=[ComponentType.of(c) for c in m.components],
            created_at=v.created_at,
        )


@strawberry.type(name="KpiModel")
class ModelType:
    id: strawberry.ID
    name: str
    live: bool = strawberry.field(description="Scores its scope today")
    latest: ModelVersionType
    versions: list[ModelVersionType]

    @classmethod
    def of(cls, h: ModelHistory) -> ModelType:
        versions = [ModelVersionType.of(v) for v in h.versions]
        return cls(
            id=strawberry.ID(h.id),
            name=h.latest.model.name,
            live=h.live,
            latest=versions[-1],
            versions=versions,
        )


@strawberry.input
class ComponentInput:
    metric: str
    weight: float
    target: float
    direction: DirectionEnum  # type: ignore[valid-type]
    statistic: StatisticEnum = Statistic.VALUE  # type: ignore[valid-type]
    basis: BasisEnum = Basis.CALENDAR  # type: ignore[valid-type]
    cap: float = DEFAULT_CAP
    min_sample: int = DEFAULT_MIN_SAMPLE
    gate_min: float | None = None
    prior_weight: float | None = None
    adjusted: bool = strawberry.field(
        default=False,
        description="Case mix (SPEC §8): score the observed mean against the expected one "
        "for the subject's ticket mix (the expected value replaces `target`)",
    )


@strawberry.input
class KpiModelInput:
    name: str
    components: list[ComponentInput]
    level: LevelEnum = Level.AGENT  # type: ignore[valid-type]
    team_id: strawberry.ID | None = None
    gate_cap: float = DEFAULT_GATE_CAP
    effective_from: date | None = strawberry.field(
        default=None, description="For updates of a live model: from when (default today)"
    )

    def to_domain(self, *, today: date) -> KpiModel:
        return KpiModel(
            name=self.name,
            level=self.level,
            gate_cap=self.gate_cap,
            team_id=str(self.team_id) if self.team_id else None,
            effective_from=self.effective_from or today,
            components=tuple(
                Component(
                    metric=c.metric,
                    weight=c.weight,
                    target=c.target,
                    direction=c.direction,
                    statistic=c.statistic,
                    basis=c.basis,
                    cap=c.cap,
                    min_sample=c.min_sample,
                    gate_min=c.gate_min,
                    prior_weight=c.prior_weight,
                    adjusted=c.adjusted,
                )
                for c in self.components
            ),
        )
