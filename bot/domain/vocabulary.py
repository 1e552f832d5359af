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
    #: Staff of a partner organisation (buurtteam, DOCK, Ymere...): sees only what is handed
    #: over to their organisation, and aggregates; never requests, rosters or messages.
    PARTNER = "partner"


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


class ConsentAnswer(StrEnum):
    """A person's answer for one consent purpose (`person_consent.answer`): asked (the
    question was shown once, no answer yet), agreed, refused. Only 'agreed' lets the bot
    use their data for that purpose."""

    ASKED = "asked"
    AGREED = "agreed"
    REFUSED = "refused"


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
    """A help request's status (glossary: help request = hulpvraag).

    open -> proposed -> coupled -> closed; handed_over (to a partner organisation). The CHECK
    constraint is `storage.models.HELP_REQUEST_STATUSES`."""

    OPEN = "open"
    PROPOSED = "proposed"
    COUPLED = "coupled"
    HANDED_OVER = "handed_over"
    CLOSED = "closed"


#: The coupling code's name for the same enum (kept so both names work).
RequestStatus = HelpRequestStatus


class DayPart(StrEnum):
    """Day parts of the availability grid, on the Europe/Amsterdam wall clock."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


# --- Coupling (help requests, proposals, check-ins, hand-overs) ---

#: Statuses of a request that still needs or has attention (not closed).
ACTIVE_REQUEST_STATUSES = (
    RequestStatus.OPEN,
    RequestStatus.PROPOSED,
    RequestStatus.COUPLED,
    RequestStatus.HANDED_OVER,
)


class ProposalStatus(StrEnum):
    """Where a proposal stands: waiting for the volunteer, then the resident; or done."""

    VOLUNTEER = "volunteer"
    RESIDENT = "resident"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


#: Proposals still waiting for an answer (they count towards a volunteer's maximum).
PENDING_PROPOSAL_STATUSES = (ProposalStatus.VOLUNTEER, ProposalStatus.RESIDENT)


class ProposalAnswer(StrEnum):
    """Ja / Nee / Liever niet nu (the last one only for volunteers)."""

    YES = "yes"
    NO = "no"
    NOT_NOW = "not_now"


class CheckInAnswer(StrEnum):
    """Answers to "Hoe gaat het?": Goed / Kan beter / We zijn gestopt."""

    GOOD = "good"
    COULD_BE_BETTER = "could_be_better"
    STOPPED = "stopped"


class HandOverAnswer(StrEnum):
    """A partner organisation's answer to a hand-over: Opgepakt / Niet voor ons."""

    PICKED_UP = "picked_up"
    NOT_FOR_US = "not_for_us"


class SignalStatus(StrEnum):
    """Where a place signal stands (issue 10 §3): open (nobody answered), picked up
    ("Opgepakt"), done ("Afgerond") or not for us ("Niet voor ons", with a typed reason).
    The CHECK constraint is `storage.models.SIGNAL_STATUSES`."""

    OPEN = "open"
    PICKED_UP = "picked_up"
    DONE = "done"
    NOT_FOR_US = "not_for_us"


class OrganisationKind(StrEnum):
    """Kinds of partner organisation (glossary)."""

    NEIGHBOURHOOD_TEAM = "neighbourhood_team"
    SOCIAL_BASE = "social_base"
    HOUSING_CORPORATION = "housing_corporation"
    AREA_BROKER = "area_broker"
    DISTRICT = "district"
    RESIDENT_INITIATIVE = "resident_initiative"
    OTHER = "other"


class ReasonKind(StrEnum):
    """Kinds of reason shown with a suggestion, in display order.

    Values of a reason: SAME_BUURT/SIBLING_BUURT/SAME_WIJK/SAME_GEBIED/NEARBY_WIJK -> area
    name (str); LANGUAGE -> ISO 639-1 code; TASK -> task code; TIME -> (weekday, day part);
    NO_COUPLE -> None; LOAD -> number of couples and action places (int)."""

    SAME_BUURT = "same_buurt"
    SIBLING_BUURT = "sibling_buurt"
    SAME_WIJK = "same_wijk"
    NEARBY_WIJK = "nearby_wijk"
    SAME_GEBIED = "same_gebied"
    LANGUAGE = "language"
    TASK = "task"
    TIME = "time"
    NO_COUPLE = "no_couple"
    LOAD = "load"


class CouplingMessageKind(StrEnum):
    """Outbox message kinds the coupling package queues (for the outbox registry).

    Args of each: see the functions that queue them (proposals, couples, checkins,
    handover, requests)."""

    PROPOSAL_VOLUNTEER = "coupling_proposal_volunteer"
    PROPOSAL_RESIDENT = "coupling_proposal_resident"
    PROPOSAL_DECLINED = "coupling_proposal_declined"
    PROPOSAL_EXPIRED = "coupling_proposal_expired"
    COUPLED = "coupling_coupled"
    COUPLE_ENDED = "coupling_couple_ended"
    CHECK_IN = "coupling_check_in"
    CHECK_IN_ALERT = "coupling_check_in_alert"
    HAND_OVER = "coupling_hand_over"
    HAND_OVER_ANSWERED = "coupling_hand_over_answered"
    REQUEST_RAISED = "coupling_request_raised"
    KENNISMAKING = "coupling_kennismaking"
    KENNISMAKING_REMINDER = "coupling_kennismaking_reminder"
    HAND_OVER_CONSENT = "coupling_hand_over_consent"
    HAND_OVER_CONSENT_ANSWER = "coupling_hand_over_consent_answer"


class RelayRouting(StrEnum):
    """Where a typed message goes (`bot.domain.relay.route`): to one thread, ask "Aan
    wie?", to the area's coordinators, or nowhere (a pointer to /help). Not stored."""

    SEND = "send"
    ASK = "ask"
    COORDINATORS = "coordinators"
    NOWHERE = "nowhere"


class NoticeLevel(StrEnum):
    """Which notices a coordinator wants about one action (`action_notice_level.level`)."""

    ALL = "all"  # "alles": full, every drop-out
    URGENT = "urgent"  # "alleen urgent": drop-outs within 24 hours of the start


class NoticeEvent(StrEnum):
    """What a coordinator notice (outbox kind 'coordinator_notice') is about (its args)."""

    FULL = "full"
    DROPOUT = "dropout"
    NOBODY_REACHED = "nobody"  # every call failed or was blocked
