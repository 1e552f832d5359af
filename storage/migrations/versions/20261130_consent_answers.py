"""consent answers: a purpose's consent can be asked (shown, not answered), agreed or refused

Rows stored before this revision were all given consents: they become 'agreed'.

Revision ID: 0016
Revises: 0008
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person_consent") as batch:
        batch.add_column(
            sa.Column("answer", sa.String(length=8), server_default="agreed", nullable=False)
        )
        batch.create_check_constraint("answer", "answer IN ('asked','agreed','refused')")


def downgrade() -> None:
    # Only agreed consents existed before: forget questions and refusals.
    op.execute(sa.text("DELETE FROM person_consent WHERE answer <> 'agreed'"))
    with op.batch_alter_table("person_consent") as batch:
        batch.drop_constraint("answer", type_="check")
        batch.drop_column("answer")
