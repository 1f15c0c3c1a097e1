"""`metric_sample` and `ticket` lose their foreign key to `tenant`; deleting a tenant
deletes them by trigger instead of by cascade.

Both are derived rows that a bulk rebuild writes with COPY by the million (infra/bulk/
fold_worker.py), and the key checked each row against `tenant` (a lookup and a row lock
per row): of COPYing a 100k-ticket tenant's 1.22M samples into metric_sample after the
rebuild's clear, 18-23 s of backend CPU with the key, 12-13 s without; of its 100k
tickets, 2.1 s with, 1.7 s without. What the key gave:
- ON DELETE CASCADE: a trigger on `tenant` deletes the tenant's samples and tickets before
  the tenant row goes (before: `ticket` names agents and teams without a cascade of its
  own, so its rows must be gone before the cascade deletes those). On PostgreSQL it
  deletes as the tenant (`fairscore.tenant_id` set while it runs), so the
  tenant isolation policy admits exactly those rows, whoever deletes the tenant.
- that a row's tenant exists: the writers name the tenant their unit of work or rebuild
  was given, read from `tenant`; row-level security (not the key) keeps them to it.
  Left open: rows written by a transaction still running while its tenant is deleted.
  Nothing in Fairscore deletes a tenant; an operator who does stops its jobs first.

Revision ID: j0derivedfk0025
Revises: i0analyzeteam0024
Create Date: 2026-12-06 04:30:00.000000
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "j0derivedfk0025"
down_revision: str | None = "i0analyzeteam0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("metric_sample", "ticket")
TRIGGER = "tenant_derived_rows"
FUNCTION = "fairscore_delete_derived_rows"
FORCED = sa.text("SELECT relforcerowsecurity FROM pg_class WHERE oid = CAST(:t AS regclass)")
UNNAMED_KEYS = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    for table in TABLES:
        # SQLite may hold the key unnamed (as first created): the copy names it by convention.
        names = sa.MetaData(naming_convention=UNNAMED_KEYS)
        existing = sa.Table(table, names, autoload_with=op.get_bind())
        [key] = [k for k in existing.foreign_key_constraints if k.referred_table.name == "tenant"]
        with op.batch_alter_table(table, copy_from=existing) as batch_op:
            batch_op.drop_constraint(key.name, type_="foreignkey")
    _sqlite_page_order()
    if _postgres():
        _create_postgres_trigger()
    else:
        op.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE DELETE ON tenant FOR EACH ROW BEGIN {_deletes('')}END"
        )


def _create_postgres_trigger() -> None:
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    # The caller's tenant setting is put back by hand: a SET clause on the function would
    # do it, but PostgreSQL lets only a superuser attach one for a custom setting.
    op.execute(
        f"""CREATE FUNCTION {schema}.{FUNCTION}() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, pg_temp AS $$
        DECLARE caller text := current_setting('fairscore.tenant_id', true);
        BEGIN
          PERFORM set_config('fairscore.tenant_id', OLD.id, true);
          {_deletes(f"{schema}.")}
          PERFORM set_config('fairscore.tenant_id', coalesce(caller, ''), true);
          RETURN OLD;
        END $$"""
    )
    op.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE DELETE ON {schema}.tenant"
        f" FOR EACH ROW EXECUTE FUNCTION {schema}.{FUNCTION}()"
    )


def _deletes(schema: str) -> str:
    """The trigger's statements: the old row's derived rows go (names of this file only)."""
    return "".join(f"DELETE FROM {schema}{t} WHERE tenant_id = OLD.id; " for t in TABLES)  # noqa: S608


def downgrade() -> None:
    if _postgres():
        op.execute(f"DROP TRIGGER {TRIGGER} ON tenant")
        op.execute(f"DROP FUNCTION {FUNCTION}()")
    else:
        op.execute(f"DROP TRIGGER {TRIGGER}")
    for table in TABLES:
        with _unforced(table), op.batch_alter_table(table) as batch_op:
            batch_op.create_foreign_key(
                f"{table}_tenant_id_fkey", "tenant", ["tenant_id"], ["id"], ondelete="CASCADE"
            )
    _sqlite_page_order()


@contextmanager
def _unforced(table: str) -> Iterator[None]:
    """A new key checks every row, which forced row-level security refuses its owner while
    migrations run with row_security off: the table is unforced meanwhile."""
    forced = _postgres() and bool(op.get_bind().execute(FORCED, {"t": table}).scalar_one())
    if forced:
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    yield
    if forced:
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def _sqlite_page_order() -> None:
    """SQLite's copy of `ticket` rebuilt its page-order index without the DESC (lost in
    reflection): made again as e3tickets0012 made it."""
    if _postgres():
        return
    op.drop_index("ix_ticket_page_order", table_name="ticket")
    op.create_index(
        "ix_ticket_page_order",
        "ticket",
        ["tenant_id", sa.text("created_at DESC"), "source", "external_id"],
    )


def _postgres() -> bool:
    return bool(op.get_context().dialect.name == "postgresql")
