"""schema.graphql at the repository root is the app's GraphQL schema exported: what
frontend tooling (codegen, editors) reads, and never stale."""

from __future__ import annotations

from pathlib import Path

import graphql
from typer.testing import CliRunner

from api import sdl
from cli.main import app

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schema.graphql"


def test_the_committed_schema_is_the_apps() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == sdl.render(), (
        "schema.graphql is stale: run `.venv/bin/fairscore docs schema` "
        "from the repository root and commit the result"
    )


def test_the_schema_file_is_sdl_a_client_can_build_on() -> None:
    schema = graphql.build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))

    query, mutation = schema.query_type, schema.mutation_type
    assert query is not None and mutation is not None
    assert {"agentScores", "teamScores", "tenantMetrics", "agents", "teams"} <= set(query.fields)
    score = schema.get_type("AgentScore")
    assert isinstance(score, graphql.GraphQLObjectType)
    assert {"agent", "total", "metrics", "components"} <= set(score.fields)


def test_the_documented_command_writes_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "schema.graphql"
    result = CliRunner().invoke(app, ["docs", "schema", "--output", str(path)])

    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == sdl.render()
