"""Migrations go up and down on both databases, and match the table definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Text, inspect, select
from sqlmodel import SQLModel
from typer.testing import CliRunner

import infra.db.tables  # noqa: F401  (registers the tables)
from cli.main import app
from infra import admin
from infra.bootstrap import Container, install
from infra.db.engine import make_engine
from infra.db.migrate import downgrade, upgrade
from infra.db.tables import AUDIT_EVENT, INTEGRATION
from infra.settings import Settings
from tests.support.owner import owner_engine
from tests.support.schema import index_definition


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


def test_tickets_have_an_index_in_the_order_their_connection_pages(empty_database: str) -> None:
    """(tenant, created_at DESC NULLS LAST, source, external_id), as ticket_reads pages;
    SQLite's DESC puts NULLs last by itself (and it refuses NULLS LAST in an index)."""

    def definition() -> str | None:
        return index_definition(empty_database, "ix_ticket_page_order")

    upgrade(empty_database)
    found = definition()
    assert found is not None and found.startswith("CREATE INDEX ix_ticket_page_order ON ")
    assert found.endswith(
        "(tenant_id, created_at DESC NULLS LAST, source, external_id)"
        if empty_database.startswith("postgresql")
        else "(tenant_id, created_at DESC, source, external_id)"
    ), found
    downgrade(empty_database, "e1teams0010")
    assert definition() is None


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


def test_going_below_encryption_refuses_until_secrets_decrypt_has_run(
    empty_database: str, tmp_path: Path
) -> None:
    """Encrypted rows would be read as plaintext below d7secrets0007 (and a long token
    overflows the narrower column): the downgrade refuses until they are decrypted."""
    upgrade(empty_database)
    settings = Settings(
        database_url=empty_database, redis_url=None, data_dir=tmp_path, jwt_issuer="https://t"
    )
    c = Container(settings)
    install(c)  # the CLI's process-wide container
    try:
        tenant = admin.create_tenant(c, slug="acme", name="Acme", timezone="UTC")
        secret = "é" * 500  # its token outgrows VARCHAR(1000)
        admin.create_integration(c, tenant=tenant.id, source="zendesk", secret=secret)

        with pytest.raises(RuntimeError, match="fairscore secrets decrypt"):
            downgrade(empty_database, "d6clients0006")
        result = CliRunner().invoke(app, ["secrets", "decrypt", "--json"])

        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"decrypted": 1, "already_plaintext": 0}
        with owner_engine(c).connect() as conn:
            assert conn.execute(select(INTEGRATION.c.secret)).scalar_one() == secret
            actions = conn.execute(select(AUDIT_EVENT.c.action)).scalars().all()
        assert "secrets decrypt" in actions
    finally:
        install(None)
        c.close()
    downgrade(empty_database, "d6clients0006")
    engine = make_engine(empty_database)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(INTEGRATION.c.secret)).scalar_one() == secret
    finally:
        engine.dispose()
    upgrade(empty_database)  # plaintext rows are read as they are at head
