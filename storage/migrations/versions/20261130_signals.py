"""place signals to partner organisations (issue 10 §3)

Additive: one new table `signal`, no change to existing ones.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("raised_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("purged_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open','picked_up','done','not_for_us')", name=op.f("ck_signal_status")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_signal_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_signal_area_id_area")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_signal_action_id_action"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["person.id"],
            name=op.f("fk_signal_sender_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["person.id"],
            name=op.f("fk_signal_answered_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal")),
    )
    op.create_index("ix_signal_organisation", "signal", ["organisation_id", "status"])
    op.create_index("ix_signal_area", "signal", ["area_id", "created_at"])
    op.create_index("ix_signal_sender_id", "signal", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_signal_sender_id", table_name="signal")
    op.drop_index("ix_signal_area", table_name="signal")
    op.drop_index("ix_signal_organisation", table_name="signal")
    op.drop_table("signal")
