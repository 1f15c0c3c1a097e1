"""Relay connection plumbing every paged list shares: `first`'s bounds, opaque cursors,
PageInfo, and the generic `Connection[Node]` of the lists paged by keyset. A cursor names
its list, so one list's cursor is refused by another."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError

from api.context import Info
from domain.ports import UnitOfWork
from domain.views import TenantReads

MAX_FIRST = 500
DEFAULT_FIRST = 50
NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")
KeyT = TypeVar("KeyT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def bad_input(message: str, field: str) -> GraphQLError:
    """A read query's invalid argument (error unions are for mutations)."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "field": field})


def page_size(first: int | None, default: int) -> int:
    """`first`, defaulted and checked against 1..MAX_FIRST."""
    size = default if first is None else first
    if not 1 <= size <= MAX_FIRST:
        raise bad_input(f"first must be between 1 and {MAX_FIRST}, got {size}", "first")
    return size


def encode_cursor(list_name: str, *position: str) -> str:
    raw = json.dumps([list_name, *position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, list_name: str, size: int) -> list[str]:
    """The `size` position parts of a cursor `encode_cursor(list_name, ...)` made; a
    BAD_USER_INPUT error on `after` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        parts = None
    valid = (
        isinstance(parts, list)
        and len(parts) == size + 1
        and parts[0] == list_name
        and all(isinstance(p, str) for p in parts)
    )
    if not valid:
        raise bad_input(f"not a cursor from {list_name}", "after")
    return list(parts[1:])


def _ordered_by(cursor: str, list_name: str, parse: Callable[[str], KeyT]) -> tuple[KeyT, str]:
    """The (key, id) position of a list ordered by a key, then by id; `parse` raises
    ValueError for text that is no key of the list."""
    text, row_id = decode_cursor(cursor, list_name, 2)
    try:
        key = parse(text)
    except ValueError:
        raise bad_input(f"not a cursor from {list_name}", "after") from None
    if not row_id:
        raise bad_input(f"not a cursor from {list_name}", "after")
    return key, row_id


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} names no time zone")
    return moment


def decode_timed_cursor(cursor: str, list_name: str) -> tuple[datetime, str]:
    """The (aware time, id) position of a list ordered by a time, then by id."""
    return _ordered_by(cursor, list_name, _aware)


def encode_timed_cursor(list_name: str, at: datetime, row_id: str) -> str:
    return encode_cursor(list_name, at.isoformat(), row_id)


def decode_dated_cursor(cursor: str, list_name: str) -> tuple[date, str]:
    """The (day, id) position of a list ordered by a day, then by id."""
    return _ordered_by(cursor, list_name, date.fromisoformat)


def encode_dated_cursor(list_name: str, day: date, row_id: str) -> str:
    return encode_cursor(list_name, day.isoformat(), row_id)


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@dataclass(frozen=True, slots=True)
class InUnitOfWork:
    """A list's count that a repository of the unit of work answers (the §7 lists: their
    repositories are not part of the read model, TenantReads)."""

    count: Callable[[UnitOfWork], int]


Counter = Callable[[TenantReads], int] | InUnitOfWork


@strawberry.type
class Connection(Generic[NodeT]):
    """A page of a list (GraphQL names it `<Node>Connection`)."""

    edges: list[Edge[NodeT]]
    page_info: PageInfo
    counter: strawberry.Private[Counter]

    @strawberry.field(description="Rows on every page together (one count, when asked)")
    async def total_count(self, info: Info) -> int:
        if isinstance(self.counter, InUnitOfWork):
            return await info.context.read_uow(self.counter.count)
        return await info.context.read(self.counter)


def connection(
    found: Sequence[RowT],
    first: int,
    *,
    cursor: Callable[[RowT], str],
    node: Callable[[RowT], NodeT],
    counter: Counter,
) -> Connection[NodeT]:
    """The page of `found`, which holds up to `first + 1` rows: one more than asked tells
    whether another page follows."""
    edges = [Edge(cursor=cursor(row), node=node(row)) for row in found[:first]]
    info = PageInfo(
        has_next_page=len(found) > first, end_cursor=edges[-1].cursor if edges else None
    )
    return Connection(edges=edges, page_info=info, counter=counter)
