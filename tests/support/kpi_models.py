"""A KPI model change through GraphQL, as the end-to-end tests make it."""

from __future__ import annotations

CREATE = """mutation($model: KpiModelInput!) { createKpiModel(model: $model) {
  ... on KpiModelVersion { id } ... on ValidationError { message } } }"""
ACTIVATE = """mutation($id: ID!, $from: Date!) { activateKpiModel(id: $id, effectiveFrom: $from) {
  ... on KpiModelVersion { version effectiveFrom } } }"""
SATISFACTION_FIRST = {
    "name": "Satisfaction first",
    "components": [
        {
            "metric": "csat",
            "weight": 4,
            "target": 0.85,
            "direction": "HIGHER_IS_BETTER",
            "minSample": 1,
        },
        {
            "metric": "reopen_rate",
            "weight": 1,
            "target": 0.05,
            "direction": "LOWER_IS_BETTER",
            "minSample": 1,
        },
    ],
}


def solves(target: float) -> dict[str, object]:
    """A model of one component: tickets solved against `target`, from one sample on."""
    component = {
        "metric": "tickets_solved",
        "weight": 1,
        "target": target,
        "direction": "HIGHER_IS_BETTER",
        "minSample": 1,
    }
    return {"name": "Solves", "components": [component]}
