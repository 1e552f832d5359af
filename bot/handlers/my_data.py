"""/mijngegevens (/mydata): everything stored about me, readable in chat plus a JSON file
(AVG/GDPR art. 15 access, art. 20 portability). Thin: one domain call, then render."""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import WijkContext
from bot.domain.export import PersonalData, personal_data
from bot.domain.vocabulary import ConsentAnswer
from bot.handlers.common import current_person, reply, send_later, translator_for
from bot.i18n import Translator
from bot.views.consent import purpose_label
from bot.views.invite import role_label
from bot.views.lists import name_html
from bot.views.people import describe_slots, language_label, task_label


def summary(t: Translator, data: PersonalData) -> str:
    """The readable part (HTML): profile, choices and how many answers, messages, etc."""
    p = data.profile
    none = "–"

    def listed(labels: list[str]) -> str:
        return html.escape(", ".join(labels)) if labels else none

    lines = [
        t.gettext("<b>What is stored about you</b>"),
        t.gettext("First name: {name}", name=name_html(p["first_name"], None)),
        t.gettext("Telegram account: {id}", id=p["telegram_user_id"]),
        t.gettext("Role: {role}", role=html.escape(role_label(t, p["role"]))),
        t.gettext("Neighbourhood: {place}", place=html.escape(p["buurt"] or p["area"] or none)),
        t.gettext(
            "Languages: {languages}",
            languages=listed([language_label(t, c) for c in p["spoken_languages"]]),
        ),
        t.gettext(
            "Signed up on: {date}",
            date=html.escape(t.date(p["signed_up_at"].astimezone(t.tz).date())),
        ),
    ]
    if data.offers:
        lines.append(
            t.gettext(
                "You like to do: {tasks}", tasks=listed([task_label(t, x) for x in data.offers])
            )
        )
    if data.help_requests:
        lines.append(
            t.gettext(
                "Would like help with: {tasks}",
                tasks=listed([task_label(t, x) for h in data.help_requests for x in h["tasks"]]),
            )
        )
    if data.availability:
        slots = {(s["weekday"], s["day_part"]) for s in data.availability}
        lines.append(t.gettext("When you can help: {slots}", slots=describe_slots(t, slots)))
    if sent := [s for s in data.signals if s["as"] == "sender"]:
        lines.append(t.gettext("Signals you sent: {n}", n=len(sent)))
    lines += [
        t.gettext("Answers to actions: {n}", n=len(data.answers)),
        t.gettext("Messages to you (sent and waiting): {n}", n=len(data.messages)),
    ]
    if data.send_pacing is not None:  # shared pacing of PostgreSQL senders (kept a day)
        lines.append(
            t.gettext(
                "Your next message may go from: {time}",
                time=html.escape(t.datetime(data.send_pacing["next_message_from"])),
            )
        )
    lines += [
        t.gettext(
            "You agreed to: {purposes}",
            purposes=listed(
                [
                    purpose_label(t, c["purpose"])
                    for c in data.consents
                    if c["answer"] == ConsentAnswer.AGREED
                ]
            ),
        ),
        "",
        t.gettext(
            "The file below holds all of it. Send /delete to delete everything, "
            "/stop to get no more messages."
        ),
    ]
    return "\n".join(lines)


async def my_data(update: Update, context: WijkContext) -> None:
    """The command: a summary in chat and the full export as a JSON document."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    if person is None:
        await reply(update, t.gettext("Nothing is stored about you."))
        return
    data = await personal_data(session=context.session, person=person)
    document = data.as_json().encode()
    chat = update.effective_chat
    await reply(update, summary(t, data))
    if chat is not None:
        await send_later(lambda: chat.send_document(document, filename="wijkbot-my-data.json"))


def register(application: Any) -> None:
    """Add /mijngegevens and /mydata."""
    application.add_handler(CommandHandler(["mijngegevens", "mydata"], my_data))
