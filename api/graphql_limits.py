"""Bounds on one /graphql request, checked before strawberry parses anything.

Parsing and validation run on the event loop, so one request must stay cheap whatever it
holds. In order:
- the body is read up to GRAPHQL_MAX_BODY bytes (413 beyond, without reading the rest);
- its JSON, and GET's `variables`/`extensions`, nest at most JSON_MAX_DEPTH levels;
- the document has at most GRAPHQL_MAX_BYTES bytes and GRAPHQL_MAX_TOKENS tokens
  (comments included, as graphql-core's `max_tokens` counts them).
Each refusal is a GraphQL-style `errors` answer: 400, or 413 for the body.

The token bound is the one that matters: validation is quadratic in repeated fields
(OverlappingFieldsCanBeMerged compares every pair). Measured on this schema, one whole
request: 27 ms at 300 tokens of `{ agents { id id … } }` (22 ms for `agents { id }`
repeated), 40 ms at 400; validation alone takes 0.15 s at 1,000 tokens of `id`, 0.75 s of
`agents { id }`. 300 tokens is 1.6 times GraphiQL's introspection query (183) and three
times the largest query in the docs and tests (~100). The byte bound caps the lexing that
counts tokens (strings and comments lex at ~3 MB/s): a 32 KiB document takes ~14 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, StarletteRequestAdapter
from graphql import GraphQLError, Source, TokenKind
from graphql.language.lexer import Lexer
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from api.context import Context
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
        error = {"message": str(self), "extensions": {"code": code}}
        return JSONResponse({"errors": [error]}, status_code=self.status)


def check_document(query: str | None, limits: GraphQLLimits) -> None:
    """Refuse a document over the byte or token limit, before anything parses it."""
    if query is None:
        return
    # A character is at least a byte: the length in characters spares encoding a huge one.
    too_long = len(query) > limits.max_bytes
    if too_long or len(query.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise RequestRejectedError(
            400, f"GraphQL document larger than {limits.max_bytes} bytes (GRAPHQL_MAX_BYTES)"
        )
    if count_tokens(query, stop_after=limits.max_tokens) > limits.max_tokens:
        raise RequestRejectedError(
            400, f"GraphQL document has more than {limits.max_tokens} tokens (GRAPHQL_MAX_TOKENS)"
        )


def count_tokens(query: str, *, stop_after: int) -> int:
    """The document's tokens and comments, counted up to one past `stop_after`; a syntax
    error ends the count (the parser will report it)."""
    lexer = Lexer(Source(query))
    token, count = lexer.token, 0
    try:
        while count <= stop_after:
            token = lexer.read_next_token(token.end)
            if token.kind is TokenKind.EOF:
                break
            count += 1
    except GraphQLError:
        pass
    return count


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

    def decode_json(self, data: str | bytes) -> object:
        try:
            return loads(data, max_depth=self.limits.json_max_depth)
        except JsonNestingError as exc:
            raise RequestRejectedError(400, f"{exc} (JSON_MAX_DEPTH)") from None

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            check_document(item.query, self.limits)
        return data
