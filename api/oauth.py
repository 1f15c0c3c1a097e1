"""POST /oauth/token — client credentials (RFC 6749 §4.4); GET /.well-known/jwks.json."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from infra.bootstrap import Container, TokenRequest


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
