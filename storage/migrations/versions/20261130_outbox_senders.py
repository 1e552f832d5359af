"""outbox senders: instance id on claims, sender heartbeats

Revision ID: 0003
Revises: 0004
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0003"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=40), nullable=True))
    op.create_table(
        "outbox_sender",
        sa.Column("instance_id", sa.String(length=40), nullable=False),
        sa.Column("started_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_outbox_sender")),
    )


def downgrade() -> None:
    op.drop_table("outbox_sender")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("claimed_by")
