"""The 503 every endpoint answers when the database cannot be reached (the client retries),
and the GraphQL-shaped body of the errors answered over plain HTTP."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

# How long a client is asked to wait before retrying a request the database could not serve.
RETRY_AFTER_SECONDS = 5


def service_unavailable(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def graphql_errors(message: str, code: str, **extensions: object) -> dict[str, Any]:
    """An error as GraphQL answers one (`errors[0].extensions.code`), for the responses the
    endpoints give before or instead of executing a document: one shape for every client."""
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
