"""GET /exports/{name}.csv (SPEC §6): agentScores, teamScores and tenantMetrics as CSV.

The same bearer token, scope (`read`) and tenant as GraphQL, and the same values: rows come
from the reads the resolvers use (api/scores/reads.py). One header row, then one row per
subject: its columns, `total`, then `<key>` and `<key>_sample_size` for each metric of the
level (the calendar-basis `metrics { value sampleSize }` of GraphQL). RFC 4180 quoting.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from api.context import Context
from api.graphql_endpoint import REALM, authenticate
from api.scores import reads
from api.scores.reads import ScoredFields
from domain.auth import Principal, Scope
from domain.metrics import Basis, Level
from domain.periods import Grain, Period, PeriodRangeError, normalise
from domain.values import MetricSet, with_nulls
from domain.views import TenantReads
from infra.bootstrap import Container

CHUNK_ROWS = 200  # rows per streamed chunk
# A spreadsheet runs a text cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = list[str | float | int | None]


class ExportError(ValueError):
    """Bad query parameters: answered 400 with the message."""


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
        principal = await authenticate(container, request)
        if isinstance(principal, Response):
            return principal
        if not principal.has(Scope.READ):
            return _forbidden()
        export = EXPORTS.get(request.path_params["name"])
        if export is None:
            return PlainTextResponse(f"no such export; one of {', '.join(EXPORTS)}", 404)
        try:
            query = parse_query(request.query_params, takes_team=export.takes_team)
        except ExportError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        context = Context(principal=principal, container=container)
        rows = await context.read(lambda r: export.rows(r, query, principal))
        p = query.period
        name = f"{request.path_params['name']}-{p.grain.value.lower()}-{p.start}.csv"
        return StreamingResponse(
            _stream(export, rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return endpoint


def parse_query(params: QueryParams, *, takes_team: bool) -> Query:
    grain, start, team_id = params.get("grain"), params.get("start"), params.get("teamId")
    if grain is None or grain not in Grain.__members__:
        raise ExportError(f"grain must be one of {', '.join(Grain)}")
    try:
        day = date.fromisoformat(start or "")
    except ValueError:
        raise ExportError("start must be a date (YYYY-MM-DD)") from None
    if team_id is not None and not takes_team:
        raise ExportError("teamId applies to agent-scores only")
    if team_id == "":  # as agentScores(teamId: ""): a mistake, not "every team"
        raise ExportError("teamId must not be empty; leave it out for every agent")
    try:
        period = normalise(Grain(grain), day)
    except PeriodRangeError as exc:
        raise ExportError(str(exc)) from None
    return Query(period, team_id)


def _forbidden() -> Response:
    return PlainTextResponse(
        "this export needs the 'read' scope",
        status_code=403,
        headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="read"'},
    )


def metric_keys(level: Level) -> list[str]:
    """The calendar-basis metric keys of `level`, in the order GraphQL lists them."""
    return [key for key, basis in with_nulls({}, level=level) if basis is Basis.CALENDAR]


def header(export: Export) -> list[str]:
    metric_cells = [c for k in metric_keys(export.level) for c in (k, f"{k}_sample_size")]
    return [*export.subject_columns, "total", *metric_cells]


def line(keys: Sequence[str], subject: Row, fields: ScoredFields) -> Row:
    values = cast(MetricSet, fields["values"])
    cells: Row = [*subject, reads.total_of(fields)]
    for key in keys:
        v = values[(key, Basis.CALENDAR)]
        cells += [v.value, v.sample_size]
    return cells


def cell(value: str | float | int | None) -> str:
    """A CSV cell: empty for null, repr for numbers (round-trips), text defused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return repr(value)


async def _stream(export: Export, rows: Sequence[tuple[Row, ScoredFields]]) -> AsyncIterator[str]:
    keys = metric_keys(export.level)
    yield _encode([header(export)])
    for i in range(0, len(rows), CHUNK_ROWS):
        yield _encode(line(keys, s, f) for s, f in rows[i : i + CHUNK_ROWS])


def _encode(lines: Iterable[Sequence[str | float | int | None]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: CRLF line ends, quotes doubled where needed
    writer.writerows([cell(v) for v in row] for row in lines)
    return out.getvalue()
