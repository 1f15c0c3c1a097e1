"""The right to erasure cannot forget a table (issue 14 item 4): every table that names an
agent is either erased by a §7 repository (its `ERASES`, behind `erase_agent`) or kept on
purpose (`KEPT_AGENT_TABLES`, with the reason). A new §7 table, or any new table naming an
agent, fails here until it is one or the other; a §7 package's table never is "kept"."""

from __future__ import annotations

import re

from sqlalchemy import Table
from sqlmodel import SQLModel

import infra.db.tables  # noqa: F401 (registers every table)
from infra.db.repositories.people_data import KEPT_AGENT_TABLES, PEOPLE_DATA_STORES

# Columns that hold an agent id without a foreign key saying so (polymorphic owners and
# subjects, id lists) or with one (listed anyway: the key may be left out one day).
AGENT_COLUMN = re.compile(
    r"^(agent_ids?|.+_agent_ids?|owner_id|subject_id|reviewers?_ids?|reviewee_id|manager_id"
    r"|respondent_id|rater_id|assignee_id)$"
)


def names_an_agent(table: Table) -> bool:
    keys = any(fk.referred_table.name == "agent" for fk in table.foreign_key_constraints)
    return keys or any(AGENT_COLUMN.match(c.name) for c in table.columns)


def tables() -> dict[str, Table]:
    return dict(SQLModel.metadata.tables)


def erased() -> dict[str, str]:
    """Each erased table → the repository that erases it."""
    return {name: store.__name__ for store in PEOPLE_DATA_STORES for name in store.ERASES}


def module_of() -> dict[str, str]:
    """Each table → the module its row class is defined in."""
    return {
        m.local_table.name: m.class_.__module__
        for m in SQLModel._sa_registry.mappers
        if isinstance(m.local_table, Table)
    }


def test_every_table_that_names_an_agent_is_erased_or_kept_on_purpose() -> None:
    naming = {name for name, t in tables().items() if names_an_agent(t)}

    forgotten = naming - set(erased()) - set(KEPT_AGENT_TABLES)

    assert not forgotten, (
        f"{sorted(forgotten)} name an agent: erase them in a §7 repository (ERASES and "
        "erase_agent, listed in PEOPLE_DATA_STORES) or say in KEPT_AGENT_TABLES why they stay"
    )


def test_the_lists_name_real_tables_and_never_both() -> None:
    assert set(erased()) <= set(tables())
    assert set(KEPT_AGENT_TABLES) <= {n for n, t in tables().items() if names_an_agent(t)}
    assert not set(erased()) & set(KEPT_AGENT_TABLES)


def test_a_people_data_module_keeps_none_of_its_agent_tables() -> None:
    modules = module_of()
    people_modules = {modules[name] for name in erased()}

    kept_there = {n for n in KEPT_AGENT_TABLES if modules[n] in people_modules}
    unerased = {
        n
        for n, t in tables().items()
        if modules.get(n) in people_modules and names_an_agent(t) and n not in erased()
    }

    assert people_modules >= {
        "infra.db.tables.careers",
        "infra.db.tables.one_on_ones",
        "infra.db.tables.goals",
        "infra.db.tables.performance_reviews",
    }
    assert not kept_there and not unerased
