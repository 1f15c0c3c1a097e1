"""eraseAgentPeopleData: the right to erasure of an agent's §7 data (domain/erasure.py).

It needs `admin` and `people:write` together: erasing is the tenant's legal duty as the
data controller and cannot be undone, so it is an admin's act (`people:write` alone is a
manager's everyday scope: it must not wipe the reviews other people wrote); and it touches
§7 data and answers with counts of it, which `admin` alone never sees.
"""

from __future__ import annotations

from typing import Annotated, cast

import strawberry

from api.context import Info
from api.errors import NotFoundError
from api.permissions import requires
from domain.auth import Scope
from domain.erasure import (
    ErasureNotFoundError,
    ErasureReport,
    ErasureUnitOfWork,
    erase_agent_people_data,
)
from domain.ports import UnitOfWork


@strawberry.type
class ErasedRecordCount:
    kind: str = strawberry.field(description="e.g. one_on_ones, career_levels")
    count: int


@strawberry.type(description="What the erasure removed; the audit log keeps the same counts")
class AgentPeopleDataErased:
    agent_id: strawberry.ID
    erased: list[ErasedRecordCount] = strawberry.field(
        description="Every kind of §7 record, with how many were erased (0 included)"
    )
    total: int
    audit_event_id: strawberry.ID = strawberry.field(
        description="The `people erase` entry of the audit log"
    )

    @classmethod
    def of(cls, report: ErasureReport) -> AgentPeopleDataErased:
        return cls(
            agent_id=strawberry.ID(report.agent_id),
            erased=[ErasedRecordCount(kind=k, count=n) for k, n in report.erased.items()],
            total=report.total,
            audit_event_id=strawberry.ID(report.audit_event_id),
        )


EraseAgentPeopleDataResult = Annotated[
    AgentPeopleDataErased | NotFoundError, strawberry.union("EraseAgentPeopleDataResult")
]


@strawberry.type
class ErasureMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN, Scope.PEOPLE_WRITE),
        description="Right to erasure: delete the agent's people data (SPEC §7: performance "
        "reviews with feedback and self-assessments, goals, career levels and their history, "
        "one-on-ones) and record it in the audit log. The agent, their KPI data (events, "
        "metrics, scores), QA reviews and ratings stay. Running it again erases nothing more.",
    )
    async def erase_agent_people_data(
        self, info: Info, agent_id: strawberry.ID
    ) -> EraseAgentPeopleDataResult:
        context = info.context
        try:
            report = await context.write(
                lambda uow: erase_agent_people_data(
                    _erasable(uow),
                    agent_id=str(agent_id),
                    client_id=context.principal.client_id,
                    actor=context.actor,
                )
            )
        except ErasureNotFoundError as exc:
            return NotFoundError(message=str(exc))
        return AgentPeopleDataErased.of(report)


def _erasable(uow: UnitOfWork) -> ErasureUnitOfWork:
    """The request's unit of work; the SQL one carries every §7 repository."""
    return cast(ErasureUnitOfWork, uow)
