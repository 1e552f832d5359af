"""relayed messages (ids only, for reply routing) and a couple's kennismaking

`relay_message` maps a copy the bot made in a recipient's chat (chat id + message id) to
the thread it belongs to (the person it came from, and the couple if any), so a reply to
it goes back the right way. No text is stored. `couple.meeting_at` / `meeting_place`: the
kennismaking (first meeting) the owner planned.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "relay_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_relay_message_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["person.id"],
            name=op.f("fk_relay_message_peer_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couple.id"],
            name=op.f("fk_relay_message_couple_id_couple"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_message")),
        sa.UniqueConstraint("chat_id", "message_id", name=op.f("uq_relay_message_chat_id")),
    )
    op.create_index(
        "ix_relay_message_person_created", "relay_message", ["person_id", "created_at"]
    )
    with op.batch_alter_table("couple") as batch:
        batch.add_column(
            sa.Column("meeting_at", storage.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("meeting_place", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("couple") as batch:
        batch.drop_column("meeting_place")
        batch.drop_column("meeting_at")
    op.drop_index("ix_relay_message_person_created", table_name="relay_message")
    op.drop_table("relay_message")
