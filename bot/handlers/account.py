"""/stop, /help, /taal (/language), /verwijderen (/delete)."""

from __future__ import annotations

import secrets
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler

from bot.context import WijkContext
from bot.domain import people
from bot.handlers.common import answer_query, current_person, edit_or_send, reply, translator_for
from bot.i18n import Translator
from bot.persistence import forget_user
from bot.views.consent import periods_text
from bot.views.help import coordinator_help
from storage.models import Person


def help_text(t: Translator, person: Person | None) -> str:
    """Help for the person's role (or for someone not signed up)."""
    if person is None:
        return t.gettext(
            "I am wijkbot, the bot of the neighbourhood network. You join with an invite "
            "link or QR code from your neighbourhood coordinator."
        )
    if person.role == "coordinator":
        return coordinator_help(t)
    if person.role == "volunteer":
        return t.gettext(
            "You are a volunteer. When an action in your neighbourhood needs help, "
            "you get a message: answer with Yes, Maybe or No.\n"
            "/myactions – the actions you answered; change your answer\n"
            "/availability – when you can help, or take a break\n"
            "/language – change the language\n"
            "/stop – stop all messages\n"
            "/delete – delete everything stored about you"
        )
    return t.gettext(
        "You signed up as a resident. Someone from the neighbourhood network will get "
        "in touch with you.\n"
        "/language – change the language\n"
        "/stop – stop all messages\n"
        "/delete – delete everything stored about you"
    )


async def help_command(update: Update, context: WijkContext) -> None:
    """/help per role."""
    person = await current_person(update, context)
    await reply(update, help_text(translator_for(update, context, person), person))


async def stop_command(update: Update, context: WijkContext) -> None:
    """/stop: no more proactive messages until /start."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    if person is None:
        context.user_data.clear()
        await reply(update, t.gettext("Okay, stopped. Nothing is stored about you."))
        return
    async with context.atomic():
        people.stop(person=person, now=context.clock.now())
    await reply(
        update,
        t.gettext(
            "Okay, you get no more messages from me. Send /start to turn them back on. "
            "Send /delete to remove everything stored about you."
        )
        + " "
        + periods_text(t, context.services.settings.retention_inactive_days),
    )


LANGUAGE_BUTTONS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Nederlands", callback_data="acc:lang:nl"),
            InlineKeyboardButton("English", callback_data="acc:lang:en"),
        ]
    ]
)


async def language_command(update: Update, context: WijkContext) -> None:
    """/taal or /language: choose nl or en."""
    t = translator_for(update, context, await current_person(update, context))
    await reply(update, t.gettext("Which language do you prefer?"), LANGUAGE_BUTTONS)


async def delete_command(update: Update, context: WijkContext) -> None:
    """/verwijderen or /delete: ask for confirmation."""
    person = await current_person(update, context)
    t = translator_for(update, context, person)
    if person is None:
        context.user_data.clear()
        forget_user(context.application, update.effective_user.id)  # a sign-up in progress
        await reply(update, t.gettext("Nothing is stored about you."))
        return
    # A fresh code per question: only the newest question's "yes" deletes anything, so an
    # old confirmation message pressed weeks later does nothing.
    code = secrets.token_hex(4)
    context.user_data["delete_code"] = code
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Yes, delete everything"), callback_data=f"acc:del:yes:{code}"
                ),
                InlineKeyboardButton(t.gettext("No, don't delete"), callback_data="acc:del:no"),
            ]
        ]
    )
    await reply(
        update,
        t.gettext(
            "Do you want me to delete everything stored about you? Your places on actions "
            "are given to others. This cannot be undone."
        ),
        keyboard,
    )


async def press(update: Update, context: WijkContext) -> None:
    """'acc:lang:<nl|en>' and 'acc:del:<yes|no>'."""
    query = update.callback_query
    person = await current_person(update, context)
    parts = (query.data or "").split(":")[1:]
    if parts[:1] == ["lang"] and parts[1:] in (["nl"], ["en"]):
        if person is not None:
            async with context.atomic() as session:
                people.set_language(
                    person=person,
                    language=parts[1],
                    supported=context.i18n.catalogs,
                )
                person.language = parts[1]
        else:
            context.user_data["lang"] = parts[1]
        t = translator_for(update, context, person)
        await answer_query(query)
        await edit_or_send(query, t.gettext("From now on I will write to you in English."))
        return
    t = translator_for(update, context, person)
    asked = context.user_data.get("delete_code")
    if parts[:2] == ["del", "yes"] and person is not None and asked and parts[2:] == [asked]:
        async with context.atomic() as session:
            await people.erase(
                session=session,
                person=person,
                now=context.clock.now(),
                tz=context.services.settings.tz,
            )
        context.user_data.clear()
        forget_user(context.application, update.effective_user.id)
        await answer_query(query)
        await edit_or_send(
            query,
            t.gettext(
                "Done: everything stored about you has been deleted. Goodbye, and thank you!"
            ),
        )
        return
    if parts == ["del", "no"]:
        await answer_query(query)
        await edit_or_send(query, t.gettext("Okay, nothing has been deleted."))
        return
    await answer_query(query, t.gettext("This button no longer works."))


async def bot_blocked_or_unblocked(update: Update, context: WijkContext) -> None:
    """Telegram tells us the person blocked (kicked) or unblocked the bot in their chat.

    Blocked: mark them unreachable at once, so no call waits for a 403 first. Unblocked: they
    stay unreachable until they send /start (a deliberate "yes, message me again").
    """
    member = update.my_chat_member
    if member is None or member.new_chat_member.status != "kicked":
        return
    person = await current_person(update, context)
    if person is not None:
        async with context.atomic():
            person.unreachable_at = context.clock.now()


def register(application: Any) -> None:
    """Add the account commands."""
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("stop", stop_command))
    application.add_handler(CommandHandler(["taal", "language"], language_command))
    application.add_handler(CommandHandler(["verwijderen", "delete"], delete_command))
    application.add_handler(CallbackQueryHandler(press, pattern=r"^acc:"))
    application.add_handler(
        ChatMemberHandler(bot_blocked_or_unblocked, ChatMemberHandler.MY_CHAT_MEMBER)
    )
