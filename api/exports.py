"""GET /exports/{name}.csv (SPEC §6): agentScores, teamScores and tenantMetrics as CSV;
tickets.csv is api/tickets/export.py.

The same bearer token, scope (`read`) and tenant as GraphQL, and the same values: rows come
from the reads the resolvers use (api/scores/reads.py). One header row, then one row per
subject: its columns, `total`, then `<key>` and `<key>_sample_size` for each metric of the
level (the calendar-basis `metrics { value sampleSize }` of GraphQL), and for agents and
teams `<key>_expected` and `<key>_adjusted` after each case-mix adjusted metric (SPEC §8:
`expected`, and `adjustedRatio` or `adjustedDifference`). RFC 4180 quoting.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import cast

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from api.context import Context, QueryTimeoutError
from api.export_format import ExportError, Row, encode, optional_text, parse_period
from api.graphql_endpoint import REALM, authorised, unavailable
from api.scores import reads
from api.scores.reads import ScoredFields
from api.tickets import export as tickets
from domain.auth import Principal, Scope
from domain.casemix import ADJUSTED_METRICS
from domain.metrics import Basis, Level
from domain.periods import Period
from domain.values import MetricSet, with_nulls
from domain.views import TenantReads
from infra.bootstrap import Container, SQLAlchemyError

CHUNK_ROWS = 200  # rows per streamed chunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Query:
    period: Period
    team_id: str | None


@dataclass(frozen=True)
class Export:
    level: Level
    subject_columns: tuple[str, ...]
    takes_team: bool
    # Reads the rows in one read unit of work: (subject cells, scored fields) per subject.
    rows: Callable[[TenantReads, Query, Principal], list[tuple[Row, ScoredFields]]]


def _agent_rows(r: TenantReads, q: Query, _: Principal) -> list[tuple[Row, ScoredFields]]:
    found = reads.agent_scores(r, q.period, team_id=q.team_id)
    return [([a.id, a.external_id, a.name], fields) for a, fields in found]


def _team_rows(r: TenantReads, q: Query, _: Principal) -> list[tuple[Row, ScoredFields]]:
    return [([t.id, t.name], fields) for t, fields in reads.team_scores(r, q.period)]


def _tenant_rows(r: TenantReads, q: Query, who: Principal) -> list[tuple[Row, ScoredFields]]:
    return [([who.tenant_id], reads.tenant_metrics(r, q.period, tenant_id=who.tenant_id))]


EXPORTS = {
    "agent-scores": Export(
        Level.AGENT, ("agent_id", "agent_external_id", "agent_name"), True, _agent_rows
    ),
    "team-scores": Export(Level.TEAM, ("team_id", "team_name"), False, _team_rows),
    "tenant-metrics": Export(Level.TENANT, ("tenant_id",), False, _tenant_rows),
}


def export_endpoint(container: Container) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        principal = await authorised(container, request, Scope.READ, _forbidden)
        if isinstance(principal, Response):
            return principal
        name = request.path_params["name"]
        context = Context(principal=principal, container=container)
        try:
            if name == tickets.NAME:
                wanted = tickets.parse_query(request.query_params)
                return _csv(tickets.filename(wanted), await tickets.stream(context, wanted))
            export = EXPORTS.get(name)
            if export is None:
                names = ", ".join([*EXPORTS, tickets.NAME])
                return PlainTextResponse(f"no such export; one of {names}", 404)
            query = parse_query(request.query_params, takes_team=export.takes_team)
            rows = await context.read(lambda r: export.rows(r, query, principal))
        except ExportError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        except QueryTimeoutError as exc:  # API_STATEMENT_TIMEOUT: answered, not a crash
            return unavailable(exc.message)
        except SQLAlchemyError:  # before the response starts, so the client can retry
            log.warning("an export could not be read: the database is unavailable", exc_info=True)
            return unavailable("the database is unavailable; retry later")
        p = query.period
        return _csv(f"{name}-{p.grain.value.lower()}-{p.start}.csv", _stream(export, rows))

    return endpoint


def _csv(filename: str, body: AsyncIterator[str]) -> Response:
    return StreamingResponse(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def parse_query(params: QueryParams, *, takes_team: bool) -> Query:
    period = parse_period(params)
    if "teamId" in params and not takes_team:
        raise ExportError("teamId applies to agent-scores and tickets only")
    return Query(period, optional_text(params, "teamId", "agent"))


def _forbidden() -> Response:
    return PlainTextResponse(
        "this export needs the 'read' scope",
        status_code=403,
        headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="read"'},
    )


def metric_keys(level: Level) -> list[str]:
    """The calendar-basis metric keys of `level`, in the order GraphQL lists them."""
    return [key for key, basis in with_nulls({}, level=level) if basis is Basis.CALENDAR]


def adjusted_keys(level: Level) -> set[str]:
    """The metrics whose case mix (SPEC §8) the export lists: none for the tenant."""
    return set() if level is Level.TENANT else set(ADJUSTED_METRICS)


def header(export: Export) -> list[str]:
    adjusted = adjusted_keys(export.level)
    metric_cells: list[str] = []
    for k in metric_keys(export.level):
        metric_cells += [k, f"{k}_sample_size"]
        if k in adjusted:
            metric_cells += [f"{k}_expected", f"{k}_adjusted"]
    return [*export.subject_columns, "total", *metric_cells]


def line(keys: Sequence[str], adjusted: set[str], subject: Row, fields: ScoredFields) -> Row:
    values = cast(MetricSet, fields["values"])
    cells: Row = [*subject, reads.total_of(fields)]
    for key in keys:
        v = values[(key, Basis.CALENDAR)]
        cells += [v.value, v.sample_size]
        if key in adjusted:
            mix = v.case_mix
            cells += [mix.expected, mix.adjusted] if mix else [None, None]
    return cells


async def _stream(export: Export, rows: Sequence[tuple[Row, ScoredFields]]) -> AsyncIterator[str]:
    keys, adjusted = metric_keys(export.level), adjusted_keys(export.level)
    yield encode([header(export)])
    for i in range(0, len(rows), CHUNK_ROWS):
        yield encode(line(keys, adjusted, s, f) for s, f in rows[i : i + CHUNK_ROWS])
