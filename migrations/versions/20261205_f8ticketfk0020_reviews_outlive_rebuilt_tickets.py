"""QA records no longer hold a foreign key to `ticket`: a ticket row is derived data that a
whole-history rebuild deletes and writes again (infra/bulk/rebuild.py), and on PostgreSQL
the keys of reviews, review assignments and calibration tickets made that delete fail, so a
tenant with QA reviews could never be rebuilt. They name the ticket by its natural key
(source, external id), which a rebuild keeps, and the services check it exists on write.

Revision ID: f8ticketfk0020
Revises: f7rls0019
Create Date: 2026-12-05 11:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f8ticketfk0020"
down_revision: str | None = "f7rls0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = (
    ("review", "fk_review_ticket"),
    ("review_assignment", "fk_review_assignment_ticket"),
    ("calibration_ticket", "fk_calibration_ticket_ticket"),
)


def upgrade() -> None:
    for table, name in KEYS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    for table, name in KEYS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(
                name,
                "ticket",
                ["tenant_id", "ticket_source", "ticket_id"],
                ["tenant_id", "source", "external_id"],
            )
