"""/stop, /help, /taal (/language), /verwijderen (/delete), and the bot being blocked.

Buttons (`bot.callbacks`): `stop:rel` / `stop:keep` (the /stop question when the person
has upcoming places), `acc:lang:<nl|en>`, `acc:del:yes:<code>` (only the newest
question's one-time code deletes anything), `acc:del:no`.
"""

from __future__ import annotations

import secrets
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler

from bot.callbacks import DELETE_NO, DELETE_YES, LANGUAGE, STOP_KEEP, STOP_RELEASE
from bot.context import WijkContext
from bot.domain import my_actions, people, stopping
from bot.domain.vocabulary import Role
from bot.handlers.common import (
    answer_query,
    button,
    edit_or_send,
    reply,
    stale_button,
    stale_text,
    translator_for,
)
from bot.handlers.social_map import social_map_for
from bot.i18n import Translator
from bot.persistence import forget_user
from bot.views.consent import periods_text
from bot.views.help import delete_question, help_text, language_keyboard
from bot.views.stopping import stop_question

DELETE_CODE = "delete_code"  # user_data key: the one-time code of the newest /delete question

__all__ = ["help_text", "register", "stop_command"]


async def help_command(update: Update, context: WijkContext) -> None:
    """/help per role."""
    person = await context.person()
    t = translator_for(update, context, person)
    text = help_text(t, person)
    if person is not None and person.role == Role.RESIDENT and person.onboarded_at is not None:
        # residents see who else can help (issue 10: the sociale kaart in their /help)
        text += "\n\n" + await social_map_for(context, t, person.buurt_id or person.area_id)
    await reply(update, text)


async def stop_command(update: Update, context: WijkContext) -> None:
    """/stop: no more proactive messages until /start. With upcoming places it asks first
    whether to give them up (issue 7 item 6)."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None:
        context.user_data.clear()
        await reply(update, t.gettext("Okay, stopped. Nothing is stored about you."))
        return
    async with context.atomic() as session:
        places = await stopping.upcoming_places(
            session=session, person=person, now=context.clock.now()
        )
        if not places:
            await stopping.stop(
                session=session,
                person=person,
                give_up=False,
                now=context.clock.now(),
                tz=context.services.settings.tz,
            )
    if places:
        await reply(update, *stop_question(t, places))
        return
    await reply(update, _stopped_text(t, context))


def _stopped_text(t: Translator, context: WijkContext) -> str:
    return (
        t.gettext(
            "Okay, you get no more messages from me. Send /start to turn them back on. "
            "Send /delete to remove everything stored about you."
        )
        + " "
        + periods_text(t, context.services.settings.retention_inactive_days)
    )


async def on_stop_answer(update: Update, context: WijkContext, give_up: bool) -> None:
    """`stop:rel` / `stop:keep`: stop, giving the places up or keeping them."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or person.stopped_at is not None:
        await stale_button(update, context)
        return
    async with context.atomic() as session:
        given = await stopping.stop(
            session=session,
            person=person,
            give_up=give_up,
            now=context.clock.now(),
            tz=context.services.settings.tz,
        )
    first = (
        t.ngettext(
            "You gave up {n} place; the coordinator is told.",
            "You gave up {n} places; the coordinator is told.",
            given,
        )
        if give_up
        else t.gettext(
            "You keep your place: see you there. You get no reminders or other messages."
        )
    )
    query = update.callback_query
    assert query is not None
    await answer_query(query)
    await edit_or_send(query, f"{first}\n\n{_stopped_text(t, context)}")


async def on_stop_release(update: Update, context: WijkContext) -> None:
    """`stop:rel`: "Ja, geef vrij"."""
    await on_stop_answer(update, context, give_up=True)


async def on_stop_keep(update: Update, context: WijkContext) -> None:
    """`stop:keep`: "Nee, ik kom wel"."""
    await on_stop_answer(update, context, give_up=False)


async def language_command(update: Update, context: WijkContext) -> None:
    """/taal or /language: choose nl or en."""
    t = translator_for(update, context, await context.person())
    await reply(update, t.gettext("Which language do you prefer?"), language_keyboard())


async def on_language(update: Update, context: WijkContext, *, language: str) -> None:
    """`acc:lang:<nl|en>`: store the choice (or keep it in user_data before sign-up)."""
    query = update.callback_query
    assert query is not None
    person = await context.person()
    if person is not None:
        async with context.atomic():
            people.set_language(person=person, language=language, supported=context.i18n.catalogs)
    else:
        context.user_data["lang"] = language
    t = translator_for(update, context, person)
    await answer_query(query)
    await edit_or_send(query, t.gettext("From now on I will write to you in English."))


async def delete_command(update: Update, context: WijkContext) -> None:
    """/verwijderen or /delete: ask for confirmation, with a fresh one-time code."""
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None:
        context.user_data.clear()
        forget_user(context.application, update.effective_user.id)  # a sign-up in progress
        await reply(update, t.gettext("Nothing is stored about you."))
        return
    # A fresh code per question: only the newest question's "yes" deletes anything, so an
    # old confirmation message pressed weeks later does nothing.
    code = secrets.token_hex(4)
    context.user_data[DELETE_CODE] = code
    places = await my_actions.holds_places(
        session=context.session, person_id=person.id, now=context.clock.now()
    )
    await reply(update, *delete_question(t, code, places=places))


async def on_delete(update: Update, context: WijkContext, *, code: str) -> None:
    """`acc:del:yes:<code>`: erase everything, if `code` is the newest question's."""
    query = update.callback_query
    assert query is not None
    person = await context.person()
    t = translator_for(update, context, person)
    if person is None or code != context.user_data.get(DELETE_CODE):
        await answer_query(query, stale_text(t))
        return
    async with context.atomic() as session:
        await people.erase(
            session=session, person=person, now=context.clock.now(), tz=context.services.settings.tz
        )
    context.uow.forget_person()
    context.user_data.clear()
    forget_user(context.application, update.effective_user.id)  # in-memory conversations too
    await answer_query(query)
    await edit_or_send(
        query,
        t.gettext("Done: everything stored about you has been deleted. Goodbye, and thank you!"),
    )


async def on_keep(update: Update, context: WijkContext) -> None:
    """`acc:del:no`: nothing is deleted."""
    query = update.callback_query
    assert query is not None
    t = translator_for(update, context, await context.person())
    await answer_query(query)
    await edit_or_send(query, t.gettext("Okay, nothing has been deleted."))


async def bot_blocked_or_unblocked(update: Update, context: WijkContext) -> None:
    """Telegram tells us the person blocked (kicked) or unblocked the bot in their chat.

    Blocked: mark them unreachable at once, so no call waits for a 403 first. Unblocked: they
    stay unreachable until they send /start (a deliberate "yes, message me again").
    """
    member = update.my_chat_member
    if member is None or member.new_chat_member.status != ChatMemberStatus.BANNED:
        return
    person = await context.person()
    if person is not None:
        async with context.atomic():
            people.mark_unreachable(person=person, now=context.clock.now())


def register(application: Any) -> None:
    """Add the account commands and buttons."""
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("stop", stop_command))
    application.add_handler(button(STOP_RELEASE, on_stop_release))
    application.add_handler(button(STOP_KEEP, on_stop_keep))
    application.add_handler(CommandHandler(["taal", "language"], language_command))
    application.add_handler(CommandHandler(["verwijderen", "delete"], delete_command))
    application.add_handler(button(LANGUAGE, on_language))
    application.add_handler(button(DELETE_YES, on_delete))
    application.add_handler(button(DELETE_NO, on_keep))
    application.add_handler(CallbackQueryHandler(stale_button, pattern=r"^acc(:|$)"))
    application.add_handler(
        ChatMemberHandler(bot_blocked_or_unblocked, ChatMemberHandler.MY_CHAT_MEMBER)
    )
