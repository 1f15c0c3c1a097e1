"""The API guide's client for its e2e test and the guide_* sections it calls: the guide's
operations run by name with the real `gql` client over HTTP, and the refusal one gets."""

from __future__ import annotations

from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport

from tests.support.api_guide import operations

DECEMBER = {"grain": "MONTH", "start": "2025-12-01"}  # the leaderboard's period


class Guide:
    """Runs the guide's operations by name and remembers which ran."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.sources = operations()
        self.ran: set[str] = set()

    def run(
        self, operation: str, /, *, token: str | None = None, **variables: Any
    ) -> dict[str, Any]:
        self.ran.add(operation)
        transport = HTTPXTransport(
            url=f"{self.url}/graphql",
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=60,
        )
        with Client(transport=transport) as session:
            answer = session.execute(
                GraphQLRequest(self.sources[operation], variable_values=variables)
            )
        return dict(answer)


def error_of(
    guide: Guide, operation: str, /, token: str | None = None, **variables: Any
) -> dict[str, Any]:
    """The extensions of the GraphQL error the operation gets."""
    with pytest.raises(TransportQueryError) as failed:
        guide.run(operation, token=token, **variables)
    assert failed.value.errors is not None
    return dict(failed.value.errors[0]["extensions"])
