"""action results (per person, per street), themes per area, flyers and sign-up attribution

Additive: five new tables, no change to existing ones. The lead re-chains down_revision
at merge.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-29 23:10:31.032230
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_area_theme_area_id_area")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_area_theme_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_theme")),
        sa.UniqueConstraint("area_id", "key", name=op.f("uq_area_theme_area_id")),
    )
    op.create_table(
        "action_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("street", sa.String(length=80), nullable=False),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.Column("new_residents", sa.Integer(), nullable=False),
        sa.Column("recorded_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "conversations BETWEEN 0 AND 1000", name=op.f("ck_action_result_conversations")
        ),
        sa.CheckConstraint(
            "new_residents BETWEEN 0 AND 1000", name=op.f("ck_action_result_new_residents")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_result_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_action_result_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_result")),
        sa.UniqueConstraint(
            "action_id", "person_id", "street", name=op.f("uq_action_result_action_id")
        ),
    )
    op.create_table(
        "flyer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invite_id"], ["invite.id"], name=op.f("fk_flyer_invite_id_invite"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flyer")),
        sa.UniqueConstraint("invite_id", name=op.f("uq_flyer_invite_id")),
    )
    op.create_table(
        "sign_up",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invite_id"],
            ["invite.id"],
            name=op.f("fk_sign_up_invite_id_invite"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_sign_up_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_sign_up")),
    )
    op.create_table(
        "action_result_theme",
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["action_result.id"],
            name=op.f("fk_action_result_theme_result_id_action_result"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("result_id", "theme", name=op.f("pk_action_result_theme")),
    )


def downgrade() -> None:
    op.drop_table("action_result_theme")
    op.drop_table("sign_up")
    op.drop_table("flyer")
    op.drop_table("action_result")
    op.drop_table("area_theme")
