"""partner role: staff of partner organisations; invites that name an organisation

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

Additive: the role CHECK constraints of `person` and `invite` allow 'partner', and
`invite.organisation_id` names the organisation a partner invite is for (issue 6 §0).

SQLite cannot alter a CHECK constraint, and batch mode would rebuild `person` and `invite`
by DROP TABLE, which with foreign keys on deletes every row that cascades from them
(consents, help requests, flyers...). So on SQLite the constraint text is swapped in the
schema itself (the documented `writable_schema` procedure for changes that do not touch
the stored rows, sqlite.org/lang_altertable.html section 7), and the new column is added
with a plain ADD COLUMN. PostgreSQL uses ordinary ALTER TABLE.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = "role IN ('coordinator','volunteer','resident')"
NEW_ROLES = "role IN ('coordinator','volunteer','resident','partner')"


def _sqlite_swap_check(table: str, old: str, new: str) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    if f"CHECK ({old})" not in sql:
        raise RuntimeError(f"{table}: role CHECK constraint not found")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
        (sql.replace(f"CHECK ({old})", f"CHECK ({new})"), table),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _swap_roles(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_swap_check("person", old, new)
        _sqlite_swap_check("invite", old, new)
        return
    for table in ("person", "invite"):
        op.drop_constraint(op.f(f"ck_{table}_role"), table, type_="check")
        op.create_check_constraint(op.f(f"ck_{table}_role"), table, new)


def upgrade() -> None:
    _swap_roles(OLD_ROLES, NEW_ROLES)
    if op.get_bind().dialect.name == "sqlite":
        op.get_bind().exec_driver_sql(
            "ALTER TABLE invite ADD COLUMN organisation_id INTEGER "
            "CONSTRAINT fk_invite_organisation_id_organisation "
            "REFERENCES organisation (id) ON DELETE CASCADE"
        )
        return
    op.add_column("invite", sa.Column("organisation_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        "fk_invite_organisation_id_organisation",
        "invite",
        "organisation",
        ["organisation_id"],
        ["id"],
        ondelete="CASCADE",
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM invite WHERE role = 'partner'"))
    op.execute(sa.text("DELETE FROM person WHERE role = 'partner'"))
    if op.get_bind().dialect.name == "sqlite":
        # A later migration's batch rebuild may have turned the column's foreign key into a
        # table constraint, which SQLite's own DROP COLUMN refuses: rebuild the table too.
        with op.batch_alter_table("invite", reflect_kwargs={"resolve_fks": False}) as batch:
            batch.drop_column("organisation_id")
    else:
        op.drop_constraint("fk_invite_organisation_id_organisation", "invite", type_="foreignkey")
        op.drop_column("invite", "organisation_id")
    _swap_roles(NEW_ROLES, OLD_ROLES)
