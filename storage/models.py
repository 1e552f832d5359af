"""SQLAlchemy 2 typed models. One table per idea, named as in the glossary.

All datetimes are timezone-aware UTC (`UtcDateTime`); SQLite stores them as naive UTC and
they come back aware. Enumerations are stored as short strings so that SQLite and
PostgreSQL hold the same values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A datetime that is always timezone-aware UTC in Python.

    Raises `ValueError` when given a naive datetime: naive times are a bug here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Area(Base):
    """One level of the city's area division: stadsdeel > gebied > wijk > buurt."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)  # stable slug from the area file
    code: Mapped[str | None] = mapped_column(String(16))  # municipality code where known
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(16))  # stadsdeel | gebied | wijk | buurt
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    parent: Mapped[Area | None] = relationship(remote_side=[id])

    __table_args__ = (
        CheckConstraint("level IN ('stadsdeel','gebied','wijk','buurt')", name="level"),
    )


class Person(Base):
    """Someone who signed up through an invite and gave consent.

    Only what the product needs is stored: Telegram ids (to send messages), a first name
    (shown to coordinators), role, area, language and choices made in onboarding.
    """

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Both NULL for a resident without Telegram, registered on their behalf by a
    # coordinator (`OfflineResident`): whatever they would be sent goes to that coordinator.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # coordinator | volunteer | resident | partner
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))  # fixed by the invite
    buurt_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))  # chosen in onboarding
    language: Mapped[str] = mapped_column(String(8))
    consent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    onboarded_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    unreachable_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    paused_until: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # Cover (coordinators, issue 7 item 12): away up to and including this local date; their
    # notices go to the stand-in meanwhile (bot.domain.notices).
    away_until: Mapped[dt.date | None] = mapped_column(Date)
    stand_in_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    area: Mapped[Area] = relationship(foreign_keys=[area_id])
    buurt: Mapped[Area | None] = relationship(foreign_keys=[buurt_id])
    # Spoken languages live in the indexed table `person_language` (matching filters on
    # them); `spoken_languages` reads and writes them as a list of ISO 639-1 codes.
    language_rows: Mapped[list[PersonLanguage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )
    spoken_languages: AssociationProxy[list[str]] = association_proxy(
        "language_rows", "language", creator=lambda code: PersonLanguage(language=code)
    )

    @property
    def home_area_id(self) -> int:
        """Where the person lives as far as we know: their buurt, else the invite's area."""
        return self.buurt_id or self.area_id

    __table_args__ = (
        CheckConstraint("role IN ('coordinator','volunteer','resident','partner')", name="role"),
        # Home area (buurt, else invite area): matching searches volunteers area by area.
        Index("ix_person_home", func.coalesce(buurt_id, area_id)),
    )


class OfflineResident(Base):
    """A resident without Telegram, registered on their behalf by a coordinator (issue 6
    §0; `bot.domain.coupling.on_behalf`). Their `person` row has no Telegram ids.

    `phone`: the number to call them back on (shown only to the area's coordinators);
    `consent_by_id` / `consent_on`: to whom and on which local date (Europe/Amsterdam) they
    gave consent orally ("mondeling, aan <first name>, <date>"); `contact_id`: the
    coordinator who answers and relays for them (their requests' owner; handed to another
    coordinator of the area when that one is erased). Erased with the person (cascade)."""

    __tablename__ = "offline_resident"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    phone: Mapped[str] = mapped_column(String(32))
    consent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    consent_on: Mapped[dt.date] = mapped_column(Date)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Offer(Base):
    """A task a volunteer likes to do, or a resident can offer (fixed list, see domain.tasks)."""

    __tablename__ = "offer"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    task: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (Index("ix_offer_task", "task", "person_id"),)


class PersonLanguage(Base):
    """A language a person speaks (ISO 639-1 code from domain.tasks.SPOKEN_LANGUAGES)."""

    __tablename__ = "person_language"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)

    __table_args__ = (Index("ix_person_language_language", "language", "person_id"),)


HELP_REQUEST_STATUSES = "'open','proposed','coupled','handed_over','closed'"


class HelpRequest(Base):
    """One resident's need at one time (hulpvraag): tasks, languages and times in child
    tables, one volunteer. status: open | proposed | coupled | handed_over | closed (see
    bot.domain.coupling.vocabulary.RequestStatus). `area_id` is the resident's home area
    (buurt, else the invite's area) when asked; `raised_at` the last time the area's
    coordinators were told about it (re-raised when nobody owns it)."""

    __tablename__ = "help_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(280))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    raised_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_help_request_status_area", "status", "area_id"),
        Index("ix_help_request_person", "person_id", "status"),
        CheckConstraint(f"status IN ({HELP_REQUEST_STATUSES})", name="status"),
    )


class HelpRequestTask(Base):
    """A task (domain.tasks.HELP_REQUEST_TASKS) a help request asks for."""

    __tablename__ = "help_request_task"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_request.id", ondelete="CASCADE"), primary_key=True
    )
    task: Mapped[str] = mapped_column(String(32), primary_key=True)


class HelpRequestLanguage(Base):
    """A language the resident of a help request speaks (ISO 639-1)."""

    __tablename__ = "help_request_language"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_request.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)


class HelpRequestSlot(Base):
    """A weekly day part that suits the resident (no rows: any time)."""

    __tablename__ = "help_request_slot"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_request.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    day_part: Mapped[str] = mapped_column(String(12), primary_key=True)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("day_part IN ('morning','afternoon','evening')", name="day_part"),
    )


class HelpRequestChange(Base):
    """Status history of a help request: when, who (None: the bot), from -> to."""

    __tablename__ = "help_request_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_help_request_change_request", "request_id", "at"),)


class Organisation(Base):
    """A partner organisation of an area, for hand-overs and the sociale kaart.

    kind: neighbourhood_team | social_base | housing_corporation | area_broker | district |
    resident_initiative | other (glossary). Loaded by key from an organisations TOML file,
    or added by a coordinator (key None)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(120))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    description: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(32))
    walk_in_hours: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        CheckConstraint(
            "kind IN ('neighbourhood_team','social_base','housing_corporation','area_broker',"
            "'district','resident_initiative','other')",
            name="kind",
        ),
    )


class PartnerMember(Base):
    """Links a partner's staff member (a person) to their organisation."""

    __tablename__ = "partner_member"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )


class CouplingProfile(Base):
    """A volunteer's coupling settings. No row: not ready, max 1 couple, no pause.

    `ready_at`/`ready_by_id`: "klaar voor koppelen", set by a coordinator after a
    kennismaking; `vog_date`: date of the certificate of conduct, if noted;
    `not_now_until`: "liever niet nu" (no proposals until then, UTC)."""

    __tablename__ = "coupling_profile"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    max_couples: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    ready_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    ready_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    vog_date: Mapped[dt.date | None] = mapped_column(Date)
    not_now_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (CheckConstraint("max_couples BETWEEN 0 AND 10", name="max_couples"),)


class VolunteerMatch(Base):
    """What ranking needs to search volunteers in one narrow table: one row per volunteer,
    derived from `person`, `person_language`, `offer` and `availability_slot` and kept in
    step with them on every flush (`bot.domain.coupling.match_index`).

    `home`: the person's home area (buurt, else the invite's area); `langs`, `tasks`,
    `slots`: bit masks of the languages spoken, the tasks offered and the weekly day parts
    free (bit order in `match_index`). Derived data only: nothing here that the source
    tables do not hold; erased with the person (foreign key cascade)."""

    __tablename__ = "volunteer_match"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    home: Mapped[int] = mapped_column(Integer)
    langs: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    tasks: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    slots: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    # Ranking reads the areas near a request first: home, then the masks (covering).
    __table_args__ = (Index("ix_volunteer_match_search", "home", "langs", "tasks", "slots"),)


class Proposal(Base):
    """A suggested couple (koppelvoorstel): asked to the volunteer, then the resident.

    status: volunteer (waiting for the volunteer) | resident (volunteer said yes, waiting
    for the resident) | accepted | declined | expired | withdrawn. Answers: yes | no |
    not_now (volunteer only). One row per (request, volunteer) ever: never proposed twice."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12))
    volunteer_answer: Mapped[str | None] = mapped_column(String(8))
    volunteer_answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    resident_answer: Mapped[str | None] = mapped_column(String(8))
    resident_answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    deadline_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("request_id", "volunteer_id"),
        Index("ix_proposal_volunteer_status", "volunteer_id", "status"),
        Index("ix_proposal_status_deadline", "status", "deadline_at"),
        CheckConstraint(
            "status IN ('volunteer','resident','accepted','declined','expired','withdrawn')",
            name="status",
        ),
    )


class Couple(Base):
    """A volunteer coupled to a resident for one help request (koppel).

    Check-ins: `next_checkin_at` (UTC) is when both are next asked "Hoe gaat het?";
    `checkins_sent` counts rounds sent (schedule: 1 week, 4 weeks, then every 3 months)."""

    __tablename__ = "couple"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    since: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    next_checkin_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    checkins_sent: Mapped[int] = mapped_column(Integer, default=0)
    #: The kennismaking (first meeting) the owner planned: when (UTC) and where.
    meeting_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    meeting_place: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (
        Index("ix_couple_volunteer", "volunteer_id", "ended_at"),
        Index("ix_couple_checkin", "ended_at", "next_checkin_at"),
    )


class CheckIn(Base):
    """One "Hoe gaat het?" to one side of a couple. answer: good | could_be_better |
    stopped (None: not answered)."""

    __tablename__ = "check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(SmallInteger)
    asked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("couple_id", "person_id", "round"),)


class RelayMessage(Base):
    """A copy the bot relayed into `person_id`'s chat (`chat_id`, `message_id` of the copy),
    from `peer_id`, within a couple (`couple_id`) or not (a resident and a coordinator).
    Ids only, never the text: a reply to the copy goes back to `peer_id`
    (`bot.domain.relay`)."""

    __tablename__ = "relay_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(Integer)
    peer_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    couple_id: Mapped[int | None] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        Index("ix_relay_message_person_created", "person_id", "created_at"),
    )


class HandOver(Base):
    """A help request handed over to a partner organisation, with the resident's consent.
    answer: picked_up | not_for_us (with reason) | None (waiting)."""

    __tablename__ = "hand_over"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    consent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    answer: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(200))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_hand_over_organisation", "organisation_id", "answer"),)


class AvailabilitySlot(Base):
    """A weekly day part when a volunteer can help. weekday: 0 = Monday .. 6 = Sunday."""

    __tablename__ = "availability_slot"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    day_part: Mapped[str] = mapped_column(String(12), primary_key=True)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("day_part IN ('morning','afternoon','evening')", name="day_part"),
    )


class Invite(Base):
    """An invite link. Only the SHA-256 of the token is stored; the token is shown once."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    # A partner invite names the organisation its staff member joins (None otherwise).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    # an assisted sign-up at an action (bot.domain.assisted): sign-ups count for the action
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL"), index=True
    )

    area: Mapped[Area] = relationship()

    __table_args__ = (
        CheckConstraint("max_uses IS NULL OR uses <= max_uses", name="uses"),
        CheckConstraint("role IN ('coordinator','volunteer','resident','partner')", name="role"),
    )


class Action(Base):
    """A planned joint activity (actie) with time, place and volunteer slots.

    `confirmed_count` is the number of RSVPs with status 'confirmed'; the CHECK makes the
    database refuse overbooking even if application code were wrong.
    """

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # doorstep | street_stand | other
    title: Mapped[str] = mapped_column(String(120))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    meeting_place: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    volunteers_needed: Mapped[int] = mapped_column(Integer)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | cancelled
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # a language the action also asks for (ISO 639-1, domain.tasks.SPOKEN_LANGUAGES): its
    # speakers are called first and the roster counts them (issue 7 item 4); None: any
    language: Mapped[str | None] = mapped_column(String(8))

    area: Mapped[Area] = relationship()

    __table_args__ = (
        CheckConstraint("volunteers_needed BETWEEN 1 AND 500", name="volunteers_needed"),
        CheckConstraint(
            "confirmed_count >= 0 AND confirmed_count <= volunteers_needed", name="capacity"
        ),
        CheckConstraint("ends_at > starts_at", name="times"),
        CheckConstraint("kind IN ('doorstep','street_stand','other')", name="kind"),
        CheckConstraint("status IN ('open','cancelled')", name="status"),
    )


class ActionOrganisation(Base):
    """A partner organisation that organises an action together with the network (a joint
    action, issue 10 item 1): its partner staff see the action's roster (first names) and
    get its coordinator notices. Organisational data, no personal data."""

    __tablename__ = "action_organisation"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_action_organisation_organisation", "organisation_id", "action_id"),)


class ActionNoticeLevel(Base):
    """Which notices a coordinator wants about one action: 'all' or only 'urgent' ones
    (issue 7 item 5). No row means 'all'."""

    __tablename__ = "action_notice_level"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(8))

    __table_args__ = (CheckConstraint("level IN ('all','urgent')", name="level"),)


class Rsvp(Base):
    """A volunteer's answer to an action call: yes | maybe | no.

    status: 'confirmed' (yes, has a place), 'waitlisted' (yes, action full) or 'none'
    (maybe/no). Waiting-list order is `answered_at` of the 'yes'.
    """

    __tablename__ = "rsvp"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    answered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    #: Telegram message id (in the person's chat) where they last answered: edited when the
    #: waiting list moves them up (outbox kind `answer_updated`). Erased with the row.
    answer_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)

    __table_args__ = (
        UniqueConstraint("action_id", "person_id"),
        # a volunteer's places (load in ranking: one volunteer at a time)
        Index("ix_rsvp_person_status", "person_id", "status"),
        CheckConstraint("answer IN ('yes','maybe','no')", name="answer"),
        CheckConstraint("status IN ('confirmed','waitlisted','none')", name="status"),
        CheckConstraint(
            "(answer = 'yes' AND status IN ('confirmed','waitlisted'))"
            " OR (answer <> 'yes' AND status = 'none')",
            name="answer_status",
        ),
    )


class OutboxMessage(Base):
    """One proactive message, written in the same transaction as the change that causes it.

    status: pending -> sending -> sent | blocked (403) | failed | expired (past not_after)
    | cancelled (no longer relevant, e.g. action cancelled or person stopped).
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_key: Mapped[str] = mapped_column(String(40))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"))
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    not_after: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    dedup_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Instance id of the sender process holding the claim (see OutboxSender).
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_outbox_message_due", "status", "due_at"),
        Index("ix_outbox_message_action", "action_id", "message_key"),
        CheckConstraint(
            "status IN ('pending','sending','sent','blocked','failed','expired','cancelled')",
            name="status",
        ),
    )


class OutboxSender(Base):
    """A process that sends outbox rows: its instance id and last heartbeat (UTC).

    A sender whose heartbeat is older than a few seconds is dead: its claims are released
    at once by any other sender (see `storage.outbox.release_dead_claims`). No personal data.
    """

    __tablename__ = "outbox_sender"

    instance_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class OutboxBudget(Base):
    """The bot's one send budget, shared by all sender processes (PostgreSQL).

    `next_slot_at`: the first free send slot (slots are `1/rate` seconds apart);
    `paused_until`: end of Telegram's last 429 `retry_after` pause. Times come from the
    database clock, so processes on several hosts agree. One row (`name` 'bot'); no personal
    data. See `bot.delivery.budget`.
    """

    __tablename__ = "outbox_budget"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_slot_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    paused_until: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class OutboxChatPace(Base):
    """When a chat may get its next outbox message (Telegram: 1 message/s per chat), shared
    by all sender processes (PostgreSQL). Keyed by the chat id (a Telegram id: personal);
    erased with the person, and deleted by retention once `next_send_at` has passed."""

    __tablename__ = "outbox_chat_pace"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    next_send_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class PersistedState(Base):
    """PTB persistence (conversation states and user_data), as JSON, in the same database."""

    __tablename__ = "ptb_state"

    # "user_data" or "conversation:<name>"
    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


# --- Action results, flyers and sign-up attribution (issue 10) ---------------------------


class ActionResult(Base):
    """What one person recorded for one action (opbrengst), optionally for one street.

    `conversations` is the number of conversations held (residents reached), `new_residents`
    the number of residents met who were new to the network. `street` is '' when not given
    (never NULL, so the unique key holds on both databases). On erasure of the person the
    counts stay and `person_id` becomes NULL (ON DELETE SET NULL): results are counts, not
    personal data, once the link is gone.
    """

    __tablename__ = "action_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    street: Mapped[str] = mapped_column(String(80), default="")
    conversations: Mapped[int] = mapped_column(Integer, default=0)
    new_residents: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("action_id", "person_id", "street"),
        CheckConstraint("conversations BETWEEN 0 AND 1000", name="conversations"),
        CheckConstraint("new_residents BETWEEN 0 AND 1000", name="new_residents"),
    )


class ActionResultTheme(Base):
    """A theme heard, named in one action result (key from themes.toml or an area theme)."""

    __tablename__ = "action_result_theme"

    result_id: Mapped[int] = mapped_column(
        ForeignKey("action_result.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(40), primary_key=True)


class AreaTheme(Base):
    """A theme a coordinator added for an area (and the areas below it)."""

    __tablename__ = "area_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("area_id", "key"),)


class Flyer(Base):
    """A printable flyer: its own invite plus a short label (where it hangs), so sign-ups
    can be attributed to it."""

    __tablename__ = "flyer"

    id: Mapped[int] = mapped_column(primary_key=True)
    invite_id: Mapped[int] = mapped_column(ForeignKey("invite.id", ondelete="CASCADE"), unique=True)
    label: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class SignUp(Base):
    """Which invite a person signed up with (attribution). Deleted with the person."""

    __tablename__ = "sign_up"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invite.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class PersonConsent(Base):
    """One person's consent for one purpose (see `bot.domain.consent.PURPOSES`): the
    version of that purpose's text they were asked about, their answer and when (aware UTC).
    """

    __tablename__ = "person_consent"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    given_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    #: asked | agreed | refused (`ConsentAnswer`); `given_at` is when it was set.
    answer: Mapped[str] = mapped_column(String(8), default="agreed", server_default="agreed")

    __table_args__ = (CheckConstraint("answer IN ('asked','agreed','refused')", name="answer"),)


class ActionTally(Base):
    """Anonymous answer counts of an action, kept when retention deletes its answers, so
    overviews still show how many people said yes / maybe / no and how many had a place."""

    __tablename__ = "action_tally"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    yes_count: Mapped[int] = mapped_column(Integer, default=0)
    maybe_count: Mapped[int] = mapped_column(Integer, default=0)
    no_count: Mapped[int] = mapped_column(Integer, default=0)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    counted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class CalendarCopy(Base):
    """Who received a calendar file (.ics) of an action, and its latest SEQUENCE (RFC 5545).

    Kept so a cancellation (METHOD:CANCEL, a higher SEQUENCE) reaches exactly the people who
    have the event in their calendar. Erased with the person (cascade).
    """

    __tablename__ = "calendar_copy"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    sequence: Mapped[int] = mapped_column(Integer, default=0)


class Attendance(Base):
    """Whether a volunteer came to an action (aanwezigheid), as recorded by a coordinator.

    One row per action and person; no running score per person is kept. Erased with the
    person (cascade); `recorded_by_id` is set to NULL when the coordinator is erased.
    """

    __tablename__ = "attendance"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    attended: Mapped[bool]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


SIGNAL_STATUSES = ("open", "picked_up", "done", "not_for_us")


class Signal(Base):
    """A place signal (issue 10 §3): something about a building, a portiek or public space
    that an action brought up, sent to one partner organisation of the area.

    status: open | picked_up | done | not_for_us (`bot.domain.vocabulary.SignalStatus`).
    `text` (<= 500 characters, street and house number allowed, no flat numbers or names)
    and `reason` (the typed "niet voor ons", <= 200) become NULL, and `sender_id` too, when
    retention purges the signal (`purged_at` set); the row stays for the overview's counts.
    `raised_at`: when it was last brought to the area's coordinators (nobody picked it up).
    """

    __tablename__ = "signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id", ondelete="SET NULL"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    text: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default="open")
    reason: Mapped[str | None] = mapped_column(String(200))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    raised_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    purged_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('open','picked_up','done','not_for_us')", name="status"),
        Index("ix_signal_organisation", "organisation_id", "status"),
        Index("ix_signal_area", "area_id", "created_at"),
        Index("ix_signal_sender_id", "sender_id"),
    )
