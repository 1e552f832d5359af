"""/sociale_kaart (/social_map): the organisations of the reader's area (volunteers at the
klaptafel, residents; also shown under residents' /help)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import WijkContext
from bot.domain import areas
from bot.domain.coupling.organisations import social_map
from bot.handlers.common import reply, translator_for
from bot.i18n import Translator
from bot.views.help import help_text
from bot.views.social_map import social_map_text


async def social_map_for(context: WijkContext, t: Translator, area_id: int) -> str:
    """The sociale kaart of the area (its organisations and those of the areas above)."""
    entries = await social_map(session=context.session, area_id=area_id)
    name = (await areas.tree(context.session)).name(area_id)
    return social_map_text(t, name, entries)


async def command(update: Update, context: WijkContext) -> None:
    """/sociale_kaart: for anyone signed up; their buurt, else their area."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or person.onboarded_at is None:
        await reply(update, help_text(t, None))
        return
    await reply(update, await social_map_for(context, t, person.buurt_id or person.area_id))


def register(application: Any) -> None:
    """Add /sociale_kaart and /social_map."""
    application.add_handler(CommandHandler(["sociale_kaart", "social_map"], command))
