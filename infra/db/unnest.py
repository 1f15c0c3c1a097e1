"""Multi-row INSERT … ON CONFLICT on PostgreSQL as one constant statement over arrays.

A multi-row `INSERT … VALUES (…), (…)` is a new statement for every row count: SQLAlchemy
compiles it afresh and psycopg re-parses its placeholders each time — measured at ≈ 40% of
a worker's time (issue 10). `INSERT … SELECT … FROM unnest(:col1, :col2, …)` binds one
array per column: the text never changes, so both layers cache it, however many rows.

The arrays of text (ids, JSON) go in PostgreSQL's binary array format: in the text format
psycopg escapes every element's quotes and backslashes with a regular expression, ~56 µs a
row for a snapshot's ~0.9 KB of metrics JSON against ~0.7-0.9 µs in binary (bench/array_dump.py,
bench/RESULTS.txt) -- ~9% of a worker's samples under freshness case 1 (py-spy). The other
columns stay in text: a binary array takes one element type from its first element, and a
float column may hold ints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from psycopg import adapters
from psycopg.types.array import ListBinaryDumper
from sqlalchemy import JSON, Result, String, Table, TypeDecorator, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

_PG = postgresql.dialect()  # type: ignore[no-untyped-call]


class TextArray(list[str | None]):
    """A text[] parameter that psycopg sends in the binary format (registered below)."""


adapters.register_dumper(TextArray, ListBinaryDumper)


def insert_unnest(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: tuple[str, ...],
    update: bool = False,
    returning: str | None = None,
    around: str | None = None,
) -> Result[Any]:
    """Insert `rows` (dicts with the same keys); on a `conflict` key do nothing, or with
    `update` overwrite the other given columns (no key: a plain INSERT). Rows must be
    unique on the key. `around`: a statement holding the INSERT at `{insert}` (a CTE that
    reads what it returned, in the same round trip)."""
    columns = tuple(rows[0])
    sql = _statement(
        table, columns, conflict=conflict, update=update, returning=returning, around=around
    )
    json_columns = _json_columns(table, columns)
    texts = _text_columns(table, columns)
    params = {
        f"c{i}": (TextArray if name in texts else list)(
            _bound(table, name, row[name], name in json_columns) for row in rows
        )
        for i, name in enumerate(columns)
    }
    return session.execute(sql, params)


def _bound(table: Table, name: str, value: Any, is_json: bool) -> Any:
    if is_json:
        return _json(value)
    process = _processor(table, name)
    return value if process is None else process(value)


@cache
def _processor(table: Table, name: str) -> Callable[[Any], Any] | None:
    """A column type's own bind step (e.g. UtcDateTime refuses naive times)."""
    column_type = table.c[name].type
    if isinstance(column_type, TypeDecorator):
        return column_type.bind_processor(_PG)
    return None


@cache
def _statement(
    table: Table,
    columns: tuple[str, ...],
    *,
    conflict: tuple[str, ...],
    update: bool,
    returning: str | None,
    around: str | None,
) -> Any:
    json_columns = _json_columns(table, columns)
    arrays = ", ".join(
        f"CAST(:c{i} AS {_array_type(table, name, name in json_columns)})"
        for i, name in enumerate(columns)
    )
    picked = ", ".join(
        f"r.{n}::{_json_type(table, n)}" if n in json_columns else f"r.{n}" for n in columns
    )
    if update:
        changed = ", ".join(f"{n} = EXCLUDED.{n}" for n in columns if n not in conflict)
        action = f"DO UPDATE SET {changed}"
    else:
        action = "DO NOTHING"
    # Identifiers only, all of them the table's own (`table.c[name]` above checks each).
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {picked} FROM unnest({arrays}) AS r({', '.join(columns)})"
    )
    if conflict:
        sql += f" ON CONFLICT ({', '.join(conflict)}) {action}"
    if returning:
        sql += f" RETURNING {returning}"
    return text(sql if around is None else around.replace("{insert}", sql))


@cache
def _text_columns(table: Table, columns: tuple[str, ...]) -> frozenset[str]:
    """The columns bound as text[] (TextArray: in the binary format)."""
    json_columns = _json_columns(table, columns)
    return frozenset(n for n in columns if _array_type(table, n, n in json_columns) == "text[]")


@cache
def _json_columns(table: Table, columns: tuple[str, ...]) -> frozenset[str]:
    return frozenset(n for n in columns if isinstance(table.c[n].type, JSON))


def _json_type(table: Table, name: str) -> str:
    """The column's own type, json or jsonb: the text is cast once, to what is stored."""
    return str(table.c[name].type.dialect_impl(_PG).compile(dialect=_PG)).lower()


def _array_type(table: Table, name: str, is_json: bool) -> str:
    column_type = table.c[name].type
    if is_json:
        return "text[]"  # cast per element below: psycopg sends the JSON text
    if isinstance(column_type, String) or isinstance(getattr(column_type, "impl", None), String):
        # Not varchar(n)[]: an explicit cast would truncate silently; the column's own
        # assignment cast refuses a value too long, as a plain INSERT does.
        return "text[]"
    return f"{column_type.compile(dialect=_PG)}[]"


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))
