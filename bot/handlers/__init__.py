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
    action_message,
    actions,
    attendance,
    availability,
    conversations,
    cover,
    fallback,
    guards,
    help_requests,
    invites,
    my_actions,
    my_data,
    new_action,
    notices,
    onboarding,
    rsvp,
)

FEATURES: tuple[ModuleType, ...] = (
    guards,  # group -2: updates without a user, groups, edited messages
    onboarding,  # /start, language, consent, per-role questions
    availability,
    account,  # /stop, /help, /taal, /verwijderen
    new_action,  # coordinators: /nieuweactie conversation (before the list/roster)
    action_message,  # coordinators: a message to the people coming (a conversation)
    actions,  # coordinators: /acties, roster, cancel
    notices,  # coordinators: "roep opnieuw op", notices "alles" / "alleen urgent"
    cover,  # coordinators: /afwezig, a stand-in gets their notices meanwhile
    rsvp,  # volunteers: Ja / Misschien / Nee
    my_actions,  # volunteers: /mijnacties, their answers with buttons to change them
    attendance,  # coordinators: "Who came?" after an action, thank-yous
    invites,
    help_requests,  # coordinators: /hulpvragen
    my_data,  # everyone signed up: /mijngegevens (what is stored, as text and JSON)
    conversations,  # group -1: a command ends the active conversation; /annuleer with none
    fallback,  # last in group 0: unknown commands, free text, stickers, voice; error handler
)


def register_all(application: Any) -> None:
    """Register every feature's handlers on the application, in `FEATURES` order."""
    for module in FEATURES:
        module.register(application)
