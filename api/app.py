"""The Starlette application (`fairscore serve`)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from api import graphiql
from api.access_log import AccessLog
from api.cors import Cors
from api.exports import export_endpoint
from api.graphql_endpoint import GraphQLEndpoint
from api.health import healthz, readyz_endpoint
from api.metrics import metrics_endpoint
from api.oauth import jwks_endpoint, token_endpoint
from api.review_pdf.endpoint import review_pdf_endpoint
from api.schema import build_schema
from api.webhooks import webhook_endpoint
from infra.bootstrap import Container, configure_logging
from infra.bootstrap import container as default_container

GC_YOUNG_THRESHOLD = 50_000  # allocations between collections of the youngest generation


def serve_app() -> Starlette:
    """`fairscore serve`'s factory: each uvicorn worker process configures its logging (the
    workers are spawned, fresh interpreters), then builds the app."""
    c = default_container()
    configure_logging(c.settings)
    return create_app(c)


def create_app(container: Container | None = None) -> Starlette:
    c = container or default_container()
    s = c.settings
    schema = build_schema(
        max_depth=s.graphql_max_depth,
        max_aliases=s.graphql_max_aliases,
        max_tokens=s.graphql_max_tokens,
        max_selections=s.graphql_max_selections,
        max_pairs=s.graphql_max_pairs,
        max_cost=s.graphql_max_cost,
    )
    graphql = GraphQLEndpoint(c, schema)
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
        Route("/exports/{name}.csv", export_endpoint(c), methods=["GET"]),
        Route(
            "/exports/performance-reviews/{review_id}.pdf",
            review_pdf_endpoint(c),
            methods=["GET"],
        ),
        Route("/oauth/token", token_endpoint(c), methods=["POST"]),
        Route("/.well-known/jwks.json", jwks_endpoint(c), methods=["GET"]),
        Route(
            "/webhooks/{source}/{integration_id}",
            webhook_endpoint(c),
            methods=["POST", "GET", "HEAD"],
        ),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz_endpoint(c), methods=["GET"]),
        Route("/metrics", metrics_endpoint(c), methods=["GET"]),
    ]
    if s.graphiql:
        routes.append(Mount(graphiql.ASSETS_PATH, app=graphiql.assets(), name="graphiql"))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # What exists at start-up lives as long as the process: out of the collector's
        # full passes, which otherwise hold the event loop ~0.12 s each (202k objects).
        gc.freeze()
        # A large read (agentScores of 1,000 agents) allocates ~20k containers that live
        # until its answer is sent: at the default 700 the young generations were
        # collected ~30 times a request, re-walking them, ~25% of its CPU (issue 12).
        # Cycles are rare here (references count most garbage away), so seldom is enough.
        gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)
        yield
        await c.live.close()
        c.close()

    middleware = [
        Middleware(AccessLog),  # outermost: preflights are logged and timed too
        Middleware(Cors, origins=s.cors_allow_origins, localhost=s.is_development),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
