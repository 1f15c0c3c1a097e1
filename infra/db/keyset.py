"""Keyset paging: a list's order, stated once, gives both its ORDER BY and the condition
"past this row", so a page never uses OFFSET and never skips or repeats a row.

The order must be total (its last key unique, e.g. the id), and its columns NOT NULL:
a NULL compares as unknown and would drop rows (tickets, whose creation may be missing,
spell their NULLS LAST order out in infra/db/repositories/ticket_reads.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_


@dataclass(frozen=True, slots=True)
class Key:
    column: ColumnElement[Any]
    descending: bool = False


class Keyset:
    def __init__(self, *keys: Key) -> None:
        self.keys = keys

    def page(
        self, stmt: Select[Any], *, limit: int | None, after: Sequence[Any] | None
    ) -> Select[Any]:
        """`stmt` in this order, from the row past `after` (the keys' values of the last
        row seen), at most `limit` rows (None: all)."""
        if after is not None:
            stmt = stmt.where(self.after(after))
        stmt = stmt.order_by(*(k.column.desc() if k.descending else k.column for k in self.keys))
        return stmt if limit is None else stmt.limit(limit)

    def after(self, values: Sequence[Any]) -> ColumnElement[bool]:
        if len(values) != len(self.keys):
            raise ValueError(f"a position has {len(self.keys)} values, got {len(values)}")
        past: list[ColumnElement[bool]] = []
        for i, (key, value) in enumerate(zip(self.keys, values, strict=True)):
            ties = [k.column == v for k, v in zip(self.keys[:i], values[:i], strict=True)]
            beyond = key.column < value if key.descending else key.column > value
            past.append(and_(*ties, beyond))
        # The OR is exact but no index bound; the first key's own bound, implied by it,
        # lets an index on the order start at the position instead of filtering up to it.
        first, value = self.keys[0], values[0]
        bound = first.column <= value if first.descending else first.column >= value
        return and_(bound, or_(*past))
