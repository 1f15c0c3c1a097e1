"""The query cost estimate (api/graphql_cost.py) on the app's schema: fields times the page
sizes around them, from literals, variables, operation and schema defaults; fragments count
as if inlined; the API guide's operations stay far under the default GRAPHQL_MAX_COST even
at the largest page."""

from __future__ import annotations

from pathlib import Path

import graphql
import pytest

from api.graphql_cost import operation_cost
from infra.settings import Settings
from tests.support.api_guide import operations

SCHEMA = graphql.build_schema(
    (Path(__file__).resolve().parents[3] / "schema.graphql").read_text(encoding="utf-8")
)
MAX_PAGE = 500  # a connection's largest `first` (api/pagination.py)


def cost(query: str, **variables: object) -> int:
    return operation_cost(SCHEMA, graphql.parse(query), None, variables)


def test_each_field_costs_once_per_item_of_the_pages_around_it() -> None:
    # tickets, totalCount, edges once; node and its 2 fields 10 times each
    assert cost("{ tickets(first: 10) { totalCount edges { node { externalId status } } } }") == 33
    assert cost("{ agents { id name } }") == 3  # a list with no page counts as one item
    assert cost("{ agents { __typename id } }") == 2  # __typename is free


def test_page_sizes_come_from_variables_then_the_operations_then_the_schemas_default() -> None:
    query = "query($n: Int) { tickets(first: $n) { edges { node { externalId } } } }"
    assert cost(query, n=100) == 2 + 2 * 100
    assert cost(query) == 2 + 2 * 50  # the schema's `first: Int = 50`
    with_default = "query($n: Int = 7) { tickets(first: $n) { edges { node { externalId } } } }"
    assert cost(with_default) == 2 + 2 * 7
    assert cost("{ reviews(limit: 20) { id score } }") == 1 + 2 * 20


def test_fragments_and_aliases_cost_as_if_written_out() -> None:
    inline = "{ a: tickets(first: 500) { edges { node { externalId status } } } b: agents { id } }"
    fragments = """
      query { a: tickets(first: 500) { ...Page } b: agents { ...Agent } }
      fragment Page on TicketConnection { edges { node { ... on Ticket { externalId status } } } }
      fragment Agent on Agent { id }"""
    assert cost(fragments) == cost(inline) == 2 + 3 * 500 + 2
    page = "tickets(first: 500) { edges { node { externalId } } }"
    assert cost(f"{{ a: {page} b: {page} }}") == 2 * cost(f"{{ {page} }}")


@pytest.mark.parametrize("name", sorted(operations()))
def test_the_guides_operations_cost_far_less_than_the_default_at_the_largest_page(
    name: str,
) -> None:
    largest = {"first": MAX_PAGE, "limit": MAX_PAGE}
    assert cost(operations()[name], **largest) * 4 <= Settings().graphql_max_cost
