"""POST /oauth/token — client credentials (RFC 6749 §4.4); GET /.well-known/jwks.json;
and the check of the bearer tokens it issues (HTTP header or WebSocket connection_init).

Token requests are limited (RATE_LIMIT_TOKEN) per client_id as sent and remote address,
before the secret is checked, so guessing one client's secret is slow from any address,
while a stranger who knows the client id (it is no secret) spends only its own address's
count and cannot lock the real client out; a request naming no client is counted against
its address alone. Over the limit: 429 with `Retry-After`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from urllib.parse import unquote_plus

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from domain.auth import Principal
from infra.bootstrap import Container, Limited, TokenError, TokenRequest

# Longer ids are no client's (they are generated): counted by address, not minting keys.
MAX_CLIENT_ID = 128


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
        caller = _caller(request, token_request.form)
        wait = await run_in_threadpool(container.rate_limits.retry_after, Limited.TOKEN, caller)
        if wait is not None:
            return JSONResponse(
                {
                    "error": "rate_limited",
                    "error_description": f"too many token requests (RATE_LIMIT_TOKEN);"
                    f" retry in {wait} s",
                },
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
        status, body, headers = await run_in_threadpool(
            container.token_endpoint.respond, token_request
        )
        return JSONResponse(body, status_code=status, headers=dict(headers))

    return token


def _caller(request: Request, form: Mapping[str, str]) -> str:
    """The key a token request is counted under: the client_id of HTTP Basic (RFC 6749
    §2.3.1: form-encoded) or of the form, with the remote address; else the address."""
    client_id = form.get("client_id", "")
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        client_id = unquote_plus(decoded.partition(":")[0]) or client_id
    address = request.client.host if request.client else "unknown"
    if 0 < len(client_id) <= MAX_CLIENT_ID:
        return f"client:{client_id}@{address}"
    return f"address:{address}"


def jwks_endpoint(container: Container):  # type: ignore[no-untyped-def]
    async def jwks(_: Request) -> JSONResponse:
        return JSONResponse(container.public_jwks())

    return jwks
