"""Telegram handlers: thin (parse, authorise, call one domain function, render).

Each feature module has `register(application)`. Callback-data prefixes (<= 64 bytes):
ob: onboarding, av: availability, acc: account, na: new action, act: action list/roster/
cancel, rsvp: answers to calls, inv: invites.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

FEATURES = (
    "guards",  # group -1: updates without a user, edited messages
    "onboarding",  # /start, language, consent, per-role questions
    "availability",
    "account",  # /stop, /help, /taal, /verwijderen
    "new_action",  # coordinators: /nieuweactie conversation (before the list/roster)
    "actions",  # coordinators: /acties, roster, cancel
    "rsvp",  # volunteers: Ja / Misschien / Nee
    "invites",
    "help_requests",  # coordinators: /hulpvragen
    "my_data",  # everyone signed up: /mijngegevens (what is stored, as text and JSON)
    "fallback",  # last in group 0: unknown commands, free text, stickers, voice; error handler
)


def register_all(application: Any) -> None:
    """Register every feature's handlers on the application, in FEATURES order."""
    for name in FEATURES:
        import_module(f"bot.handlers.{name}").register(application)
