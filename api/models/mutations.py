"""Admin mutations on KPI models: create, update (= new version), activate.

Changes that reach a scoring timeline queue a re-score of the affected periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import strawberry

from api.context import Info
from api.errors import NotFoundError, ValidationError
from api.models.types import KpiModelInput, ModelVersionType
from api.permissions import requires
from domain.auth import Scope
from domain.model import ModelError
from domain.ports import ModelVersion, UnitOfWork
from domain.services.models import (
    ModelNotFoundError,
    activate_model,
    create_model,
    update_model,
)

ModelResult = Annotated[
    ModelVersionType | ValidationError | NotFoundError, strawberry.union("KpiModelResult")
]


@strawberry.type
class ModelsMutation:
    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="A new model (version 1); it scores nothing until activated.",
    )
    async def create_kpi_model(self, info: Info, model: KpiModelInput) -> ModelResult:
        return await _change(
            info, lambda uow: create_model(uow, model.to_domain(today=date.today()))
        )

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="A new version; a live model uses it from effectiveFrom.",
    )
    async def update_kpi_model(
        self, info: Info, id: strawberry.ID, model: KpiModelInput
    ) -> ModelResult:
        return await _change(
            info,
            lambda uow: update_model(
                uow, model_id=str(id), draft=model.to_domain(today=date.today())
            ),
        )

    @strawberry.mutation(
        extensions=requires(Scope.ADMIN),
        description="Score the model's scope with it from effectiveFrom on.",
    )
    async def activate_kpi_model(
        self, info: Info, id: strawberry.ID, effective_from: date
    ) -> ModelResult:
        return await _change(
            info, lambda uow: activate_model(uow, model_id=str(id), effective_from=effective_from)
        )


async def _change(info: Info, change: Callable[[UnitOfWork], ModelVersion]) -> ModelResult:
    try:
        version = await info.context.write(change)
    except ModelError as exc:
        return ValidationError(message=str(exc), field=exc.field)
    except ModelNotFoundError as exc:
        return NotFoundError(message=str(exc))
    return ModelVersionType.of(version)
