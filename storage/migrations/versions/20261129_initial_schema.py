"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 15:09:46.137759
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.CheckConstraint(
            "level IN ('stadsdeel','gebied','wijk','buurt')", name=op.f("ck_area_level")
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["area.id"], name=op.f("fk_area_parent_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("key", name=op.f("uq_area_key")),
    )
    op.create_table(
        "ptb_state",
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_ptb_state")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("buurt_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("spoken_languages", sa.JSON(), nullable=False),
        sa.Column("consent_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("onboarded_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("unreachable_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('coordinator','volunteer','resident')", name=op.f("ck_person_role")
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_person_area_id_area")),
        sa.ForeignKeyConstraint(["buurt_id"], ["area.id"], name=op.f("fk_person_buurt_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_person_telegram_user_id")),
    )
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("meeting_place", sa.String(length=200), nullable=False),
        sa.Column("starts_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("volunteers_needed", sa.Integer(), nullable=False),
        sa.Column("confirmed_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('doorstep','street_stand','other')", name=op.f("ck_action_kind")
        ),
        sa.CheckConstraint("status IN ('open','cancelled')", name=op.f("ck_action_status")),
        sa.CheckConstraint(
            "confirmed_count >= 0 AND confirmed_count <= volunteers_needed",
            name=op.f("ck_action_capacity"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_action_times")),
        sa.CheckConstraint(
            "volunteers_needed BETWEEN 1 AND 500", name=op.f("ck_action_volunteers_needed")
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_action_area_id_area")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_action_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    op.create_table(
        "availability_slot",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("day_part", sa.String(length=12), nullable=False),
        sa.CheckConstraint(
            "day_part IN ('morning','afternoon','evening')",
            name=op.f("ck_availability_slot_day_part"),
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_availability_slot_weekday")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_availability_slot_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "person_id", "weekday", "day_part", name=op.f("pk_availability_slot")
        ),
    )
    op.create_table(
        "help_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_help_request_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_request")),
        sa.UniqueConstraint("person_id", "task", name=op.f("uq_help_request_person_id")),
    )
    op.create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('coordinator','volunteer','resident')", name=op.f("ck_invite_role")
        ),
        sa.CheckConstraint("max_uses IS NULL OR uses <= max_uses", name=op.f("ck_invite_uses")),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_invite_area_id_area")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_invite_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invite_token_hash")),
    )
    op.create_table(
        "offer",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_offer_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "task", name=op.f("pk_offer")),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_key", sa.String(length=40), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("due_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("not_after", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("dedup_key", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("sent_at", storage.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending','sending','sent','blocked','failed','expired','cancelled')",
            name=op.f("ck_outbox_message_status"),
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_outbox_message_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_outbox_message_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_outbox_message_dedup_key")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_message_action", ["action_id", "message_key"], unique=False
        )
        batch_op.create_index("ix_outbox_message_due", ["status", "due_at"], unique=False)

    op.create_table(
        "rsvp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answered_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(answer = 'yes' AND status IN ('confirmed','waitlisted')) OR (answer <> 'yes' AND status = 'none')",
            name=op.f("ck_rsvp_answer_status"),
        ),
        sa.CheckConstraint("answer IN ('yes','maybe','no')", name=op.f("ck_rsvp_answer")),
        sa.CheckConstraint(
            "status IN ('confirmed','waitlisted','none')", name=op.f("ck_rsvp_status")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_rsvp_action_id_action"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_rsvp_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rsvp")),
        sa.UniqueConstraint("action_id", "person_id", name=op.f("uq_rsvp_action_id")),
    )


def downgrade() -> None:

    op.drop_table("rsvp")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_due")
        batch_op.drop_index("ix_outbox_message_action")

    op.drop_table("outbox_message")
    op.drop_table("offer")
    op.drop_table("invite")
    op.drop_table("help_request")
    op.drop_table("availability_slot")
    op.drop_table("action")
    op.drop_table("person")
    op.drop_table("ptb_state")
    op.drop_table("area")
