"""Migrations go up and down on both databases, and match the table definitions."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Text, inspect
from sqlmodel import SQLModel

import infra.db.tables  # noqa: F401  (registers the tables)
from infra.db.engine import make_engine
from infra.db.migrate import downgrade, upgrade


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_head_then_downgrade_base_then_upgrade_again(empty_database: str) -> None:
    upgrade(empty_database)
    assert tables(empty_database) == set(SQLModel.metadata.tables)
    downgrade(empty_database, "base")
    assert tables(empty_database) == set()
    upgrade(empty_database)
    assert tables(empty_database) == set(SQLModel.metadata.tables)


def test_the_migrated_schema_matches_the_table_definitions(empty_database: str) -> None:
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_every_tenant_owned_table_has_tenant_id_in_its_primary_key() -> None:
    for name, table in SQLModel.metadata.tables.items():
        if name == "tenant":
            continue
        assert "tenant_id" in table.primary_key.columns, name
        for fk in table.foreign_key_constraints:
            assert "tenant_id" in fk.column_keys, (name, fk.column_keys)
        for constraint in table.constraints:
            if constraint.__class__.__name__ == "UniqueConstraint":
                assert "tenant_id" in [c.name for c in constraint.columns], name


def test_an_integration_id_is_unique_across_tenants(empty_database: str) -> None:
    """Webhook URLs name an integration by id alone, so the database keeps ids unique."""
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        indexes = {i["name"]: i for i in inspect(engine).get_indexes("integration")}
        assert indexes["ix_integration_id"]["column_names"] == ["id"]
        assert indexes["ix_integration_id"]["unique"]
    finally:
        engine.dispose()
    downgrade(empty_database, "a1engine0002")  # and back, cleanly
    upgrade(empty_database)


def test_the_client_rotation_column_goes_down_keeping_the_table_and_its_index(
    empty_database: str,
) -> None:
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        downgrade(empty_database, "c3quality0004")
        columns = {c["name"] for c in inspect(engine).get_columns("api_client")}
        indexes = {i["name"] for i in inspect(engine).get_indexes("api_client")}
        assert "secret_rotated_at" not in columns and "revoked_at" in columns
        assert "ix_api_client_client_id" in indexes
    finally:
        engine.dispose()
    upgrade(empty_database)


def test_the_previous_secret_columns_go_down_keeping_the_rotation_column(
    empty_database: str,
) -> None:
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("api_client")}
        assert {"previous_secret_hash", "previous_secret_expires_at"} <= columns
        downgrade(empty_database, "d5clients0005")
        columns = {c["name"] for c in inspect(engine).get_columns("api_client")}
        assert "previous_secret_hash" not in columns and "secret_rotated_at" in columns
        assert "previous_secret_expires_at" not in columns
    finally:
        engine.dispose()
    upgrade(empty_database)


def test_the_wider_integration_secret_goes_down_keeping_the_unique_id_index(
    empty_database: str,
) -> None:
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        width = {c["name"]: c["type"] for c in inspect(engine).get_columns("integration")}
        assert isinstance(width["secret"], Text) and width["secret"].length is None
        downgrade(empty_database, "d8audit0008")
        width = {c["name"]: c["type"] for c in inspect(engine).get_columns("integration")}
        assert width["secret"].length == 1000
        downgrade(empty_database, "d6clients0006")
        width = {c["name"]: c["type"] for c in inspect(engine).get_columns("integration")}
        indexes = {i["name"]: i["unique"] for i in inspect(engine).get_indexes("integration")}
        assert width["secret"].length == 500
        assert indexes.get("ix_integration_id") in (True, 1)
    finally:
        engine.dispose()
    upgrade(empty_database)
