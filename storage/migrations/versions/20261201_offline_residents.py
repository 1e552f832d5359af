"""offline residents: residents without Telegram, registered on their behalf

Adds the table `offline_resident` (phone number to call back, the oral consent record:
coordinator and local date, the coordinator who answers for them) and lets
`person.telegram_user_id` and `person.chat_id` be NULL (such a resident has no Telegram).

SQLite cannot drop a NOT NULL in place, and a batch copy of `person` would DROP the old
table, which with foreign keys on deletes every row that cascades from it (help requests,
consents...). Dropping a NOT NULL does not touch the stored rows, so on SQLite the column
definitions are changed in the schema itself (the documented `writable_schema` procedure,
sqlite.org/lang_altertable.html section 7, as migration 0009 does for its CHECK).
PostgreSQL uses ordinary ALTER TABLE.

Downgrade deletes the residents without Telegram first (the old schema cannot hold them;
their requests go with them by cascade), then restores NOT NULL.

Revision ID: 0017
Revises: 0022
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0017"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_NULL = ("telegram_user_id BIGINT NOT NULL,", "chat_id BIGINT NOT NULL,")


def _sqlite_swap(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'person'"
    ).scalar_one()
    for before, after in zip(old, new, strict=True):
        if sql.count(before) != 1:
            raise RuntimeError(f"person: column definition {before!r} not found")
        sql = sql.replace(before, after)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'person'", (sql,)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_swap(NOT_NULL, tuple(s.replace(" NOT NULL", "") for s in NOT_NULL))
    else:
        op.alter_column("person", "telegram_user_id", existing_type=sa.BigInteger(), nullable=True)
        op.alter_column("person", "chat_id", existing_type=sa.BigInteger(), nullable=True)
    op.create_table(
        "offline_resident",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("consent_by_id", sa.Integer(), nullable=True),
        sa.Column("consent_on", sa.Date(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_offline_resident_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consent_by_id"],
            ["person.id"],
            name=op.f("fk_offline_resident_consent_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["person.id"],
            name=op.f("fk_offline_resident_contact_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_offline_resident")),
    )
    op.create_index(
        op.f("ix_offline_resident_contact_id"), "offline_resident", ["contact_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_offline_resident_contact_id"), table_name="offline_resident")
    op.drop_table("offline_resident")
    op.execute("DELETE FROM person WHERE telegram_user_id IS NULL OR chat_id IS NULL")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_swap(tuple(s.replace(" NOT NULL", "") for s in NOT_NULL), NOT_NULL)
        return
    op.alter_column("person", "chat_id", existing_type=sa.BigInteger(), nullable=False)
    op.alter_column("person", "telegram_user_id", existing_type=sa.BigInteger(), nullable=False)
