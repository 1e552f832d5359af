"""rsvp: the chat message where the person last answered, to edit it when their place changes

`rsvp.answer_message_id` is the Telegram message id (in the person's own chat) of the call
or list message whose Ja / Misschien / Nee button they pressed last. When the waiting list
moves them up, that message is edited (outbox kind `answer_updated`), so it no longer says
"nummer 1 op de wachtlijst". NULL for answers given before this revision.

Revision ID: 0013
Revises: 0008
Create Date: 2026-11-30 02:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rsvp") as batch:
        batch.add_column(sa.Column("answer_message_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rsvp") as batch:
        batch.drop_column("answer_message_id")
