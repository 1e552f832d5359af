"""/hulpvragen (/helprequests): coordinators see what residents of their area asked for.

Long lists are paged (`hr:p:<page>`, `bot.callbacks.HELP_REQUESTS`), newest residents first.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import HELP_REQUESTS
from bot.context import WijkContext
from bot.domain.errors import NotAllowed
from bot.domain.help_requests import help_request_page
from bot.handlers.common import answer_query, button, coordinators_only_text, translator_for
from bot.handlers.keyboards import say
from bot.views.help import HELP_PAGE_SIZE, help_requests_view


async def list_help_requests(update: Update, context: WijkContext, page: int = 0) -> None:
    """The command (page 0) and `hr:p:<page>`: residents with open help requests."""
    person = await context.person()
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await help_request_page(
                session=session,
                coordinator=person,  # type: ignore[arg-type]
                offset=page * HELP_PAGE_SIZE,
                limit=HELP_PAGE_SIZE,
            )
    except NotAllowed:
        if update.callback_query is not None:
            await answer_query(update.callback_query, coordinators_only_text(t))
        else:
            await say(update, coordinators_only_text(t), t=t)
        return
    if not found.items:
        await say(update, t.gettext("No open help requests in your area."), t=t)
        return
    await say(update, *help_requests_view(t, found, page), t=t)


async def on_page(update: Update, context: WijkContext, *, page: int) -> None:
    """`hr:p:<page>`: another page of the list."""
    await list_help_requests(update, context, page)


def register(application: Any) -> None:
    """Add /hulpvragen, /helprequests and their page buttons."""
    application.add_handler(CommandHandler(["hulpvragen", "helprequests"], list_help_requests))
    application.add_handler(button(HELP_REQUESTS, on_page))
