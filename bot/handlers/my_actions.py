"""/mijnacties (/myactions): a volunteer's upcoming actions, each with the answer buttons.

One message per action (at most `bot.domain.my_actions.DEFAULT_LIMIT`, so each stays far
below Telegram's 4,096 characters), showing the summary, the person's answer (and waiting
list position) and the Ja / Misschien / Nee buttons of the call (`bot.callbacks.RSVP`):
pressing one is handled by `bot.handlers.rsvp`, which edits that message. A last line
"+N more" says how many later actions are not shown.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import WijkContext
from bot.domain import my_actions
from bot.domain.errors import MessagesStopped, NotSignedUp
from bot.handlers.common import reply, translator_for
from bot.handlers.rsvp import answer_line, refusal_text
from bot.views.action import action_summary, rsvp_keyboard


async def my_actions_command(update: Update, context: WijkContext) -> None:
    """/mijnacties: list what I answered, with buttons to change it."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        found = await my_actions.upcoming(
            session=context.session, person=person, now=context.clock.now()
        )
    except (NotSignedUp, MessagesStopped) as exc:
        await reply(update, refusal_text(t, exc))
        return
    if not found.items:
        await reply(
            update,
            t.gettext(
                "You have not answered any upcoming action yet. When an action needs help, "
                "you get a message with Yes, Maybe and No."
            ),
        )
        return
    await reply(
        update,
        t.ngettext(
            "Your upcoming action ({n}). Tap another answer to change it.",
            "Your upcoming actions ({n}). Tap another answer to change one.",
            len(found.items) + found.more,
        ),
    )
    for item in found.items:
        text = f"{action_summary(t, item.action, item.area_name)}\n\n{answer_line(t, item)}"
        await reply(update, text, rsvp_keyboard(t, item.action.id))
    if found.more:
        await reply(
            update,
            t.ngettext(
                "+{n} more later action: it shows here when the first ones are over.",
                "+{n} more later actions: they show here when the first ones are over.",
                found.more,
            ),
        )


def register(application: Any) -> None:
    """Add /mijnacties and /myactions (group 0)."""
    application.add_handler(CommandHandler(["mijnacties", "myactions"], my_actions_command))
