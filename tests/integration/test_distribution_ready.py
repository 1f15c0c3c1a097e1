"""The schema stays ready to be distributed by `tenant_id` (issue 13, docs/scaling.md).

Citus co-locates a tenant's rows on one shard when every tenant table is distributed by
`tenant_id`; it can then enforce a primary, unique or foreign key only if the key includes
`tenant_id`. Read from the migrated PostgreSQL catalog, so a new table or constraint that
breaks the rule fails here, with its name. The other half of the rule (no query joins two
tenant tables without an equality on `tenant_id`) is checked on the SQL the repositories
emit, by the statement-scope tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

SCALING_DOC = Path(__file__).parents[2] / "docs" / "scaling.md"

# Tables kept whole on every node (Citus reference tables), each with why.
REFERENCE_TABLES = {
    # A webhook names its integration by id alone, before the tenant is known: the
    # intake's one lookup needs a unique id across tenants.
    "integration",
}

TENANT_TABLES = """
SELECT table_name FROM information_schema.columns
WHERE table_schema = 'public' AND column_name = 'tenant_id'
"""

KEYS = """
SELECT cl.relname, con.conname,
       array(SELECT a.attname FROM unnest(con.conkey) AS k
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k)
FROM pg_constraint con
JOIN pg_class cl ON cl.oid = con.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE n.nspname = 'public' AND con.contype IN ('p', 'u', 'f')
"""

UNIQUE_INDEXES = """
SELECT tablename, indexname, indexdef FROM pg_indexes
WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%'
"""

ALL_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"


def _read(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _tenant_tables(url: str) -> set[str]:
    return {str(name) for (name,) in _read(url, TENANT_TABLES)}


def test_every_key_of_a_distributed_table_includes_tenant_id(postgres_url: str) -> None:
    distributed = _tenant_tables(postgres_url) - REFERENCE_TABLES
    assert len(distributed) > 20  # the catalog was read, not an empty schema

    keys = [
        f"{table}.{name} {list(columns)}"
        for table, name, columns in _read(postgres_url, KEYS)
        if table in distributed and "tenant_id" not in columns
    ]
    unique_indexes = [
        f"{table}.{name}"
        for table, name, definition in _read(postgres_url, UNIQUE_INDEXES)
        if table in distributed and "tenant_id" not in str(definition)
    ]

    assert keys == [], "keys of tenant tables without tenant_id (Citus cannot enforce them)"
    assert unique_indexes == [], "unique indexes of tenant tables without tenant_id"


def test_the_scaling_guide_distributes_every_table(postgres_url: str) -> None:
    """docs/scaling.md lists the Citus call for every table, so it cannot fall behind."""
    doc = SCALING_DOC.read_text()
    distributed = set(re.findall(r"create_distributed_table\('(\w+)', 'tenant_id'", doc))
    reference = set(re.findall(r"create_reference_table\('(\w+)'\)", doc))
    tables = {str(name) for (name,) in _read(postgres_url, ALL_TABLES)} - {"alembic_version"}
    tenant_tables = _tenant_tables(postgres_url)

    assert distributed == tenant_tables - REFERENCE_TABLES
    assert reference == (tables - tenant_tables) | REFERENCE_TABLES
