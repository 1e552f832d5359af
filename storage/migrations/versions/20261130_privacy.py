"""privacy: consent per purpose (versioned), anonymous action tallies

Existing people who finished onboarding agreed to what the bot did then: they are recorded
as having consented to every purpose of version 1, at their `consent_at`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The purposes as they were at version 1 (copied, not imported: a migration is frozen).
PURPOSES_V1 = ("calls", "coupling", "relaying", "attendance")


def upgrade() -> None:
    op.create_table(
        "person_consent",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("given_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_consent_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "purpose", name=op.f("pk_person_consent")),
    )
    op.create_table(
        "action_tally",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("yes_count", sa.Integer(), nullable=False),
        sa.Column("maybe_count", sa.Integer(), nullable=False),
        sa.Column("no_count", sa.Integer(), nullable=False),
        sa.Column("confirmed_count", sa.Integer(), nullable=False),
        sa.Column("counted_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_tally_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_action_tally")),
    )
    for purpose in PURPOSES_V1:
        op.execute(
            sa.text(
                "INSERT INTO person_consent (person_id, purpose, version, given_at) "
                "SELECT id, :purpose, 1, consent_at FROM person WHERE onboarded_at IS NOT NULL"
            ).bindparams(purpose=purpose)
        )


def downgrade() -> None:
    op.drop_table("action_tally")
    op.drop_table("person_consent")
