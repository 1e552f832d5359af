""" "Zorgen om iemand" (`/zorgen`, `/worried`, and the button `wr` in an action's messages
and on the results screen): the safeguarding numbers at once, and a coordinator of the
volunteer's area is asked to call back (`bot.domain.worries`). Nothing typed is asked for
or stored.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import WORRIED
from bot.context import WijkContext
from bot.domain.vocabulary import Role
from bot.domain.worries import WorryOutcome, ask_callback
from bot.handlers.common import answer_query, button, reply, translator_for
from bot.views.worries import worry_text


async def worried(update: Update, context: WijkContext, **_: Any) -> None:
    """The command and the button: numbers, and the call-back request for volunteers."""
    person = await context.person()
    t = translator_for(update, context, person)
    outcome = WorryOutcome(0)
    if person is not None:
        async with context.atomic() as session:
            outcome = await ask_callback(session=session, volunteer=person, now=context.clock.now())
    if update.callback_query is not None:
        await answer_query(update.callback_query)
    volunteer = person is not None and person.role == Role.VOLUNTEER
    await reply(update, worry_text(t, outcome, volunteer=volunteer))


def register(application: Any) -> None:
    """Add /zorgen, /worried and the `wr` button."""
    application.add_handler(CommandHandler(["zorgen", "worried"], worried))
    application.add_handler(button(WORRIED, worried))
