"""outbox shared budget: one send budget per bot and per-chat pacing, shared by processes

Used on PostgreSQL only (several sender processes); SQLite paces in memory. Additive.

Revision ID: 0015
Revises: 0008
Create Date: 2026-11-30 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0015"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_budget",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("next_slot_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("paused_until", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_budget")),
    )
    op.create_table(
        "outbox_chat_pace",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("next_send_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_outbox_chat_pace")),
    )


def downgrade() -> None:
    op.drop_table("outbox_chat_pace")
    op.drop_table("outbox_budget")
