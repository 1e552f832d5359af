"""/hulpvragen (/helprequests): coordinators see what residents of their area asked for."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import WijkContext
from bot.domain.errors import NotAllowed
from bot.domain.help_requests import ResidentNeeds, open_help_requests
from bot.handlers.common import current_person, esc, reply, translator_for
from bot.i18n import Translator
from bot.views.people import task_label


def _entry(t: Translator, needs: ResidentNeeds) -> str:
    lines = [
        f"<b>{esc(needs.name)}</b> · {esc(needs.place)} · {needs.language} · "
        f"{esc(t.date(needs.since.astimezone(t.tz).date()))}",
        t.gettext(
            "Would like help with: {tasks}",
            tasks=esc(", ".join(task_label(t, x) for x in needs.wants)),
        ),
    ]
    if needs.offers:
        lines.append(
            t.gettext(
                "Can offer: {tasks}", tasks=esc(", ".join(task_label(t, x) for x in needs.offers))
            )
        )
    return "\n".join(lines)


async def list_help_requests(update: Update, context: WijkContext) -> None:
    """The command: newest residents with open help requests first (at most 30)."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    try:
        async with context.atomic() as session:
            found = await open_help_requests(session=session, coordinator=person)  # type: ignore[arg-type]
    except NotAllowed:
        await reply(update, t.gettext("Sorry, only coordinators can do this."))
        return
    if not found:
        await reply(update, t.gettext("No open help requests in your area."))
        return
    head = t.ngettext(
        "{n} resident would like help. Get in touch with them, or ask a volunteer.",
        "{n} residents would like help. Get in touch with them, or ask a volunteer.",
        len(found),
    )
    await reply(update, head + "\n\n" + "\n\n".join(_entry(t, needs) for needs in found))


def register(application: Any) -> None:
    """Add /hulpvragen and /helprequests."""
    application.add_handler(CommandHandler(["hulpvragen", "helprequests"], list_help_requests))
