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


STAND_IN_FK = " CONSTRAINT fk_person_stand_in_id_person REFERENCES person (id) ON DELETE SET NULL"


def _sqlite_drop_person_columns() -> None:
    """Drop the two columns in place. A batch copy of `person` would DROP the old table, and
    with foreign keys on that deletes every row pointing at a person (ON DELETE CASCADE:
    help requests, languages, ...). SQLite cannot drop a column with a REFERENCES clause, so
    first remove that clause from the stored schema (as migration 0009 swaps its CHECK)."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'person'"
    ).scalar_one()
    if STAND_IN_FK not in sql:
        raise RuntimeError("person: stand_in_id foreign key not found")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'person'",
        (sql.replace(STAND_IN_FK, ""),),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    op.execute("ALTER TABLE person DROP COLUMN stand_in_id")
    op.execute("ALTER TABLE person DROP COLUMN away_until")


def downgrade() -> None:
    op.drop_table("action_notice_level")
    if op.get_bind().dialect.name == "sqlite":  # in place: keeps rows and ix_person_home
        _sqlite_drop_person_columns()
        return
    op.drop_constraint("fk_person_stand_in_id_person", "person", type_="foreignkey")
    op.drop_column("person", "stand_in_id")
    op.drop_column("person", "away_until")
