"""volunteer_match: one narrow row per volunteer for ranking help requests

Per volunteer: home area (buurt, else the invite's area) and bit masks of the languages
spoken, the tasks offered and the weekly day parts free, derived from `person`,
`person_language`, `offer` and `availability_slot` (kept in step on every flush by
`storage.volunteer_match`). Filled from the existing rows on upgrade; downgrade drops it
(nothing is lost: every value is derived). Also indexes `rsvp` by person (a
volunteer's confirmed places count as load, looked up per candidate). The bit orders below are frozen copies of
`storage.volunteer_match` as of this revision. The lead re-chains down_revision at merge.

Revision ID: 0022
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LANGUAGE_BITS = ("nl", "en", "tr", "ar", "ber", "pap", "es", "pl")
TASK_BITS = (
    "doorstep",
    "street_stand",
    "shopping",
    "paperwork",
    "digital_help",
    "company",
    "odd_jobs",
    "interpreting",
)
DAY_PART_BITS = ("morning", "afternoon", "evening")


def _case(column: str, codes: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN '{code}' THEN {1 << k}" for k, code in enumerate(codes))
    return f"CASE {column} {whens} ELSE 0 END"


def upgrade() -> None:
    op.create_table(
        "volunteer_match",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("home", sa.Integer(), nullable=False),
        sa.Column("langs", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("tasks", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("slots", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_volunteer_match_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_volunteer_match")),
    )
    op.create_index("ix_rsvp_person_status", "rsvp", ["person_id", "status"])
    op.create_index(
        "ix_volunteer_match_search", "volunteer_match", ["home", "langs", "tasks", "slots"]
    )
    part_index = " ".join(f"WHEN '{p}' THEN {k}" for k, p in enumerate(DAY_PART_BITS))
    op.execute(
        "INSERT INTO volunteer_match (person_id, home, langs, tasks, slots) "
        "SELECT p.id, coalesce(p.buurt_id, p.area_id), "
        f"coalesce((SELECT sum({_case('l.language', LANGUAGE_BITS)}) FROM person_language l "
        "WHERE l.person_id = p.id), 0), "
        f"coalesce((SELECT sum({_case('o.task', TASK_BITS)}) FROM offer o "
        "WHERE o.person_id = p.id), 0), "
        f"coalesce((SELECT sum(1 << (a.weekday * 3 + CASE a.day_part {part_index} ELSE 0 END)) "
        "FROM availability_slot a WHERE a.person_id = p.id), 0) "
        "FROM person p WHERE p.role = 'volunteer'"
    )


def downgrade() -> None:
    op.drop_index("ix_volunteer_match_search", table_name="volunteer_match")
    op.drop_table("volunteer_match")
    op.drop_index("ix_rsvp_person_status", table_name="rsvp")
