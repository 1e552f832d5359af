"""/start with an invite token: language, consent, then per-role questions.

A persistent ConversationHandler (name "onboarding"), one function per state (PTB's
`persistentconversationbot.py` style): `entry` holds the link, language and consent steps,
`steps` the questions after consent. The step lives in the database (`bot.persistence`), so
someone halfway continues after a restart. `/annuleer` and every other command end it the
same way as every conversation (`bot.handlers.conversations`); `on_exit` keeps the step, so
`/start` continues where the person left off.

Buttons are decoded by `bot.callbacks` (`ob:*` routes); a forged or old press gets the one
stale answer and the conversation stays where it was.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.callbacks import (
    OB_AV,
    OB_AV_DONE,
    OB_BUURT,
    OB_CONSENT,
    OB_LANG,
)
from bot.handlers.common import button
from bot.handlers.conversations import add_conversation
from bot.handlers.onboarding import entry, steps
from bot.handlers.onboarding.states import (
    AVAIL,
    BUURT,
    CONSENT,
    LANG,
    OFFERS,
    SPOKEN,
    TASKS,
    WANTS,
)

__all__ = ["conversation", "register"]


def conversation() -> ConversationHandler[Any]:
    """The sign-up conversation: every state's buttons and its answer to typed text."""
    typed = filters.UpdateType.MESSAGE & ~filters.COMMAND

    def choice(state: str) -> list[Any]:
        toggle, done = steps.ROUTES[state]
        return [
            button(done, steps.on_choice_done(state)),  # before `toggle`: same head prefix
            button(toggle, steps.on_choice(state)),
            MessageHandler(typed, steps.typed_hint),
        ]

    return ConversationHandler(
        entry_points=[CommandHandler("start", entry.start)],
        states={
            LANG: [button(OB_LANG, entry.on_language), MessageHandler(typed, entry.typed_language)],
            CONSENT: [
                button(OB_CONSENT, entry.on_consent),
                MessageHandler(typed, entry.typed_consent),
            ],
            BUURT: [button(OB_BUURT, steps.on_buurt), MessageHandler(typed, steps.typed_buurt)],
            SPOKEN: choice(SPOKEN),
            TASKS: choice(TASKS),
            AVAIL: [
                button(OB_AV_DONE, steps.on_avail_done),
                button(OB_AV, steps.on_slot),
                MessageHandler(typed, steps.typed_hint),
            ],
            WANTS: choice(WANTS),
            OFFERS: choice(OFFERS),
        },
        fallbacks=[],
        name="onboarding",
        persistent=True,
        allow_reentry=True,
    )


def register(application: Any) -> None:
    """Add the onboarding conversation (registered for the one way out)."""
    add_conversation(application, conversation(), entry.on_exit)
