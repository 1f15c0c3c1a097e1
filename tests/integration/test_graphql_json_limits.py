"""Bounded GraphQL JSON: a body or GET variables nested deeper than JSON_MAX_DEPTH, JSON that
cannot be decoded, and JSON that is not an object get a 400 with a message."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.api import access_token
from tests.support.limits import DEEP, HUGE_INT, assert_refused, deep_array


@pytest.fixture
def headers(client: TestClient, container: Container, tenant: TenantProfile) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token(client, container, tenant.id)}"}


@pytest.mark.parametrize("depth", [DEEP, 66], ids=["100k", "one past the limit"])
def test_graphql_variables_nested_too_deep_are_400(
    client: TestClient, headers: dict[str, str], depth: int
) -> None:
    # The body's object and `variables` are two of the `depth` levels.
    body = b'{"query": "{ agents { id } }", "variables": {"x": '
    body += deep_array(depth - 2) + b"}}"

    response = client.post(
        "/graphql", content=body, headers={**headers, "content-type": "application/json"}
    )

    message = assert_refused(response, 400, "JSON nesting deeper than 64 levels")
    assert "JSON_MAX_DEPTH" in message
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


def test_graphql_get_variables_nested_too_deep_are_400(
    client: TestClient, headers: dict[str, str]
) -> None:
    params = {"query": "{ agents { id } }", "variables": deep_array(5_000).decode()}

    response = client.get("/graphql", params=params, headers=headers)

    assert_refused(response, 400, "JSON nesting deeper than 64 levels")


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ agents { id } }", "variables": {"x": ' + HUGE_INT + b"}}",
        b'{"query": "\xff"}',
    ],
    ids=["huge int", "bad byte"],
)
def test_a_graphql_body_json_cannot_decode_is_400(
    client: TestClient, headers: dict[str, str], body: bytes
) -> None:
    # The shared decoder's refusals are JSONDecodeErrors, which strawberry answers with 400.
    response = client.post(
        "/graphql", content=body, headers={**headers, "content-type": "application/json"}
    )

    assert response.status_code == 400, response.text[:300]
    assert "Unable to parse request body as JSON" in response.text


@pytest.mark.parametrize(
    "body", [b"1", b'"abc"', b"null", b"true", b"[1]", b'[{"query": "{ agents { id } }"}, 2]']
)
def test_a_graphql_body_that_is_not_an_object_is_400(
    client: TestClient, headers: dict[str, str], body: bytes
) -> None:
    response = client.post(
        "/graphql", content=body, headers={**headers, "content-type": "application/json"}
    )

    assert_refused(response, 400, "expected a JSON object")


def test_graphql_get_variables_that_are_not_an_object_are_400(
    client: TestClient, headers: dict[str, str]
) -> None:
    params = {"query": "{ agents { id } }", "variables": "1"}

    response = client.get("/graphql", params=params, headers=headers)

    assert_refused(response, 400, "expected a JSON object")
