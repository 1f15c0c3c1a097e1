"""Bounds on one /graphql request, checked before strawberry parses anything.

Parsing and validation run on the event loop, so one request must stay cheap whatever it
holds. In order:
- the body is read up to GRAPHQL_MAX_BODY bytes (413 beyond, without reading the rest);
- its JSON, and GET's `variables`/`extensions`, nest at most JSON_MAX_DEPTH levels;
- the document has at most GRAPHQL_MAX_BYTES bytes and GRAPHQL_MAX_TOKENS tokens
  (comments included, as graphql-core's `max_tokens` counts them), and nests brackets at
  most MAX_NESTING (64) deep: the parser recurses once per bracket.
Each refusal is a GraphQL-style `errors` answer: 400, or 413 for the body. After parsing,
api/graphql_shape.py refuses the shapes whose validation is not linear (repeated fields,
fragments spread many times), so what is left costs about the same per token.

Measured on this schema and this (shared, 2-core) machine, one whole request in-process,
next to 6 ms for `{ agents { id } }`: parsing takes ~4 µs a token and validation 5–15;
the costliest documents of 2,000 tokens are 250 operations `query Qn { agents { id } }`
(47 ms: graphql-core checks variables per operation), a 2,000-item list argument (36 ms)
and 1,000 `@include`s (25 ms); at 5,000 tokens they take 105, 81 and 55 ms. The largest
frontend query in the tests, a dashboard with 15 fragments over agentScores, teamScores,
tenantMetrics and agentProfile, has 975 tokens (6.5 KB; 26 ms); GraphiQL's
introspection query has 183. 2,000 tokens is twice the dashboard and keeps the worst
document under 50 ms. The byte bound caps the lexing that counts tokens (strings and
comments lex at ~3 MB/s): a 32 KiB document takes ~14 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, StarletteRequestAdapter
from graphql import GraphQLError, Source, TokenKind
from graphql.language.lexer import Lexer
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from api.context import Context
from api.graphql_shape import MAX_NESTING
from api.http_errors import graphql_errors
from api.request_body import BodyTooLargeError, read_body
from domain.json_nesting import JsonNestingError, loads


@dataclass(frozen=True, slots=True)
class GraphQLLimits:
    max_body: int
    max_bytes: int
    max_tokens: int
    json_max_depth: int

    @classmethod
    def of(cls, settings: Any) -> GraphQLLimits:
        """The limits the settings name (GRAPHQL_MAX_BODY, … JSON_MAX_DEPTH)."""
        return cls(
            max_body=settings.graphql_max_body,
            max_bytes=settings.graphql_max_bytes,
            max_tokens=settings.graphql_max_tokens,
            json_max_depth=settings.json_max_depth,
        )


class RequestRejectedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status

    def response(self) -> JSONResponse:
        code = "PAYLOAD_TOO_LARGE" if self.status == 413 else "BAD_REQUEST"
        return JSONResponse(graphql_errors(str(self), code), status_code=self.status)


def check_document(query: str | None, limits: GraphQLLimits) -> None:
    """Refuse a document over the byte, token or nesting limit, before anything parses it."""
    if query is None:
        return
    # A character is at least a byte: the length in characters spares encoding a huge one.
    too_long = len(query) > limits.max_bytes
    if too_long or len(query.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise RequestRejectedError(
            400, f"GraphQL document larger than {limits.max_bytes} bytes (GRAPHQL_MAX_BYTES)"
        )
    tokens, nesting = scan(query, stop_after=limits.max_tokens)
    if tokens > limits.max_tokens:
        raise RequestRejectedError(
            400, f"GraphQL document has more than {limits.max_tokens} tokens (GRAPHQL_MAX_TOKENS)"
        )
    if nesting > MAX_NESTING:
        # The parser recurses once per bracket (0.3 s to refuse 2,400 nested lists).
        raise RequestRejectedError(
            400, f"GraphQL document nests brackets deeper than {MAX_NESTING} levels"
        )


_OPENING = {TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L}
_CLOSING = {TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R}


def scan(query: str, *, stop_after: int) -> tuple[int, int]:
    """The document's tokens and comments, counted up to one past `stop_after`, and its
    deepest bracket nesting; a syntax error ends the scan (the parser will report it)."""
    lexer = Lexer(Source(query))
    token, count, depth, deepest = lexer.token, 0, 0, 0
    try:
        while count <= stop_after:
            token = lexer.read_next_token(token.end)
            if token.kind is TokenKind.EOF:
                break
            count += 1
            depth += (token.kind in _OPENING) - (token.kind in _CLOSING)
            deepest = max(deepest, depth)
    except GraphQLError:
        pass
    return count, deepest


def _bounded_body(limit: int) -> type[StarletteRequestAdapter]:
    """strawberry's request adapter, reading at most `limit` bytes of body."""

    class BoundedBodyAdapter(StarletteRequestAdapter):
        async def get_body(self) -> bytes:
            try:
                return await read_body(self._request, limit)
            except BodyTooLargeError:
                message = f"request body larger than {limit} bytes (GRAPHQL_MAX_BODY)"
                raise RequestRejectedError(413, message) from None

    return BoundedBodyAdapter


class LimitedGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI GraphQL app with the bounds above."""

    def __init__(self, *, limits: GraphQLLimits, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limits = limits
        self.request_adapter_class = _bounded_body(limits.max_body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except RequestRejectedError as exc:  # raised before anything was sent
            await exc.response()(scope, receive, send)

    def encode_json(self, data: object) -> bytes:
        """orjson: a 1,000-agent agentScores answer is ~4 MB, which the standard library
        takes ~13% of the request to write (issue 12's profile)."""
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return loads(data, max_depth=self.limits.json_max_depth)
        except JsonNestingError as exc:
            raise RequestRejectedError(400, f"{exc} (JSON_MAX_DEPTH)") from None

    def parse_json(self, data: str | bytes) -> Any:
        """strawberry reads the decoded body (and GET's `variables`) as objects: anything
        else is the client's mistake, 400 — not an AttributeError, 500."""
        value = super().parse_json(data)
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, dict) for item in items):
            raise RequestRejectedError(
                400,
                "expected a JSON object (a GraphQL request, or its variables)",
            )
        return value

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            check_document(item.query, self.limits)
        return data
