"""The 503 every endpoint answers when the database cannot be reached: the client retries."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

# How long a client is asked to wait before retrying a request the database could not serve.
RETRY_AFTER_SECONDS = 5


def service_unavailable(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
