"""The API guide's operations (docs/api.md) are valid against schema.graphql, which
test_schema_file.py keeps equal to the app's schema: a renamed field breaks the guide here,
before its e2e test (tests/e2e/test_api_guide.py) runs them on a real server."""

from __future__ import annotations

from pathlib import Path

import graphql

from tests.support.api_guide import operations

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schema.graphql"


def test_every_operation_of_the_guide_is_valid_against_the_schema() -> None:
    schema = graphql.build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    found = operations()

    problems = {
        name: [e.message for e in graphql.validate(schema, graphql.parse(source))]
        for name, source in found.items()
    }
    assert {name: errors for name, errors in problems.items() if errors} == {}
    assert {"Leaderboard", "AgentTickets", "AgentTrend", "CreateTeam"} <= set(found)


def test_a_stale_field_is_caught() -> None:
    schema = graphql.build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    stale = operations()["Leaderboard"].replace("sampleSize", "sampleCount", 1)

    errors = graphql.validate(schema, graphql.parse(stale))

    assert [e.message for e in errors] == [
        "Cannot query field 'sampleCount' on type 'MetricValue'. Did you mean 'sampleSize'?"
    ]
