"""GraphQL errors in the logs: a client's mistake is a one-line warning, a crash stays an
error with its traceback.

Strawberry logs every error with a traceback; for an unknown field or a missing scope
that is noise which buries the real failures.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

log = logging.getLogger("strawberry.execution")  # where strawberry logs errors


class ErrorLoggingSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_client_error(error):
                where = f" (at {'.'.join(map(str, error.path))})" if error.path else ""
                log.warning("graphql client error: %s%s", error.message, where)
            else:
                StrawberryLogger.error(error, execution_context)


def is_client_error(error: GraphQLError) -> bool:
    """Parse and validation errors wrap nothing; refusals (a missing scope, a field's own
    GraphQLError) wrap a GraphQLError or PermissionError. Anything else is a crash."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError | PermissionError)
