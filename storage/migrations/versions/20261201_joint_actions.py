"""joint actions: the partner organisations that organise an action with the network

Adds the table `action_organisation` (action id, organisation id; both cascade on delete),
issue 10 item 1. Organisational data only, no personal data.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_organisation",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_organisation_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_action_organisation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "action_id", "organisation_id", name=op.f("pk_action_organisation")
        ),
    )
    op.create_index(
        "ix_action_organisation_organisation",
        "action_organisation",
        ["organisation_id", "action_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_action_organisation_organisation", table_name="action_organisation")
    op.drop_table("action_organisation")
