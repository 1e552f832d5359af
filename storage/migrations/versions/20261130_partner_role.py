"""partner role: staff of partner organisations; invites that name an organisation

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

Additive: the role CHECK constraints of `person` and `invite` allow 'partner', and
`invite.organisation_id` names the organisation a partner invite is for (issue 6 §0).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = "role IN ('coordinator','volunteer','resident')"
NEW_ROLES = "role IN ('coordinator','volunteer','resident','partner')"


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_person_role"), type_="check")
        batch_op.create_check_constraint("role", NEW_ROLES)
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_invite_role"), type_="check")
        batch_op.create_check_constraint("role", NEW_ROLES)
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invite_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM invite WHERE role = 'partner'"))
    op.execute(sa.text("DELETE FROM person WHERE role = 'partner'"))
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_invite_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_column("organisation_id")
        batch_op.drop_constraint(batch_op.f("ck_invite_role"), type_="check")
        batch_op.create_check_constraint("role", OLD_ROLES)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_person_role"), type_="check")
        batch_op.create_check_constraint("role", OLD_ROLES)
