"""Telegram handlers: thin (parse, authorise, call one domain flow, render).

Each feature module has `register(application)`; `FEATURES` lists them in the order their
handlers are added (PTB tries handlers of a group in that order). Callback data is encoded
and decoded by one codec, `bot.callbacks` (prefixes and fields registered there).

Every handler runs inside the update's unit of work (`bot.unit_of_work`): it gets the session
and the person from the context, and its replies go out after the transaction committed.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from bot.handlers import (
    account,
    action_edit,
    action_message,
    action_widen,
    actions,
    assisted,
    attendance,
    availability,
    bulk_coupling,
    consent_check,
    conversations,
    couples,
    cover,
    fallback,
    flyers,
    guards,
    handover,
    help_requests,
    invites,
    my_actions,
    my_data,
    my_help_request,
    new_action,
    notices,
    on_behalf,
    onboarding,
    organisers,
    overlap,
    overview,
    partner_actions,
    profile,
    proposals,
    relay,
    request_note,
    results,
    rsvp,
    signals,
    social_map,
    worries,
)

FEATURES: tuple[ModuleType, ...] = (
    guards,  # group -3: updates without a user, groups, edited messages
    consent_check,  # group -2: ask once for a new or changed consent purpose
    onboarding,  # /start, language, consent, per-role questions
    availability,
    account,  # /stop, /help, /taal, /verwijderen
    new_action,  # coordinators: /nieuweactie conversation (before the list/roster)
    action_edit,  # coordinators: change an action from its roster (conversation)
    action_widen,  # coordinators: call more people for an action (roster)
    action_message,  # coordinators: a message to the people coming (a conversation)
    actions,  # coordinators: /acties, roster, cancel
    partner_actions,  # partner staff: their organisation's joint actions, first names only
    organisers,  # coordinators: the co-organisers of an action, from its roster
    notices,  # coordinators: "roep opnieuw op", notices "alles" / "alleen urgent"
    cover,  # coordinators: /afwezig, a stand-in gets their notices meanwhile
    rsvp,  # volunteers: Ja / Misschien / Nee
    overlap,  # volunteers: a Ja that overlaps another Ja asks which one
    my_actions,  # volunteers: /mijnacties, their answers with buttons to change them
    profile,  # volunteers and residents: /profiel, change what sign-up asked
    attendance,  # coordinators: "Who came?" after an action, thank-yous
    invites,
    flyers,  # coordinators: a flyer (PDF + PNG) with its own invite, from /uitnodigen
    help_requests,  # coordinators: /hulpvragen
    my_help_request,  # residents: /hulpvraag
    request_note,  # residents: a typed note for the owner coordinator, from /hulpvraag
    on_behalf,  # coordinators: /namens, a resident without Telegram and their request
    proposals,  # volunteers and residents answer coupling proposals
    overview,  # coordinators: /overzicht (text, chart, CSV)
    results,  # volunteers and coordinators: /opbrengst (conversations, themes heard)
    signals,  # /signaal: a place signal to a partner organisation; /signalen, answers
    worries,  # volunteers: /zorgen, the safeguarding numbers and a call-back
    social_map,  # everyone signed up: /sociale_kaart (organisations of their area)
    assisted,  # volunteers at the klaptafel: a one-time sign-up link for a resident
    my_data,  # everyone signed up: /mijngegevens (what is stored, as text and JSON)
    bulk_coupling,  # coordinators: /koppelen, a set of proposals for the whole area
    handover,  # /doorzetten: hand a request to a partner organisation, with consent
    couples,  # /koppels, ending a couple, check-in answers, /kennismaking
    relay,  # typed messages, voice notes, /nummerdelen: passed on (bot.domain.relay rule)
    conversations,  # group -1: a command ends the active conversation; /annuleer with none
    fallback,  # last in group 0: unknown commands, free text, stickers, voice; error handler
)


def register_all(application: Any) -> None:
    """Register every feature's handlers on the application, in `FEATURES` order."""
    for module in FEATURES:
        module.register(application)
