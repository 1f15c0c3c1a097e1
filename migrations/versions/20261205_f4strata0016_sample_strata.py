"""metric_sample gains channel and priority, the case-mix stratum of each observation
(SPEC §8: the ticket's channel and priority at the sample's time); ticket gains priority
(its current one, beside channel). All nullable: samples of no ticket (activity, reviews)
and tickets whose helpdesk sends no priority have none.

Until now no event could carry a priority or change a channel, so the existing samples'
stratum is their ticket's channel and no priority: the upgrade fills it from the ticket
row, which is exactly what folding them again would write (one UPDATE over the ticket's
primary key; reviews' samples, source 'fairscore', have no ticket).

Revision ID: f4strata0016
Revises: f3oneonone0015
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f4strata0016"
down_revision: str | None = "f3oneonone0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("metric_sample") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("priority", sa.String(length=16), nullable=True))
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("priority", sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE metric_sample SET channel = (SELECT t.channel FROM ticket t"
        " WHERE t.tenant_id = metric_sample.tenant_id AND t.source = metric_sample.source"
        " AND t.external_id = metric_sample.origin) WHERE source <> 'fairscore'"
    )


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("priority")
    with op.batch_alter_table("metric_sample") as batch:
        batch.drop_column("priority")
        batch.drop_column("channel")
