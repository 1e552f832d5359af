"""privacy: consent per purpose (versioned), anonymous action tallies

Names stored before the text cleaner lose control, zero-width and bidi characters ("?"
when nothing visible remains). Existing people who finished onboarding agreed to what the bot did then: they are recorded
as having consented to every purpose of version 1, at their `consent_at`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 00:00:00
"""

import unicodedata
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
    _clean_display_names()
    for purpose in PURPOSES_V1:
        op.execute(
            sa.text(
                "INSERT INTO person_consent (person_id, purpose, version, given_at) "
                "SELECT id, :purpose, 1, consent_at FROM person WHERE onboarded_at IS NOT NULL"
            ).bindparams(purpose=purpose)
        )


def _clean_display_name(name: str) -> str:
    """The rule of bot.domain.text.clean_name at this revision (frozen copy)."""
    kept = "".join(
        " " if c.isspace() else c
        for c in name
        if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf")
    )
    kept = " ".join(kept.split())[:64].strip()
    return kept if any(unicodedata.category(c)[0] in "LNPS" for c in kept) else "?"


def _clean_display_names() -> None:
    """Names stored before the cleaner: drop control, zero-width and bidi characters."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, display_name FROM person")).all()
    for person_id, name in rows:
        cleaned = _clean_display_name(name)
        if cleaned != name:
            conn.execute(
                sa.text("UPDATE person SET display_name = :name WHERE id = :id"),
                {"name": cleaned, "id": person_id},
            )


def downgrade() -> None:
    op.drop_table("action_tally")
    op.drop_table("person_consent")
