"""What every CSV export (SPEC §6) shares: the rules of its query parameters and its cells.

Cells are RFC 4180 (CRLF line ends, quotes doubled where needed) and defused: a text cell a
spreadsheet would run as a formula gets a leading `'` (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from starlette.datastructures import QueryParams

from api.narrowing import EmptyNarrowingError, narrowing
from domain.periods import Grain, Period, PeriodRangeError, normalise

# A spreadsheet runs a text cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | float | int | None
Row = list[Cell]


class ExportError(ValueError):
    """Bad query parameters: answered 400 with the message."""


def parse_period(params: QueryParams) -> Period:
    """`grain` and `start` (any day of the period), as GraphQL's PeriodInput."""
    grain, start = params.get("grain"), params.get("start")
    if grain is None or grain not in Grain.__members__:
        raise ExportError(f"grain must be one of {', '.join(Grain)}")
    try:
        day = date.fromisoformat(start or "")
    except ValueError:
        raise ExportError("start must be a date (YYYY-MM-DD)") from None
    try:
        return normalise(Grain(grain), day)
    except PeriodRangeError as exc:
        raise ExportError(str(exc)) from None


def optional_text(params: QueryParams, name: str, every: str) -> str | None:
    """A narrowing parameter: absent means every `every`; present but empty is a mistake
    (as `teamId: ""` in GraphQL), not "every"."""
    try:
        return narrowing(params.get(name), name, every)
    except EmptyNarrowingError as exc:
        raise ExportError(str(exc)) from None


def cell(value: Cell) -> str:
    """A CSV cell: empty for null, repr for numbers (round-trips), text defused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return repr(value)


def encode(lines: Iterable[Sequence[Cell]]) -> str:
    """Lines of cells as CSV text (RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: CRLF line ends, quotes doubled where needed
    writer.writerows([cell(v) for v in row] for row in lines)
    return out.getvalue()
