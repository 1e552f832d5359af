"""The project's words as types: roles, statuses, answers, kinds, day parts.

Every value here is stored in the database as the plain string (a `StrEnum` member *is* that
string, so `Role.COORDINATOR == "coordinator"`), and the CHECK constraints in
`storage.models` list the same strings. Names follow `shared/data/glossary.md`.
Adding a value: add the member here, extend the CHECK constraint in a migration, add its
label in the views.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person is in the network (glossary: coordinator, volunteer, resident, partner)."""

    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
    RESIDENT = "resident"


class AreaLevel(StrEnum):
    """The city's area levels, from large to small: stadsdeel > gebied > wijk > buurt."""

    STADSDEEL = "stadsdeel"
    GEBIED = "gebied"
    WIJK = "wijk"
    BUURT = "buurt"


class ActionKind(StrEnum):
    """Kinds of action (glossary: doorstep = portiekgesprek, street stand = klaptafel)."""

    DOORSTEP = "doorstep"
    STREET_STAND = "street_stand"
    OTHER = "other"


class ActionStatus(StrEnum):
    """An action is open until it is cancelled (there is no 'done': time tells that)."""

    OPEN = "open"
    CANCELLED = "cancelled"


class Answer(StrEnum):
    """A volunteer's answer to a call: Ja / Misschien / Nee."""

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class PlaceStatus(StrEnum):
    """What an answer holds: a place, a place on the waiting list, or nothing."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    NONE = "none"


class OutboxStatus(StrEnum):
    """An outbox row's life: pending -> sending -> sent | blocked | failed | expired | cancelled."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class HelpRequestStatus(StrEnum):
    """A help request's status (glossary: help request = hulpvraag)."""

    OPEN = "open"


class DayPart(StrEnum):
    """Day parts of the availability grid, on the Europe/Amsterdam wall clock."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
