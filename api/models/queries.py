"""KPI models and previews of draft models."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.context import Info
from api.errors import ValidationError
from api.models.types import KpiModelInput, ModelType
from api.people.types import Agent
from api.permissions import requires
from api.scores.types import AgentScore, PeriodInput, read_period, scored_fields
from domain.auth import Scope
from domain.metrics import Level
from domain.model import ModelError, unadjusted
from domain.services.models import list_models, preview
from domain.views import TenantReads


@strawberry.type
class PreviewTotals:
    """One agent's total under the draft beside its total with fixed targets only."""

    agent_id: strawberry.ID
    raw_total: float | None = strawberry.field(
        description="The draft with `adjusted` off everywhere: fixed targets"
    )
    adjusted_total: float | None = strawberry.field(
        description="The draft as written: adjusted components against expected values"
    )


@strawberry.type
class PreviewScores:
    agent_scores: list[AgentScore]
    totals: list[PreviewTotals] = strawberry.field(
        description="Raw and case-mix adjusted totals side by side (SPEC §8)"
    )


PreviewResult = Annotated[PreviewScores | ValidationError, strawberry.union("PreviewScoresResult")]


@strawberry.type
class ModelsQuery:
    @strawberry.field(extensions=requires(Scope.READ))
    async def kpi_models(self, info: Info) -> list[ModelType]:
        histories = await info.context.read_uow(lambda uow: list_models(uow, today=date.today()))
        return [ModelType.of(h) for h in histories]

    @strawberry.field(
        extensions=requires(Scope.READ),
        description="Every agent's score under a draft model; nothing is saved.",
    )
    async def preview_scores(
        self,
        info: Info,
        model: KpiModelInput,
        period: PeriodInput,
        team_id: strawberry.ID | None = None,
    ) -> PreviewResult:
        p = read_period(period)
        team = str(team_id) if team_id else None
        try:
            draft = model.to_domain(today=date.today())

            def run(reads: TenantReads) -> tuple[list[PreviewTotals], list[AgentScore]]:
                agents = reads.agents(team_id=team, active=True)
                snapshots = reads.snapshots(Level.AGENT, p, [a.id for a in agents])
                teams = reads.snapshots(Level.TEAM, p)
                team_of = {a.id: a.team_id for a in agents}
                scores = preview(draft, snapshots, teams=teams, team_of=team_of)
                raw = preview(unadjusted(draft), snapshots, teams=teams, team_of=team_of)
                totals = [
                    PreviewTotals(
                        agent_id=strawberry.ID(agent_id),
                        raw_total=raw[agent_id].total,
                        adjusted_total=scores[agent_id].total,
                    )
                    for agent_id in sorted(scores)
                ]
                return totals, [
                    AgentScore(
                        agent=Agent.of(a),
                        **scored_fields(  # type: ignore[arg-type]
                            p, snapshots.get(a.id), {}, breakdown=scores.get(a.id)
                        ),
                    )
                    for a in agents
                    if a.id in snapshots
                ]

            totals, agent_scores = await info.context.read(run)
            return PreviewScores(agent_scores=agent_scores, totals=totals)
        except ModelError as exc:
            return ValidationError(message=str(exc), field=exc.field)
