"""CORS: browser apps on the allowed origins may call the API (`CORS_ALLOW_ORIGINS`;
in development also any http://localhost or 127.0.0.1 port, where frontends' dev servers run).

Tokens travel as `Authorization: Bearer`, never as cookies, so no credentials are allowed.
Webhooks are server-to-server: their routes get no CORS headers and a preflight there is
refused by the route (405) as before.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

LOCALHOST = r"http://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
METHODS = ("GET", "POST", "OPTIONS")
# What a GraphQL client sends; Fairscore-Actor names the person behind an admin change.
HEADERS = ("Authorization", "Content-Type", "Fairscore-Actor")
MAX_AGE = 7200  # seconds a browser may cache a preflight: Chromium's cap
SERVER_TO_SERVER = "/webhooks/"


class Cors:
    """starlette's CORSMiddleware, on every route but the webhooks."""

    def __init__(self, app: ASGIApp, *, origins: tuple[str, ...], localhost: bool) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_origin_regex=LOCALHOST if localhost else None,
            allow_methods=METHODS,
            allow_headers=HEADERS,
            allow_credentials=False,
            max_age=MAX_AGE,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(SERVER_TO_SERVER):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
