"""mergeAgents, unmergeAgent (admin scope): fix how helpdesk identities map to agents."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.context import Info
from api.errors import NotFoundError, ValidationError
from api.people.types import AgentMerge
from api.permissions import requires
from domain.auth import Scope
from domain.identities import Identity, IdentityError
from domain.services.identities import merge_agents, unmerge_agent

MergeAgentsResult = Annotated[
    AgentMerge | ValidationError | NotFoundError, strawberry.union("MergeAgentsResult")
]
UnmergeAgentResult = Annotated[
    AgentMerge | ValidationError | NotFoundError, strawberry.union("UnmergeAgentResult")
]


def _error(exc: IdentityError) -> ValidationError | NotFoundError:
    if exc.not_found:
        return NotFoundError(message=str(exc))
    return ValidationError(message=str(exc), field=exc.field)


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="The same person as two agents: move every identity of the source agent "
        "to the target with its reviews, review assignments and value ratings, and make the "
        "source inactive. Its tickets and metrics are re-attributed by a background job "
        "right after (agentScores follow within moments).",
    )
    async def merge_agents(
        self, info: Info, source_agent_id: strawberry.ID, target_agent_id: strawberry.ID
    ) -> MergeAgentsResult:
        actor = info.context.principal.client_id
        try:
            view = await info.context.write(
                lambda uow: merge_agents(
                    uow,
                    source_agent_id=str(source_agent_id),
                    target_agent_id=str(target_agent_id),
                    actor=actor,
                )
            )
        except IdentityError as exc:
            return _error(exc)
        return AgentMerge.of(view)

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Detach one helpdesk identity from an agent: it goes back to the agent a "
        "merge took it from, else to a new agent; its tickets and metrics follow, "
        "re-attributed by a background job right after.",
    )
    async def unmerge_agent(
        self,
        info: Info,
        agent_id: strawberry.ID,
        # Not `source`: permission extensions take a positional argument of that name.
        source_name: Annotated[str, strawberry.argument(name="source")],
        external_id: str,
    ) -> UnmergeAgentResult:
        actor = info.context.principal.client_id
        identity = Identity(source_name, external_id)
        try:
            view = await info.context.write(
                lambda uow: unmerge_agent(
                    uow, agent_id=str(agent_id), identity=identity, actor=actor
                )
            )
        except IdentityError as exc:
            return _error(exc)
        return AgentMerge.of(view)
