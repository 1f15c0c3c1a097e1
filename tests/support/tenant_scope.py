"""The statement-level wall of tenant isolation (issue 11): every statement a tenant's unit
of work sends that reads or changes a tenant table ties that table's `tenant_id` to a
bound value — directly (`t.tenant_id = :t`, `IN`), or through other tenant tables'
`tenant_id` columns that are (a join on `a.tenant_id = b.tenant_id`).

`watching_tenant_statements()` listens on every ORM session (`do_orm_execute`) and notes
the statements of tenant-scoped sessions (infra/db/roles.scope_to_tenant marks them)
that leave a tenant table unscoped; the cross-tenant system sessions are not marked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import (
    BinaryExpression,
    BindParameter,
    ClauseElement,
    ClauseList,
    ColumnClause,
    Grouping,
    Tuple,
)
from sqlalchemy.sql.selectable import Alias, TextualSelect

from infra.db.roles import TENANT_SESSION

_TIES = {operators.eq, operators.in_op}


def unscoped_tables(statement: ClauseElement) -> set[str]:
    """The tenant tables `statement` reads or changes without a tenant scope."""
    if isinstance(statement, Insert):  # the rows it writes are checked by their values
        if statement.select is None:
            return set()
        statement = statement.select
    if isinstance(statement, TextualSelect) or not hasattr(statement, "get_children"):
        return set()
    scope = _Scope()
    for element in visitors.iterate(statement):
        scope.see(element)
    return scope.unscoped()


class _Scope:
    """Tenant tables and aliases of them, grouped by the tenant_id equalities that tie
    them together; the group of node 0 is tied to a bound value."""

    def __init__(self) -> None:
        self.tables: dict[int, str] = {}
        # A table seen only inside its aliases is read as the aliases, not itself.
        self.aliased: set[int] = set()
        self.direct: set[int] = set()
        self.parent: dict[int, int] = {}

    def see(self, element: Any) -> None:
        owner = _tenant_table(element)
        if owner is not None:
            self.tables[id(owner)] = _name(owner)
            if isinstance(owner, Alias):
                self.aliased.add(id(owner.element))
        elif isinstance(element, ColumnClause) and element.table is not None:
            table = _tenant_table(element.table)
            if isinstance(table, Table):
                self.direct.add(id(table))
        elif isinstance(element, BinaryExpression) and element.operator in _TIES:
            left, right = _tenant_owners(element.left), _tenant_owners(element.right)
            for side, other in ((left, element.right), (right, element.left)):
                if _is_bound(other):
                    for owner_id in side:
                        self.tie(owner_id, 0)
            for a in left:
                for b in right:
                    self.tie(a, b)

    def root(self, node: int) -> int:
        while self.parent.get(node, node) != node:
            node = self.parent[node]
        return node

    def tie(self, a: int, b: int) -> None:
        self.parent[self.root(a)] = self.root(b)

    def unscoped(self) -> set[str]:
        read = {k for k in self.tables if k not in self.aliased or k in self.direct}
        return {self.tables[k] for k in read if self.root(k) != self.root(0)}


def _tenant_table(element: Any) -> Any:
    element = element._deannotate() if hasattr(element, "_deannotate") else element
    if isinstance(element, Table) and "tenant_id" in element.c:
        return element
    if isinstance(element, Alias) and isinstance(element.element, Table):
        return element if "tenant_id" in element.element.c else None
    return None


def _name(owner: Any) -> str:
    return str(owner.name if isinstance(owner, Table) else owner.element.name)


def _tenant_owners(side: Any) -> list[int]:
    """The tables whose tenant_id `side` is (or, for a tuple, holds)."""
    columns = side.clauses if isinstance(side, Tuple) else [side]
    owners = []
    for found in columns:
        column = found._deannotate() if hasattr(found, "_deannotate") else found
        if isinstance(column, ColumnClause) and column.name == "tenant_id":
            owner = _tenant_table(column.table)
            if owner is not None:
                owners.append(id(owner))
    return owners


def _is_bound(side: Any) -> bool:
    if isinstance(side, BindParameter):
        return True
    if isinstance(side, Grouping | Tuple | ClauseList):
        return all(_is_bound(c) for c in side.get_children())
    return False


@contextmanager
def watching_tenant_statements() -> Iterator[list[tuple[str, set[str]]]]:
    """Notes (statement, unscoped tables) for each offending statement of a tenant session
    while the block runs."""
    found: list[tuple[str, set[str]]] = []

    def check(state: ORMExecuteState) -> None:
        if TENANT_SESSION not in state.session.info:
            return
        unscoped = unscoped_tables(state.statement)
        if unscoped:
            found.append((str(state.statement), unscoped))

    event.listen(Session, "do_orm_execute", check)
    try:
        yield found
    finally:
        event.remove(Session, "do_orm_execute", check)
