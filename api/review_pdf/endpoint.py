"""GET /exports/performance-reviews/{id}.pdf: one performance review as a PDF.

The bearer token of GraphQL and the CSV exports, scope `people:read` (HR data, like every
§7 field: `read` and `admin` give nothing), the token's tenant: a review of another tenant
is a 404, as one that does not exist. Errors are GraphQL-shaped JSON, like the 401 and 503
every endpoint answers.

Rendering is CPU work (tens of milliseconds, a few hundred for a long review): it runs in a
worker thread, at most RENDER_THREADS at a time per process, so a burst of downloads
neither blocks the event loop nor takes the threads the database reads need. A review's
size is bounded by the domain (feedback and self-assessment at most FEEDBACK_LIMIT
characters each, a fixed set of metrics, at most four periods), and so is the PDF.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.context import Context, QueryTimeoutError
from api.graphql_endpoint import REALM, authorised, unavailable
from api.http_errors import graphql_errors
from api.review_pdf.document import render
from api.review_pdf.handout import read_handout
from domain.auth import Scope
from infra.bootstrap import Container, SQLAlchemyError

RENDER_THREADS = 2  # concurrent renders per API process (the machine's cores do the work)
MAX_ID = 64  # characters: a longer id names no review

log = logging.getLogger(__name__)


def review_pdf_endpoint(container: Container) -> Callable[[Request], Awaitable[Response]]:
    renders = anyio.CapacityLimiter(RENDER_THREADS)

    async def endpoint(request: Request) -> Response:
        principal = await authorised(container, request, Scope.PEOPLE_READ, _forbidden)
        if isinstance(principal, Response):
            return principal
        review_id = request.path_params["review_id"]
        if len(review_id) > MAX_ID:
            return _not_found(review_id[:MAX_ID] + "…")
        context = Context(principal=principal, container=container)
        try:
            handout = await context.read_uow(partial(read_handout, review_id=review_id))
        except QueryTimeoutError as exc:
            return unavailable(exc.message)
        except SQLAlchemyError:
            log.warning(
                "a review PDF could not be read: the database is unavailable", exc_info=True
            )
            return unavailable("the database is unavailable; retry later")
        if handout is None:
            return _not_found(review_id)
        body = await anyio.to_thread.run_sync(render, handout, limiter=renders)
        return Response(
            body,
            media_type="application/pdf",
            headers={
                # The stored id (hex), not the path's text: nothing to quote.
                "Content-Disposition": f'attachment; filename="performance-review-'
                f'{handout.review.id}.pdf"'
            },
        )

    return endpoint


def _error(status: int, message: str, code: str, **headers: str) -> JSONResponse:
    return JSONResponse(graphql_errors(message, code), status_code=status, headers=headers or None)


def _forbidden() -> JSONResponse:
    scope = Scope.PEOPLE_READ.value
    return _error(
        403,
        f"a performance review's PDF needs the '{scope}' scope",
        "FORBIDDEN",
        **{"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{scope}"'},
    )


def _not_found(review_id: str) -> JSONResponse:
    return _error(404, f"no performance review {review_id!r}", "NOT_FOUND")
