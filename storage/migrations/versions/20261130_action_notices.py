"""coordinator notices: per action "alles" / "alleen urgent", and cover while away

Adds `person.away_until` (date, Europe/Amsterdam wall clock: away up to and including that
day) and `person.stand_in_id` (the coordinator who gets their notices meanwhile), and the
table `action_notice_level` (per action and coordinator: 'all' | 'urgent'; no row = all).
The lead re-chains down_revision at merge.

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy on SQLite: that would lose the expression index
    # ix_person_home); the foreign key is part of the column on both databases.
    op.add_column("person", sa.Column("away_until", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # SQLite: a REFERENCES clause on the column
        op.execute(
            "ALTER TABLE person ADD COLUMN stand_in_id INTEGER "
            "CONSTRAINT fk_person_stand_in_id_person REFERENCES person (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("person", sa.Column("stand_in_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_person_stand_in_id_person",
            "person",
            "person",
            ["stand_in_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "action_notice_level",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.CheckConstraint("level IN ('all','urgent')", name=op.f("ck_action_notice_level_level")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_notice_level_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_action_notice_level_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "person_id", name=op.f("pk_action_notice_level")),
    )


def downgrade() -> None:
    op.drop_table("action_notice_level")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_person_stand_in_id_person", "person", type_="foreignkey")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("stand_in_id")
        batch_op.drop_column("away_until")
    if op.get_bind().dialect.name == "sqlite":  # the batch copy loses the expression index
        op.execute("DROP INDEX IF EXISTS ix_person_home")
        op.create_index("ix_person_home", "person", [sa.text("coalesce(buurt_id, area_id)")])
