"""The app's GraphQL schema as SDL: what `schema.graphql` at the repository root holds
(`fairscore docs schema` writes it; a unit test fails while it is stale)."""

from __future__ import annotations

from api.schema import build_schema


def render() -> str:
    # The limits are extensions: they bound requests, not the schema's types, so any do.
    schema = build_schema(
        max_depth=1, max_aliases=1, max_tokens=1, max_selections=1, max_pairs=1, max_cost=1
    )
    return schema.as_str() + "\n"
