"""assisted sign-up at the klaptafel: an invite can belong to an action (attribution)

Additive: one nullable column `invite.action_id` (ON DELETE SET NULL) and its index.
The lead re-chains down_revision at merge.

Revision ID: 0014
Revises: 0008
Create Date: 2026-11-30 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # resolve_fks=False: reflect only this table (the person table's expression index
    # cannot be reflected on SQLite and would warn on every migration)
    with op.batch_alter_table("invite", reflect_kwargs={"resolve_fks": False}) as batch:
        batch.add_column(sa.Column("action_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_invite_action_id_action"), "action", ["action_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_invite_action_id"), ["action_id"])


def downgrade() -> None:
    with op.batch_alter_table("invite", reflect_kwargs={"resolve_fks": False}) as batch:
        batch.drop_index(op.f("ix_invite_action_id"))
        batch.drop_constraint(op.f("fk_invite_action_id_action"), type_="foreignkey")
        batch.drop_column("action_id")
