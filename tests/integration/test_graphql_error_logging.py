"""GraphQL errors in the logs: a client's mistake is one warning line without a traceback;
a crash stays an error with its traceback."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLError
from starlette.testclient import TestClient

from api.error_logging import ErrorLoggingSchema
from api.schema import Query
from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.api import access_token, graphql

LOGGER = "strawberry.execution"


def graphql_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER]


@pytest.mark.parametrize(
    ("query", "scopes", "said"),
    [
        ("{ agents { nope } }", ("read",), "Cannot query field 'nope'"),
        ("{ integrations { id } }", ("read",), "this field needs the 'admin' scope"),
    ],
    ids=["unknown field", "missing scope"],
)
def test_a_client_mistake_is_logged_as_a_one_line_warning(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    caplog: pytest.LogCaptureFixture,
    query: str,
    scopes: tuple[str, ...],
    said: str,
) -> None:
    token = access_token(client, container, tenant.id, scopes)
    caplog.set_level(logging.INFO, logger=LOGGER)

    body = graphql(client, token, query).json()

    assert said in body["errors"][0]["message"]
    [record] = graphql_records(caplog)
    assert (record.levelno, record.exc_info) == (logging.WARNING, None)
    assert said in record.getMessage() and "\n" not in record.getMessage()


def test_a_crash_stays_an_error_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    schema = ErrorLoggingSchema(query=Query)
    try:
        raise RuntimeError("a bug")
    except RuntimeError as exc:
        crash = GraphQLError("a bug", original_error=exc)
    caplog.set_level(logging.INFO, logger=LOGGER)

    schema.process_errors([crash])

    [record] = graphql_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[1] is crash.original_error
