"""POST /oauth/token — client credentials (RFC 6749 §4.4); GET /.well-known/jwks.json;
and the check of the bearer tokens it issues (HTTP header or WebSocket connection_init)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from domain.auth import Principal
from infra.bootstrap import Container, TokenError, TokenRequest


def verify_bearer(container: Container, header: str) -> Principal:
    """The principal of an `Authorization: Bearer <token>` value; TokenError if none.
    It may query the revocation set: call it off the event loop."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("missing bearer token")
    return container.tokens.verify(token.strip())


def token_endpoint(container: Container):  # type: ignore[no-untyped-def]
    async def token(request: Request) -> JSONResponse:
        if (
            request.headers.get("content-type", "").split(";")[0].strip()
            != "application/x-www-form-urlencoded"
        ):
            return JSONResponse(
                {
                    "error": "invalid_request",
                    "error_description": "send the request as application/x-www-form-urlencoded",
                },
                status_code=400,
            )
        form = await request.form()
        token_request = TokenRequest(
            method=request.method,
            url=str(request.url),
            headers=dict(request.headers),
            form={k: v for k, v in form.items() if isinstance(v, str)},
        )
        status, body, headers = await run_in_threadpool(
            container.token_endpoint.respond, token_request
        )
        return JSONResponse(body, status_code=status, headers=dict(headers))

    return token


def jwks_endpoint(container: Container):  # type: ignore[no-untyped-def]
    async def jwks(_: Request) -> JSONResponse:
        return JSONResponse(container.public_jwks())

    return jwks
