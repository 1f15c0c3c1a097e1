"""Reading support values, value ratings, surveys and their results (scope `read`)."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.engagement.types import (
    EnpsResults,
    PulseResults,
    PulseSurveyType,
    SupportValueType,
    SurveyResults,
    ValueRatingType,
)
from api.permissions import requires
from api.scores.types import PeriodInput, read_period
from domain.auth import Scope
from domain.quality.people_service import SurveyResults as Results
from domain.quality.people_service import survey_results
from domain.views import TenantReads

READ = requires(Scope.READ)


@strawberry.type
class EngagementQuery:
    @strawberry.field(extensions=READ, description="The tenant's support values, in order.")
    async def support_values(self, info: Info) -> list[SupportValueType]:
        found = await info.context.read(lambda r: r.quality.support_values())
        return [SupportValueType.of(v) for v in found]

    @strawberry.field(
        extensions=READ, description="Ratings of an agent for periods overlapping `period`."
    )
    async def value_ratings(
        self, info: Info, agent_id: strawberry.ID, period: PeriodInput
    ) -> list[ValueRatingType]:
        p = read_period(period)
        found = await info.context.read(lambda r: r.quality.value_ratings(str(agent_id), p))
        return [ValueRatingType.of(v) for v in found]

    @strawberry.field(extensions=READ)
    async def pulse_surveys(self, info: Info) -> list[PulseSurveyType]:
        return [
            PulseSurveyType.of(s) for s in await info.context.read(lambda r: r.quality.surveys())
        ]

    @strawberry.field(
        extensions=READ,
        description="eNPS and pulse results per team and for the tenant. A group with "
        "fewer respondents than the survey's minimum group size — or one whose numbers "
        "would reveal such a group by subtraction — is `Withheld`, with no numbers.",
    )
    async def survey_results(self, info: Info, survey_id: strawberry.ID) -> SurveyResults | None:
        def fetch(reads: TenantReads) -> Results | None:
            survey = reads.quality.survey(str(survey_id))
            if survey is None:
                return None
            return survey_results(survey, *reads.quality.survey_answers(survey.id))

        results = await info.context.read(fetch)
        if results is None:
            return None
        return SurveyResults(
            survey=PulseSurveyType.of(results.survey),
            enps=EnpsResults.of(results.enps) if results.enps else None,
            pulse=PulseResults.of(results.pulse) if results.pulse else None,
        )
